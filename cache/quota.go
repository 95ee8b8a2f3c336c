package cache

import (
	"context"
	"fmt"
)

// quotaRetries is how many times a put refused for lack of space is retried
// after evicting entries.
const quotaRetries = 3

// quotaEvictCount is how many least-recently-validated entries are evicted
// before retry number i (0-based): 1, 4, 16.
func quotaEvictCount(i int) int { return 1 << (2 * i) }

// putWithQuotaRetry runs put; while it fails with an error isQuota accepts,
// it evicts quotaEvictCount(i) entries with evict and retries, at most
// quotaRetries times. When evict finds nothing left to evict, or the retries
// are spent, it returns ErrQuota. The evictions it made are returned in every
// case (after the put's own), so a caller can report them even on error.
func putWithQuotaRetry(ctx context.Context, key string, put func() ([]Eviction, error),
	evict func(n int) ([]Eviction, error), isQuota func(error) bool) ([]Eviction, error) {
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
		more, eerr := evict(quotaEvictCount(i))
		evicted = append(evicted, more...)
		if eerr != nil {
			return evicted, fmt.Errorf("cache: put %q: evict after quota error: %w", key, eerr)
		}
		if len(more) == 0 {
			return evicted, fmt.Errorf("cache: put %q: nothing left to evict: %w (%w)", key, ErrQuota, err)
		}
	}
}
