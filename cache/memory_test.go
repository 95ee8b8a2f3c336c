package cache_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/testsupport/storetest"
)

// openMemory opens stores sharing one backing map per test, so a store opened
// under another app version sees the entries of the first, as with IndexedDB.
func openMemory() storetest.Opener {
	var mu sync.Mutex
	first := map[*testing.T]*cache.Memory{}
	return func(t *testing.T, o cache.Options) storetest.Store {
		mu.Lock()
		defer mu.Unlock()
		if m, ok := first[t]; ok {
			v, err := cache.MemoryView(m, o)
			require.NoError(t, err)
			return v
		}
		m, err := cache.NewMemory(o)
		require.NoError(t, err)
		first[t] = m
		t.Cleanup(func() { _ = m.Close() })
		return m
	}
}

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, openMemory())
}
