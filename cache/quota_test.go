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
			evict := func(n int) ([]Eviction, error) {
				evictCalls = append(evictCalls, n)
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
			evs, err := putWithQuotaRetry(context.Background(), "k", put, evict, isQuota)
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
	_, err := putWithQuotaRetry(ctx, "k",
		func() ([]Eviction, error) { return nil, errFakeQuota },
		func(int) ([]Eviction, error) { evicted = true; return nil, nil },
		func(error) bool { return true })
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, evicted)
}
