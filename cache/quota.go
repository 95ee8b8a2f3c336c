package cache

import (
	"context"
	"fmt"
)

// quotaMargin is added to what a put needs freed: usage figures are
// estimates (the browser pads them), and a record costs more than its body.
// It is also the first amount freed when the free space is not known.
const quotaMargin = 64 << 10

// space is what the browser says about the origin's storage: free bytes (its
// quota minus its usage) and the bytes our entries hold, which eviction
// could give back. ok is false when it cannot say (no StorageManager).
type space func() (free, ours int64, ok bool)

// evictFunc evicts least recently validated entries until at least need bytes
// are freed (at least one entry, when there is one). It returns the
// evictions, the bytes they freed, and restore, which puts the evicted
// records back where their keys are still free (nil when nothing was
// evicted).
type evictFunc func(need int64) (evs []Eviction, freed int64, restore func() error, err error)

// putWithQuotaRetry runs put; when it fails with an error isQuota accepts,
// the browser refused the write for lack of space:
//
//   - when the free space is known and the entry could not fit even with
//     every entry of ours evicted (size > free + ours), nothing is evicted
//     and the error matches ErrTooLarge;
//   - otherwise entries are evicted and put retried. The first eviction frees
//     what the estimate says is missing (size - free + quotaMargin) when the
//     estimate is believable, that is when it says the refused entry does not
//     fit; else (no estimate, or one that says it fits: Chromium 156 under a
//     DevTools quota override reports usage + 10 GiB as the quota, see
//     web/e2e/quota.test.mjs) it frees quotaMargin. Each further eviction
//     frees as much again as all before it, until size + quotaMargin have
//     been freed in all;
//   - when that much is freed and put is still refused, or nothing is left to
//     evict, every evicted record is put back and the error matches
//     ErrTooLarge: a response that cannot fit never costs the cache its
//     offline copies. If putting them back fails, the evictions stand, are
//     returned, and the error matches ErrQuota.
//
// The evictions that stand are returned in every case (after the put's own),
// so a caller can report them even on error.
func putWithQuotaRetry(ctx context.Context, key string, size int64, put func() ([]Eviction, error),
	evict evictFunc, free space, isQuota func(error) bool) ([]Eviction, error) {
	var (
		evicted  []Eviction
		restores []func() error
		freed    int64 // bytes the evictions so far freed
	)
	// giveUp puts the evicted records back, newest eviction first, and
	// returns an error matching sentinel (when not nil) and cause.
	giveUp := func(why string, sentinel, cause error) ([]Eviction, error) {
		for i := len(restores) - 1; i >= 0; i-- {
			if err := restores[i](); err != nil {
				return evicted, fmt.Errorf("cache: put %q: %s; putting %d evicted entries back failed: %w (%w)",
					key, why, len(evicted), ErrQuota, err)
			}
		}
		if sentinel == nil {
			return nil, fmt.Errorf("cache: put %q: %s: %w", key, why, cause)
		}
		return nil, fmt.Errorf("cache: put %q: %d bytes: %s: %w (%w)", key, size, why, sentinel, cause)
	}
	for i := 0; ; i++ {
		evs, err := put()
		if err == nil {
			return append(evicted, evs...), nil
		}
		if !isQuota(err) {
			if len(restores) > 0 {
				return giveUp("after evicting", nil, err)
			}
			return evicted, err
		}
		if cerr := ctx.Err(); cerr != nil {
			if len(restores) > 0 {
				return giveUp("after evicting", nil, cerr)
			}
			return evicted, fmt.Errorf("cache: put %q: %w", key, cerr)
		}
		limit := size + quotaMargin
		if freed >= limit {
			return giveUp(fmt.Sprintf("refused with %d bytes freed", freed), ErrTooLarge, err)
		}
		var need int64
		if i == 0 {
			need = quotaMargin
			if f, ours, ok := free(); ok && f < size {
				if size > f+ours {
					return evicted, fmt.Errorf("cache: put %q: %d bytes cannot fit: %d free, %d held by this cache: %w (%w)",
						key, size, f, ours, ErrTooLarge, err)
				}
				need = size - f + quotaMargin
			}
		} else {
			need = min(freed, limit-freed)
		}
		more, got, restore, eerr := evict(need)
		if eerr != nil {
			if len(restores) > 0 {
				return giveUp("evict after quota error", nil, eerr)
			}
			return evicted, fmt.Errorf("cache: put %q: evict after quota error: %w", key, eerr)
		}
		if len(more) == 0 {
			if len(restores) > 0 {
				return giveUp(fmt.Sprintf("refused with all %d evictable bytes freed", freed), ErrTooLarge, err)
			}
			return evicted, fmt.Errorf("cache: put %q: nothing to evict: %w (%w)", key, ErrQuota, err)
		}
		evicted = append(evicted, more...)
		if restore != nil {
			restores = append(restores, restore)
		}
		freed += got
	}
}
