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
