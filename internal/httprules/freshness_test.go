package httprules

import (
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

func TestFreshnessOf(t *testing.T) {
	tests := []struct {
		name string
		h    map[string]string
		want Freshness
	}{
		{"none", nil, Freshness{}},
		{"max-age", map[string]string{"cache-control": "max-age=60"}, Freshness{Lifetime: time.Minute, Explicit: true}},
		{"max-age beats expires", map[string]string{"cache-control": "max-age=5", "date": "Sun, 06 Nov 1994 08:49:37 GMT", "expires": "Sun, 06 Nov 1994 09:49:37 GMT"},
			Freshness{Lifetime: 5 * time.Second, Explicit: true}},
		{"expires - date", map[string]string{"date": "Sun, 06 Nov 1994 08:49:37 GMT", "expires": "Sun, 06 Nov 1994 09:49:37 GMT"},
			Freshness{Lifetime: time.Hour, Explicit: true}},
		{"invalid expires is expired", map[string]string{"expires": "0", "date": "Sun, 06 Nov 1994 08:49:37 GMT"}, Freshness{Explicit: true}},
		{"expires without date", map[string]string{"expires": "Sun, 06 Nov 1994 09:49:37 GMT"}, Freshness{Explicit: true}},
		{"expires in the past", map[string]string{"date": "Sun, 06 Nov 1994 09:49:37 GMT", "expires": "Sun, 06 Nov 1994 08:49:37 GMT"}, Freshness{Explicit: true}},
		{"no-cache wins", map[string]string{"cache-control": "no-cache, max-age=600"}, Freshness{AlwaysRevalidate: true, Explicit: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, FreshnessOf(tt.h))
		})
	}
	now := time.UnixMilli(1_700_000_000_000)
	f := Freshness{Lifetime: time.Minute, Explicit: true}
	assert.True(t, f.IsFresh(now.Add(-59*time.Second), now))
	assert.False(t, f.IsFresh(now.Add(-time.Minute), now), "exactly at the lifetime is stale")
	assert.True(t, f.IsFresh(now.Add(time.Hour), now), "clock went backwards: age 0")
}
