//go:build js && wasm

package cache

import (
	"context"
	"syscall/js"

	"github.com/etagcache/etag-cache/internal/jsutil"
)

// putWithQuota runs put, handling QuotaExceededError with putWithQuotaRetry:
// the free space comes from navigator.storage.estimate() and what our entries
// hold from the byte total.
func (s *IDBStore) putWithQuota(ctx context.Context, key string, size int64, put func() ([]Eviction, error)) ([]Eviction, error) {
	evict := func(need int64) ([]Eviction, int64, func() error, error) { return s.evictOldest(ctx, key, need) }
	free := func() (free, ours int64, ok bool) {
		if testHookSpace != nil {
			return testHookSpace()
		}
		quota, usage, ok := estimate(ctx)
		if !ok {
			return 0, 0, false
		}
		st, err := s.Stats(ctx)
		if err != nil {
			return 0, 0, false
		}
		return quota - usage, st.Bytes, true
	}
	return putWithQuotaRetry(ctx, key, size, put, evict, free, isQuota)
}

// testHookSpace, when set (by tests only), stands in for the space estimate.
var testHookSpace func() (free, ours int64, ok bool)

// estimate asks the StorageManager for the origin's quota and usage.
func estimate(ctx context.Context) (quota, usage int64, ok bool) {
	var p js.Value
	if err := jsutil.Safely(func() error {
		p = js.Global().Get("navigator").Get("storage").Call("estimate")
		return nil
	}); err != nil {
		return 0, 0, false
	}
	v, err := jsutil.Await(ctx, p)
	if err != nil {
		return 0, 0, false
	}
	q, u := countField(v, "quota"), countField(v, "usage")
	return q, u, q > 0
}
