package cache

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errFakeQuota = errors.New("QuotaExceededError: fake")

func TestPutWithQuotaRetry(t *testing.T) {
	otherErr := errors.New("boom")
	tests := []struct {
		name        string
		failures    int   // puts that fail with a quota error before one succeeds
		putErr      error // error of a failing put (default quota)
		stored      int   // entries evict can remove
		evictErr    error
		wantEvicts  []int // n passed to evict, in order
		wantEvicted int
		wantErr     error
	}{
		{"first try", 0, nil, 10, nil, nil, 0, nil},
		{"one retry", 1, nil, 10, nil, []int{1}, 1, nil},
		{"three retries", 3, nil, 100, nil, []int{1, 4, 16}, 21, nil},
		{"retries spent", 4, nil, 100, nil, []int{1, 4, 16}, 21, ErrQuota},
		{"nothing to evict", 5, nil, 0, nil, []int{1}, 0, ErrQuota},
		{"store runs dry", 5, nil, 3, nil, []int{1, 4, 16}, 3, ErrQuota},
		{"other error not retried", 1, otherErr, 10, nil, nil, 0, otherErr},
		{"evict fails", 2, nil, 10, otherErr, []int{1}, 0, otherErr},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			puts, stored := 0, tc.stored
			var evictCalls []int
			put := func() ([]Eviction, error) {
				puts++
				if puts <= tc.failures {
					if tc.putErr != nil {
						return nil, tc.putErr
					}
					return nil, errFakeQuota
				}
				return []Eviction{{Key: "cap", Reason: ReasonCapacity}}, nil
			}
			evict := func(need int64, n int) ([]Eviction, error) {
				evictCalls = append(evictCalls, n)
				assert.Zero(t, need, "without an estimate, eviction goes by count")
				if tc.evictErr != nil {
					return nil, tc.evictErr
				}
				var evs []Eviction
				for ; n > 0 && stored > 0; n-- {
					stored--
					evs = append(evs, Eviction{Key: "q", Reason: ReasonQuota})
				}
				return evs, nil
			}
			isQuota := func(err error) bool { return errors.Is(err, errFakeQuota) }
			unknown := func() (int64, int64, bool) { return 0, 0, false }
			evs, err := putWithQuotaRetry(context.Background(), "k", 100, put, evict, unknown, isQuota)
			assert.Equal(t, tc.wantEvicts, evictCalls)
			quota := 0
			for _, ev := range evs {
				if ev.Reason == ReasonQuota {
					quota++
				}
			}
			assert.Equal(t, tc.wantEvicted, quota, "quota evictions reported")
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, Eviction{Key: "cap", Reason: ReasonCapacity}, evs[len(evs)-1])
		})
	}
}

func TestPutWithQuotaRetryStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	evicted := false
	_, err := putWithQuotaRetry(ctx, "k", 100,
		func() ([]Eviction, error) { return nil, errFakeQuota },
		func(int64, int) ([]Eviction, error) { evicted = true; return nil, nil },
		func() (int64, int64, bool) { return 0, 0, false },
		func(error) bool { return true })
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, evicted)
}

// With the free space known, a put that could never fit evicts nothing, and
// one that can evicts what it needs, not a fixed count.
func TestPutWithQuotaRetryByFreeSpace(t *testing.T) {
	tests := []struct {
		name       string
		size       int64
		free, ours int64
		failures   int
		wantNeeds  []int64
		wantErr    error
	}{
		{"can never fit: nothing evicted", 12 << 20, 1 << 20, 3 << 20, 5, nil, ErrTooLarge},
		{"fits once 1 MB is freed", 3 << 20, 2 << 20, 3 << 20, 1, []int64{1<<20 + quotaMargin}, nil},
		{"needs grow on each retry", 3 << 20, 2 << 20, 3 << 20, 2, []int64{1<<20 + quotaMargin, 2 * (1<<20 + quotaMargin)}, nil},
		{"free space exceeds the entry: the margin still goes", 10, 100, 50, 1, []int64{quotaMargin}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			puts := 0
			var needs []int64
			put := func() ([]Eviction, error) {
				puts++
				if puts <= tc.failures {
					return nil, errFakeQuota
				}
				return nil, nil
			}
			evict := func(need int64, _ int) ([]Eviction, error) {
				needs = append(needs, need)
				return []Eviction{{Key: "q", Reason: ReasonQuota}}, nil
			}
			free := func() (int64, int64, bool) { return tc.free, tc.ours, true }
			_, err := putWithQuotaRetry(context.Background(), "k", tc.size, put, evict, free,
				func(err error) bool { return errors.Is(err, errFakeQuota) })
			assert.Equal(t, tc.wantNeeds, needs)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
		})
	}
}
