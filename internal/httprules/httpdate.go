package httprules

import (
	"errors"
	"time"
)

// httpDateFormats are the three date formats RFC 9110 §5.6.7 tells
// recipients to accept. They are spelled out here so that the js/wasm build
// does not link net/http for http.ParseTime.
var httpDateFormats = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",  // IMF-fixdate
	"Monday, 02-Jan-06 15:04:05 GMT", // obsolete RFC 850
	"Mon Jan _2 15:04:05 2006",       // ANSI C asctime
}

var errBadDate = errors.New("httprules: malformed HTTP date")

// ParseHTTPDate parses an HTTP-date value in any of the three formats of RFC
// 9110 §5.6.7, returning it in UTC.
func ParseHTTPDate(s string) (time.Time, error) {
	s = trimOWS(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, errBadDate
	}
	for _, f := range httpDateFormats {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errBadDate
}

// SameDate compares two HTTP-date values, as dates when both parse and as
// strings otherwise (a malformed value is still a server's verbatim
// validator).
func SameDate(a, b string) bool {
	ta, errA := ParseHTTPDate(a)
	tb, errB := ParseHTTPDate(b)
	if errA == nil && errB == nil {
		return ta.Equal(tb)
	}
	return a == b
}
