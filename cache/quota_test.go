package cache

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errFakeQuota = errors.New("QuotaExceededError: fake")

// fakeSpace is a store of entries (their sizes, least recently validated
// first) that evict takes from the front and restore puts back.
type fakeSpace struct {
	sizes      []int64
	needs      []int64 // need passed to each evict
	restores   int
	restoreErr error
	evictErr   error
}

func (f *fakeSpace) evict(need int64) ([]Eviction, int64, func() error, error) {
	f.needs = append(f.needs, need)
	if f.evictErr != nil {
		return nil, 0, nil, f.evictErr
	}
	var evs []Eviction
	var freed int64
	var taken []int64
	for len(f.sizes) > 0 && (len(evs) == 0 || freed < need) {
		taken = append(taken, f.sizes[0])
		freed += f.sizes[0]
		f.sizes = f.sizes[1:]
		evs = append(evs, Eviction{Key: "q", Reason: ReasonQuota})
	}
	if len(evs) == 0 {
		return nil, 0, nil, nil
	}
	return evs, freed, func() error {
		f.restores++
		if f.restoreErr != nil {
			return f.restoreErr
		}
		f.sizes = append(taken, f.sizes...)
		return nil
	}, nil
}

func sizes(n int, each int64) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = each
	}
	return s
}

// Without a believable estimate, eviction starts at quotaMargin and frees as
// much again as before on each retry; a put that is still refused once its
// size is freed, or once nothing is left, gets every evicted record back.
func TestPutWithQuotaRetry(t *testing.T) {
	const k100 = 100 << 10
	otherErr := errors.New("boom")
	tests := []struct {
		name        string
		size        int64
		failures    int   // puts that fail before one succeeds (-1: all)
		putErr      error // error of the last failing put (default quota)
		stored      []int64
		restoreErr  error
		evictErr    error
		wantNeeds   []int64
		wantEvicted int   // quota evictions reported
		wantLeft    int   // entries in the store at the end
		wantErr     error // nil: the put succeeded
	}{
		{"first try", 100, 0, nil, sizes(10, k100), nil, nil, nil, 0, 10, nil},
		{"one retry", 100, 1, nil, sizes(10, k100), nil, nil, []int64{quotaMargin}, 1, 9, nil},
		{"each retry frees as much again", 1 << 20, 3, nil, sizes(20, k100), nil, nil,
			[]int64{quotaMargin, k100, 2 * k100}, 4, 16, nil},
		{"refused with its size freed: all put back", 1 << 20, -1, nil, sizes(20, k100), nil, nil,
			[]int64{quotaMargin, k100, 2 * k100, 4 * k100, 1<<20 + quotaMargin - 8*k100}, 0, 20, ErrTooLarge},
		{"refused with everything evicted: all put back", 12 << 20, -1, nil, sizes(7, 400<<10), nil, nil,
			[]int64{quotaMargin, 400 << 10, 800 << 10, 1600 << 10, 2800 << 10}, 0, 7, ErrTooLarge},
		{"putting back fails: the evictions stand", 12 << 20, -1, nil, sizes(3, k100), otherErr, nil,
			[]int64{quotaMargin, k100, 2 * k100, 3 * k100}, 3, 0, ErrQuota},
		{"nothing of ours to evict", 100, -1, nil, nil, nil, nil, []int64{quotaMargin}, 0, 0, ErrQuota},
		{"other error not retried", 100, 1, otherErr, sizes(10, k100), nil, nil, nil, 0, 10, otherErr},
		{"other error after evicting: put back", 100, 2, otherErr, sizes(10, k100), nil, nil,
			[]int64{quotaMargin}, 0, 10, otherErr},
		{"evict fails", 100, 2, nil, sizes(10, k100), nil, otherErr, []int64{quotaMargin}, 0, 10, otherErr},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := &fakeSpace{sizes: tc.stored, restoreErr: tc.restoreErr, evictErr: tc.evictErr}
			puts := 0
			put := func() ([]Eviction, error) {
				puts++
				if tc.failures < 0 || puts <= tc.failures {
					if tc.putErr != nil && puts == tc.failures {
						return nil, tc.putErr
					}
					return nil, errFakeQuota
				}
				return []Eviction{{Key: "cap", Reason: ReasonCapacity}}, nil
			}
			isQuota := func(err error) bool { return errors.Is(err, errFakeQuota) }
			unknown := func() (int64, int64, bool) { return 0, 0, false }
			evs, err := putWithQuotaRetry(context.Background(), "k", tc.size, put, fs.evict, unknown, isQuota)
			assert.Equal(t, tc.wantNeeds, fs.needs)
			quota := 0
			for _, ev := range evs {
				if ev.Reason == ReasonQuota {
					quota++
				}
			}
			assert.Equal(t, tc.wantEvicted, quota, "quota evictions reported")
			assert.Len(t, fs.sizes, tc.wantLeft, "entries left in the store")
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
	fs := &fakeSpace{sizes: sizes(3, 100)}
	_, err := putWithQuotaRetry(ctx, "k", 100,
		func() ([]Eviction, error) { return nil, errFakeQuota },
		fs.evict,
		func() (int64, int64, bool) { return 0, 0, false },
		func(error) bool { return true })
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, fs.needs)
}

// Cancelled after evicting, the put gives the evicted records back.
func TestPutWithQuotaRetryCancelledAfterEvictingPutsBack(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	fs := &fakeSpace{sizes: sizes(3, 100)}
	puts := 0
	_, err := putWithQuotaRetry(ctx, "k", 100,
		func() ([]Eviction, error) {
			if puts++; puts == 2 {
				cancel()
			}
			return nil, errFakeQuota
		},
		fs.evict,
		func() (int64, int64, bool) { return 0, 0, false },
		func(error) bool { return true })
	require.ErrorIs(t, err, context.Canceled)
	assert.Len(t, fs.sizes, 3)
	assert.Equal(t, 1, fs.restores)
}

// With a believable free-space figure, a put that could never fit evicts
// nothing, and one that can frees what it needs first.
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
		{"then as much again", 3 << 20, 2 << 20, 3 << 20, 2, []int64{1<<20 + quotaMargin, 1<<20 + quotaMargin}, nil},
		{"an estimate that says it fits is not believed", 12 << 20, 1 << 40, 3 << 20, 1, []int64{quotaMargin}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := &fakeSpace{sizes: sizes(1000, 1)}
			puts := 0
			put := func() ([]Eviction, error) {
				puts++
				if puts <= tc.failures {
					return nil, errFakeQuota
				}
				return nil, nil
			}
			free := func() (int64, int64, bool) { return tc.free, tc.ours, true }
			evict := func(need int64) ([]Eviction, int64, func() error, error) {
				fs.needs = append(fs.needs, need)
				return []Eviction{{Key: "q", Reason: ReasonQuota}}, need, func() error { return nil }, nil
			}
			_, err := putWithQuotaRetry(context.Background(), "k", tc.size, put, evict, free,
				func(err error) bool { return errors.Is(err, errFakeQuota) })
			assert.Equal(t, tc.wantNeeds, fs.needs)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
		})
	}
}
