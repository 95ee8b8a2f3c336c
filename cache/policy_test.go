package cache

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestVerdict(t *testing.T) {
	base := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	o := Options{AppVersion: "v1", TTL: time.Hour}
	tests := []struct {
		name    string
		version string
		age     time.Duration
		want    Reason
	}{
		{"fresh", "v1", time.Minute, ""},
		{"zero age", "v1", 0, ""},
		{"1ns before TTL", "v1", time.Hour - time.Nanosecond, ""},
		{"exactly at TTL", "v1", time.Hour, ReasonTTL},
		{"past TTL", "v1", 2 * time.Hour, ReasonTTL},
		{"clock went backwards", "v1", -time.Hour, ""},
		{"clock went backwards by years", "v1", -5 * 365 * 24 * time.Hour, ""},
		{"other version, fresh", "v2", 0, ReasonVersion},
		{"other version and expired: version first", "v0", 3 * time.Hour, ReasonVersion},
		{"empty version", "", 0, ReasonVersion},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &Entry{AppVersion: tc.version, ValidatedAt: base}
			assert.Equal(t, tc.want, verdict(e, o, base.Add(tc.age)), "verdict(age %v)", tc.age)
		})
	}
}

// expiryBoundMillis agrees with verdict for millisecond timestamps around the
// bound, including before 1970 where UnixMilli truncates towards zero.
func TestExpiryBoundMillisAgreesWithVerdict(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2025, 3, 14, 9, 0, 0, 123_456_789, time.UTC),
		time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999_500_000, time.UTC),
	} {
		for _, ttl := range []time.Duration{time.Hour, time.Hour + 300*time.Microsecond, time.Millisecond} {
			o := Options{AppVersion: "v", TTL: ttl}
			bound := expiryBoundMillis(now, ttl)
			for ms := bound - 2; ms <= bound+2; ms++ {
				e := &Entry{AppVersion: "v", ValidatedAt: time.UnixMilli(ms)}
				expired := verdict(e, o, now) == ReasonTTL
				assert.Equal(t, ms <= bound, expired, "now %v ttl %v validatedAt %d bound %d", now, ttl, ms, bound)
			}
		}
	}
}

func TestMillis(t *testing.T) {
	assert.True(t, millis(time.Time{}).IsZero())
	assert.True(t, fromMillis(time.Time{}.UnixMilli()).IsZero())
	tm := time.Date(2025, 1, 2, 3, 4, 5, 6_789_000, time.UTC)
	assert.True(t, millis(tm).Equal(time.Date(2025, 1, 2, 3, 4, 5, 6_000_000, time.UTC)))
	assert.True(t, fromMillis(tm.UnixMilli()).Equal(millis(tm)))
	neg := time.Date(1969, 12, 31, 23, 59, 59, 999_500_000, time.UTC)
	assert.True(t, millis(neg).Equal(time.Date(1969, 12, 31, 23, 59, 59, 999_000_000, time.UTC)))
}

func TestRevalidatedHeaders(t *testing.T) {
	got := revalidatedHeaders(Revalidation{Header: map[string]string{
		"Cache-Control": "max-age=5", "ETag": `"x"`, "Content-Length": "0", "content-type": "text/plain",
		"Content-Encoding": "gzip", "": "empty", "Date": "d",
	}})
	assert.Equal(t, map[string]string{"cache-control": "max-age=5", "etag": `"x"`, "date": "d"}, got)
}
