package cache

import (
	"context"
	"fmt"
)

// quotaRetries is how many times a put refused for lack of space is retried
// after evicting entries.
const quotaRetries = 3

// quotaMargin is added to what a put needs freed: usage figures are
// estimates (the browser pads them), and a record costs more than its body.
const quotaMargin = 64 << 10

// quotaEvictCount is how many least-recently-validated entries are evicted
// before retry number i (0-based) when the free space is unknown: 1, 4, 16.
func quotaEvictCount(i int) int { return 1 << (2 * i) }

// space is what the browser says about the origin's storage: free bytes (its
// quota minus its usage) and the bytes our entries hold, which eviction
// could give back. ok is false when it cannot say (no StorageManager).
type space func() (free, ours int64, ok bool)

// putWithQuotaRetry runs put; when it fails with an error isQuota accepts,
// the browser refused the write for lack of space:
//
//   - when the free space is known and the entry could not fit even with
//     every entry of ours evicted (size > free + ours), nothing is evicted:
//     the error matches ErrTooLarge, and every offline copy stays;
//   - when it is known, the least recently validated entries are evicted
//     until what the entry needs is freed (size - free, plus a margin,
//     doubled on each retry), then put is retried;
//   - when it is unknown, 1, then 4, then 16 entries are evicted before the
//     retries.
//
// After quotaRetries retries, or when there is nothing left to evict, it
// returns ErrQuota. The evictions it made are returned in every case (after
// the put's own), so a caller can report them even on error.
func putWithQuotaRetry(ctx context.Context, key string, size int64, put func() ([]Eviction, error),
	evict func(need int64, n int) ([]Eviction, error), free space, isQuota func(error) bool) ([]Eviction, error) {
	var evicted []Eviction
	for i := 0; ; i++ {
		evs, err := put()
		if err == nil {
			return append(evicted, evs...), nil
		}
		if !isQuota(err) {
			return evicted, err
		}
		if i == quotaRetries {
			return evicted, fmt.Errorf("cache: put %q: %d retries: %w (%w)", key, quotaRetries, ErrQuota, err)
		}
		if cerr := ctx.Err(); cerr != nil {
			return evicted, fmt.Errorf("cache: put %q: %w", key, cerr)
		}
		var need int64
		n := quotaEvictCount(i)
		if f, ours, ok := free(); ok {
			if size > f+ours {
				return evicted, fmt.Errorf("cache: put %q: %d bytes cannot fit: %d free, %d held by this cache: %w (%w)",
					key, size, f, ours, ErrTooLarge, err)
			}
			need = (size - f + quotaMargin) << i
			if need < quotaMargin {
				need = quotaMargin << i
			}
		}
		more, eerr := evict(need, n)
		evicted = append(evicted, more...)
		if eerr != nil {
			return evicted, fmt.Errorf("cache: put %q: evict after quota error: %w", key, eerr)
		}
		if len(more) == 0 {
			return evicted, fmt.Errorf("cache: put %q: nothing left to evict: %w (%w)", key, ErrQuota, err)
		}
	}
}
