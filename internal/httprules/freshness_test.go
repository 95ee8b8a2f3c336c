package httprules

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseHTTPDate(t *testing.T) {
	want := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT", true},
		{"RFC 850", "Sunday, 06-Nov-94 08:49:37 GMT", true},
		{"asctime", "Sun Nov  6 08:49:37 1994", true},
		{"padded", "  Sun, 06 Nov 1994 08:49:37 GMT ", true},
		{"empty", "", false},
		{"zero", "0", false},
		{"not GMT", "Sun, 06 Nov 1994 08:49:37 PST", false},
		{"garbage", "yesterday", false},
		{"31st of April", "Sun, 31 Apr 1994 08:49:37 GMT", false},
		{"29th of February, common year", "Tue, 29 Feb 1994 08:49:37 GMT", false},
		{"hour 24", "Sun, 06 Nov 1994 24:49:37 GMT", false},
		{"one-digit day", "Sun, 6 Nov 1994 08:49:37 GMT", false},
		{"lower-case month", "Sun, 06 nov 1994 08:49:37 GMT", false},
		{"fraction of a second", "Sun, 06 Nov 1994 08:49:37.5 GMT", false},
		{"trailing data", "Sun, 06 Nov 1994 08:49:37 GMT x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHTTPDate(tt.in)
			assert.Equal(t, tt.ok, err == nil, "ParseHTTPDate(%q) err = %v", tt.in, err)
			if tt.ok {
				assert.True(t, want.Equal(got), "ParseHTTPDate(%q) = %v, want %v", tt.in, got, want)
			}
		})
	}
}

func TestParseHTTPDateOtherDates(t *testing.T) {
	for in, want := range map[string]time.Time{
		"Wed Nov 16 08:49:37 1994":         time.Date(1994, 11, 16, 8, 49, 37, 0, time.UTC),
		"Tue, 29 Feb 2000 23:59:59 GMT":    time.Date(2000, 2, 29, 23, 59, 59, 0, time.UTC),
		"Thursday, 01-Jan-70 00:00:00 GMT": time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		"Saturday, 01-Jan-00 00:00:00 GMT": time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		"Fri, 31 Dec 9999 23:59:59 GMT":    time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	} {
		got, err := ParseHTTPDate(in)
		if assert.NoError(t, err, in) {
			assert.True(t, want.Equal(got), "ParseHTTPDate(%q) = %v, want %v", in, got, want)
		}
	}
}

// FuzzHTTPDate checks the hand-written parser against time.Parse: whatever it
// accepts, time.Parse accepts in one of the three layouts with the same
// result (time.Parse is more lenient: any letter case, one-digit hours,
// fractions of a second).
func FuzzHTTPDate(f *testing.F) {
	for _, s := range []string{"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
		"Sun Nov  6 08:49:37 1994", "Tue, 29 Feb 2000 23:59:59 GMT", "Sun, 31 Apr 1994 08:49:37 GMT", " x "} {
		f.Add(s)
	}
	layouts := []string{"Mon, 02 Jan 2006 15:04:05 GMT", "Monday, 02-Jan-06 15:04:05 GMT", "Mon Jan _2 15:04:05 2006"}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseHTTPDate(s)
		if err != nil {
			return
		}
		for _, l := range layouts {
			if want, err := time.Parse(l, trimOWS(s)); err == nil {
				if !want.Equal(got) {
					t.Fatalf("ParseHTTPDate(%q) = %v, time.Parse(%q) = %v", s, got, l, want)
				}
				return
			}
		}
		t.Fatalf("ParseHTTPDate(%q) = %v, which time.Parse refuses", s, got)
	})
}

func TestFreshnessOf(t *testing.T) {
	// received: 1994-11-06 08:49:37 GMT, the Date of most rows.
	received := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	const date = "Sun, 06 Nov 1994 08:49:37 GMT"
	tests := []struct {
		name string
		h    map[string]string
		want Freshness
	}{
		{"none", nil, Freshness{}},
		{"max-age", map[string]string{"cache-control": "max-age=60"}, Freshness{Lifetime: time.Minute, Explicit: true}},
		{"max-age beats expires", map[string]string{"cache-control": "max-age=5", "date": date, "expires": "Sun, 06 Nov 1994 09:49:37 GMT"},
			Freshness{Lifetime: 5 * time.Second, Explicit: true}},
		{"expires - date", map[string]string{"date": date, "expires": "Sun, 06 Nov 1994 09:49:37 GMT"},
			Freshness{Lifetime: time.Hour, Explicit: true}},
		{"invalid expires is expired", map[string]string{"expires": "0", "date": date}, Freshness{Explicit: true}},
		{"expires without date counts from receipt", map[string]string{"expires": "Sun, 06 Nov 1994 09:49:37 GMT"},
			Freshness{Lifetime: time.Hour, Explicit: true}},
		{"expires in the past", map[string]string{"date": "Sun, 06 Nov 1994 09:49:37 GMT", "expires": "Sun, 06 Nov 1994 08:49:37 GMT"},
			Freshness{Explicit: true, InitialAge: 0}},
		{"no-cache wins", map[string]string{"cache-control": "no-cache, max-age=600"}, Freshness{AlwaysRevalidate: true, Explicit: true}},
		{"Age from a CDN", map[string]string{"cache-control": "max-age=600", "age": "540", "date": date},
			Freshness{Lifetime: 10 * time.Minute, Explicit: true, InitialAge: 9 * time.Minute}},
		{"apparent age from an old Date beats a smaller Age", map[string]string{"cache-control": "max-age=600", "age": "5",
			"date": "Sun, 06 Nov 1994 08:47:37 GMT"}, Freshness{Lifetime: 10 * time.Minute, Explicit: true, InitialAge: 2 * time.Minute}},
		{"Age: -1 is ignored", map[string]string{"cache-control": "max-age=60", "age": "-1", "date": date},
			Freshness{Lifetime: time.Minute, Explicit: true}},
		{"Age: garbage is ignored", map[string]string{"cache-control": "max-age=60", "age": "10, 20"},
			Freshness{Lifetime: time.Minute, Explicit: true}},
		{"Age: 99999999999 is capped at 2^31 s", map[string]string{"cache-control": "max-age=60", "age": "99999999999"},
			Freshness{Lifetime: time.Minute, Explicit: true, InitialAge: maxDeltaSeconds * time.Second}},
		{"Date in the future: apparent age 0", map[string]string{"cache-control": "max-age=60", "date": "Sun, 06 Nov 1994 09:49:37 GMT"},
			Freshness{Lifetime: time.Minute, Explicit: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, FreshnessOf(tt.h, received), "FreshnessOf(%v)", tt.h)
		})
	}
	now := time.UnixMilli(1_700_000_000_000)
	f := Freshness{Lifetime: time.Minute, Explicit: true}
	assert.True(t, f.IsFresh(now.Add(-59*time.Second), now))
	assert.False(t, f.IsFresh(now.Add(-time.Minute), now), "exactly at the lifetime is stale")
	assert.True(t, f.IsFresh(now.Add(time.Hour), now), "clock went backwards: age 0")
	aged := Freshness{Lifetime: 10 * time.Minute, Explicit: true, InitialAge: 9 * time.Minute}
	assert.True(t, aged.IsFresh(now.Add(-59*time.Second), now))
	assert.False(t, aged.IsFresh(now.Add(-time.Minute), now), "a response 9 minutes old on arrival is stale a minute later")
	assert.Equal(t, 10*time.Minute, aged.Age(now.Add(-time.Minute), now))
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"0": 0, "60": time.Minute, " 5 ": 5 * time.Second,
		"99999999999": maxDeltaSeconds * time.Second} {
		got, ok := ParseAge(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, "ParseAge(%q)", in)
	}
	for _, in := range []string{"", "-1", "1.5", "5, 6", "abc", "+3", "٣"} {
		_, ok := ParseAge(in)
		assert.False(t, ok, "ParseAge(%q)", in)
	}
}

// FuzzAge: ParseAge never panics, never goes negative or past 2^31 s, and
// accepts only digits.
func FuzzAge(f *testing.F) {
	for _, s := range []string{"0", "60", "-1", "99999999999", " 5 ", "1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		age, ok := ParseAge(s)
		if age < 0 || age > maxDeltaSeconds*time.Second || (!ok && age != 0) {
			t.Fatalf("ParseAge(%q) = %v, %v", s, age, ok)
		}
		if ok && strings.Trim(trimOWS(s), "0123456789") != "" {
			t.Fatalf("ParseAge(%q) accepted a non-digit", s)
		}
		_ = FreshnessOf(map[string]string{"age": s, "date": s, "expires": s, "cache-control": s}, time.Unix(0, 0))
	})
}
