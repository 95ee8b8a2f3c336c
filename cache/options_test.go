package cache_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/cache"
)

func TestNewMemoryOptions(t *testing.T) {
	tests := []struct {
		name    string
		o       cache.Options
		wantErr string
	}{
		{"minimal", cache.Options{AppVersion: "1"}, ""},
		{"all set", cache.Options{AppVersion: "1", TTL: time.Minute, MaxEntries: 5, MaxBytes: 10, Now: time.Now}, ""},
		{"empty app version", cache.Options{}, "AppVersion is empty"},
		{"negative TTL", cache.Options{AppVersion: "1", TTL: -time.Second}, "TTL -1s is negative"},
		{"negative MaxEntries", cache.Options{AppVersion: "1", MaxEntries: -1}, "MaxEntries -1 is negative"},
		{"negative MaxBytes", cache.Options{AppVersion: "1", MaxBytes: -1}, "MaxBytes -1 is negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := cache.NewMemory(tc.o)
			if tc.wantErr == "" {
				require.NoError(t, err)
				require.NotNil(t, m)
				return
			}
			require.Error(t, err)
			assert.Nil(t, m)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.Contains(t, err.Error(), "cache: invalid options")
		})
	}
}

// The zero TTL means DefaultTTL: an entry is served just before 7 days and
// not at 7 days.
func TestDefaultTTL(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	m, err := cache.NewMemory(cache.Options{AppVersion: "1", Now: clock})
	require.NoError(t, err)
	key, u, err := m.Key("", "GET", "https://h.example/k")
	require.NoError(t, err)
	e := &cache.Entry{Key: key, URL: u, AppVersion: "1", ValidatedAt: now}
	_, err = m.Put(t.Context(), e)
	require.NoError(t, err)
	now = now.Add(cache.DefaultTTL - time.Millisecond)
	_, err = m.Get(t.Context(), key)
	require.NoError(t, err)
	now = now.Add(time.Millisecond)
	_, err = m.Get(t.Context(), key)
	require.ErrorIs(t, err, cache.ErrMiss)
}
