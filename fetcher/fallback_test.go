package fetcher

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/cache"
)

// goneStore is a store that becomes unavailable when gone is set, as
// IndexedDB does when another tab upgrades the database.
type goneStore struct {
	*cache.Memory
	gone bool
}

func (g *goneStore) Get(ctx context.Context, key string) (*cache.Entry, error) {
	if g.gone {
		return nil, errors.Join(cache.ErrUnavailable, errors.New("VersionError"))
	}
	return g.Memory.Get(ctx, key)
}

func (g *goneStore) Put(ctx context.Context, e *cache.Entry) ([]cache.Eviction, error) {
	if g.gone {
		return nil, errors.Join(cache.ErrUnavailable, errors.New("VersionError"))
	}
	return g.Memory.Put(ctx, e)
}

func TestFallbackStoreSwitchesToMemoryOnce(t *testing.T) {
	copts := cache.Options{AppVersion: "v1"}
	m, err := cache.NewMemory(copts)
	require.NoError(t, err)
	primary := &goneStore{Memory: m}
	var fallbacks []error
	f := &fallbackStore{copts: copts, primary: primary, onFallback: func(err error) { fallbacks = append(fallbacks, err) }}
	key, u, err := f.Key("", "GET", "https://h.example/a")
	require.NoError(t, err)
	now := time.Now()
	_, err = f.Put(t.Context(), &cache.Entry{Key: key, URL: u, Body: cache.Bytes("a"), ValidatedAt: now})
	require.NoError(t, err)
	_, err = f.Get(t.Context(), key)
	require.NoError(t, err)
	assert.False(t, f.inMemory())

	primary.gone = true
	_, err = f.Get(t.Context(), key)
	require.ErrorIs(t, err, cache.ErrMiss, "the memory store starts empty: a miss, not a storage error")
	assert.True(t, f.inMemory())
	_, err = f.Put(t.Context(), &cache.Entry{Key: key, URL: u, Body: cache.Bytes("b"), ValidatedAt: now})
	require.NoError(t, err)
	e, err := f.Get(t.Context(), key)
	require.NoError(t, err)
	assert.Equal(t, "b", string(e.Body.Bytes()))
	require.Len(t, fallbacks, 1, "reported once")
	assert.ErrorIs(t, fallbacks[0], cache.ErrUnavailable)

	// Other errors are the primary's to report.
	other := &fallbackStore{copts: copts, primary: failingStore{}}
	_, err = other.Get(t.Context(), key)
	require.Error(t, err)
	assert.False(t, other.inMemory())
}
