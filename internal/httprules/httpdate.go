package httprules

import (
	"errors"
	"time"
)

var errBadDate = errors.New("httprules: malformed HTTP date")

// ParseHTTPDate parses an HTTP-date value in any of the three formats RFC
// 9110 §5.6.7 tells recipients to accept, surrounded by optional whitespace,
// and returns it in UTC:
//
//	IMF-fixdate  Sun, 06 Nov 1994 08:49:37 GMT
//	rfc850-date  Sunday, 06-Nov-94 08:49:37 GMT
//	asctime      Sun Nov  6 08:49:37 1994
//
// It follows the grammar strictly (names as written there, "GMT", two-digit
// fields) and checks the ranges (a 31st of April is malformed); it does not
// check that the weekday matches the date. A two-digit year is 19xx from 69
// on, else 20xx, as Go's time package reads one. It is written by hand rather
// than with time.Parse, whose layout engine costs the wasm module about 8 KB
// (brotli); a host test checks that everything it accepts, time.Parse
// accepts with the same result.
func ParseHTTPDate(s string) (time.Time, error) {
	s = trimOWS(s)
	var d dateScanner
	switch {
	case len(s) == 29 && s[3] == ',': // IMF-fixdate
		d = dateScanner{s: s}
		d.name(shortDays[:])
		d.lit(", ")
		day := d.num(2)
		d.lit(" ")
		mon := d.month()
		d.lit(" ")
		year := d.num(4)
		d.lit(" ")
		return d.finish(year, mon, day)
	case len(s) == 24 && s[3] == ' ': // asctime
		d = dateScanner{s: s}
		d.name(shortDays[:])
		d.lit(" ")
		mon := d.month()
		d.lit(" ")
		if d.err == nil && d.s[d.i] == ' ' {
			d.s = d.s[:d.i] + "0" + d.s[d.i+1:] // " 6" is 6
		}
		day := d.num(2)
		d.lit(" ")
		hh, mm, ss := d.clock()
		d.lit(" ")
		year := d.num(4)
		return d.date(year, mon, day, hh, mm, ss)
	default: // rfc850-date, or nothing
		d = dateScanner{s: s}
		d.name(longDays[:])
		d.lit(", ")
		day := d.num(2)
		d.lit("-")
		mon := d.month()
		d.lit("-")
		year := d.num(2)
		if year >= 69 {
			year += 1900
		} else {
			year += 2000
		}
		d.lit(" ")
		return d.finish(year, mon, day)
	}
}

var (
	shortDays = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	longDays  = [7]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	months    = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// dateScanner reads s from i, keeping the first error.
type dateScanner struct {
	s   string
	i   int
	err error
}

func (d *dateScanner) fail() { d.err = errBadDate }

// lit consumes the literal text t.
func (d *dateScanner) lit(t string) {
	if d.err == nil && (len(d.s)-d.i < len(t) || d.s[d.i:d.i+len(t)] != t) {
		d.fail()
	}
	if d.err == nil {
		d.i += len(t)
	}
}

// name consumes one of names.
func (d *dateScanner) name(names []string) int {
	if d.err != nil {
		return 0
	}
	for n, w := range names {
		if len(d.s)-d.i >= len(w) && d.s[d.i:d.i+len(w)] == w {
			d.i += len(w)
			return n
		}
	}
	d.fail()
	return 0
}

// month consumes a month name and returns 1..12.
func (d *dateScanner) month() time.Month { return time.Month(d.name(months[:]) + 1) }

// num consumes exactly n digits.
func (d *dateScanner) num(n int) int {
	if d.err != nil || len(d.s)-d.i < n {
		d.fail()
		return 0
	}
	v := 0
	for _, c := range []byte(d.s[d.i : d.i+n]) {
		if c < '0' || c > '9' {
			d.fail()
			return 0
		}
		v = v*10 + int(c-'0')
	}
	d.i += n
	return v
}

// clock consumes hh:mm:ss.
func (d *dateScanner) clock() (hh, mm, ss int) {
	hh = d.num(2)
	d.lit(":")
	mm = d.num(2)
	d.lit(":")
	ss = d.num(2)
	return hh, mm, ss
}

// finish reads "hh:mm:ss GMT" to the end and builds the date.
func (d *dateScanner) finish(year int, mon time.Month, day int) (time.Time, error) {
	hh, mm, ss := d.clock()
	d.lit(" GMT")
	return d.date(year, mon, day, hh, mm, ss)
}

// date checks that the whole string was read and the fields are in range.
func (d *dateScanner) date(year int, mon time.Month, day, hh, mm, ss int) (time.Time, error) {
	if d.err != nil || d.i != len(d.s) || hh > 23 || mm > 59 || ss > 59 || day < 1 || day > daysIn(mon, year) {
		return time.Time{}, errBadDate
	}
	return time.Date(year, mon, day, hh, mm, ss, 0, time.UTC), nil
}

// daysIn is the number of days of month m in year y (Gregorian).
func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
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
