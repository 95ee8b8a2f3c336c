//go:build js && wasm

package fetcher

import (
	"context"
	"errors"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/jsutil"
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

// outboxLock returns the lock the tabs of database name share for the
// outbox replay: an exclusive Web Lock. Where navigator.locks is missing
// the replay runs under the tab's own lock only.
func outboxLock(name string) func(ctx context.Context, fn func() error) error {
	if name == "" {
		name = cache.DefaultDBName
	}
	lock := "etag-cache-outbox|" + name
	return func(ctx context.Context, fn func() error) error {
		ran := false
		err := jsutil.Exclusive(ctx, lock, func() error {
			ran = true
			return fn()
		})
		if errors.Is(err, jsutil.ErrNoLocks) && !ran {
			return fn()
		}
		return err
	}
}
