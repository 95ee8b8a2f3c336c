//go:build js && wasm

package fetcher

import (
	"context"
	"time"

	"github.com/etagcache/etag-cache/cache"
)

// openTimeout bounds opening IndexedDB (a blocked open never settles).
const openTimeout = 10 * time.Second

// openIndexedDB opens the IndexedDB store (name "" -> cache.DefaultDBName).
func openIndexedDB(ctx context.Context, name string, copts cache.Options) (Store, error) {
	if name == "" {
		name = cache.DefaultDBName
	}
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	return cache.OpenIndexedDB(ctx, cache.IDBOptions{Options: copts, DBName: name})
}
