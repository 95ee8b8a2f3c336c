//go:build !(js && wasm)

package fetcher

import (
	"context"
	"errors"

	"github.com/etagcache/etag-cache/cache"
)

// openIndexedDB fails outside the browser: there is no IndexedDB.
func openIndexedDB(context.Context, string, cache.Options) (Store, error) {
	return nil, errors.Join(cache.ErrUnavailable, errors.New("IndexedDB exists only in a js/wasm build"))
}

// outboxLock: outside the browser there are no other tabs; the replay runs
// under the client's own lock.
func outboxLock(string) func(ctx context.Context, fn func() error) error { return nil }
