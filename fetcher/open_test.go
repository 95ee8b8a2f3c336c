package fetcher

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/cache"
)

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error, nil for valid
	}{
		{"minimal", Config{Version: "v1"}, nil},
		{"everything", Config{Version: "v1", Namespace: "u", TTL: time.Hour, MaxEntries: 5, MaxBytes: 10,
			Storage: StorageMemory, DBName: "db", SweepDelay: -1, MinRevalidateInterval: time.Minute,
			Timeout: time.Second, Credentials: "include", Origin: "https://App.Example:443"}, nil},
		{"no version", Config{}, []string{"AppVersion is empty"}},
		{"negative ttl", Config{Version: "v1", TTL: -1}, []string{"TTL -1ns is negative"}},
		{"negative caps", Config{Version: "v1", MaxEntries: -1, MaxBytes: -2},
			[]string{"MaxEntries -1 is negative", "MaxBytes -2 is negative"}},
		{"negative timeout", Config{Version: "v1", Timeout: -1}, []string{"Timeout is negative"}},
		{"negative interval", Config{Version: "v1", MinRevalidateInterval: -1}, []string{"MinRevalidateInterval is negative"}},
		{"bad credentials", Config{Version: "v1", Credentials: "all"}, []string{`Credentials must be`, `"all"`}},
		{"bad storage", Config{Version: "v1", Storage: "disk"}, []string{`Storage must be`, `"disk"`}},
		{"bad origin", Config{Version: "v1", Origin: "nope"}, []string{`Origin "nope"`}},
		{"304 cacheable", Config{Version: "v1", CacheableStatus: []int{304}}, []string{"status 304"}},
		{"every problem at once", Config{TTL: -1, Timeout: -1, Storage: "x"},
			[]string{"AppVersion is empty", "Timeout is negative", "Storage must be"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg.Storage == "" {
				cfg.Storage = StorageMemory
			}
			c, err := Open(t.Context(), cfg)
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, "memory", c.Storage())
				require.NoError(t, c.Close())
				return
			}
			var ce *ConfigError
			require.ErrorAs(t, err, &ce, "Open(%+v)", tt.cfg)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Nil(t, c)
		})
	}
}

// sleeper is a Sleep whose waits end when the test says so.
type sleeper struct {
	mu     sync.Mutex
	asked  []time.Duration
	wake   chan struct{}
	called chan struct{}
}

func newSleeper() *sleeper {
	return &sleeper{wake: make(chan struct{}), called: make(chan struct{}, 8)}
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.asked = append(s.asked, d)
	s.mu.Unlock()
	s.called <- struct{}{}
	select {
	case <-s.wake:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestOpenSweepsAfterDelayOnTheInjectedClock(t *testing.T) {
	clock := newClock()
	sl := newSleeper()
	var mu sync.Mutex
	var evicted []cache.Reason
	cfg := Config{
		Version: "v1", Storage: StorageMemory, TTL: time.Hour, Now: clock.Now, Sleep: sl.Sleep,
		Transport: TransportFunc(func(context.Context, *Request) (*Response, error) {
			return resp(200, "a", "etag", `"1"`), nil
		}),
		Events: func(e Event) {
			if e.Type == EventEvict {
				mu.Lock()
				evicted = append(evicted, e.Reason)
				mu.Unlock()
			}
		},
	}
	c, err := Open(t.Context(), cfg)
	require.NoError(t, err)
	<-sl.called
	assert.Equal(t, []time.Duration{DefaultSweepDelay}, sl.asked)
	_, err = c.Get(t.Context(), testURL)
	require.NoError(t, err)
	clock.Advance(2 * time.Hour) // past the TTL
	close(sl.wake)               // the delay is over: the sweep runs
	c.Wait()
	mu.Lock()
	assert.Equal(t, []cache.Reason{cache.ReasonTTL}, evicted)
	mu.Unlock()
	require.NoError(t, c.Close())
}

func TestCloseStopsTheStartupSweep(t *testing.T) {
	sl := newSleeper()
	c, err := Open(t.Context(), Config{Version: "v1", Storage: StorageMemory, SweepDelay: time.Minute, Sleep: sl.Sleep})
	require.NoError(t, err)
	<-sl.called
	done := make(chan error)
	go func() { done <- c.Close() }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the sweep's delay")
	}
	assert.Equal(t, []time.Duration{time.Minute}, sl.asked)
	_, err = c.Stats(t.Context())
	assert.ErrorIs(t, err, cache.ErrClosed, "Close closes the store Open opened")
}

// After clear(), a URL whose last revalidation failed is fetched again; that
// fresh copy must not be reported stale.
func TestClearForgetsFailedRevalidations(t *testing.T) {
	down := true
	var mu sync.Mutex
	srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
		mu.Lock()
		defer mu.Unlock()
		if n > 1 && down {
			return nil, ErrNetwork
		}
		return resp(200, "a", "etag", `"1"`), nil
	}}
	h := newHarness(t, srv, func(o *Options) { o.MinRevalidateInterval = time.Hour })
	h.mustGet(testURL)
	h.clock.Advance(2 * time.Hour)
	r := h.mustGet(testURL) // revalidation fails (3 attempts)
	assert.False(t, r.Stale)
	assert.True(t, h.mustGet(testURL).Stale, "served after a failed revalidation")

	mu.Lock()
	down = false
	mu.Unlock()
	n, err := h.client.Clear(t.Context(), false)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	r = h.mustGet(testURL) // a miss: fetched and stored
	assert.Equal(t, SourceNetwork, r.Source)
	r = h.mustGet(testURL) // within MinRevalidateInterval: no revalidation
	assert.Equal(t, SourceCache, r.Source)
	assert.False(t, r.Stale, "a copy fetched after clear() is not stale")
}

func TestClearAllAndStats(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) { return resp(200, "abc"), nil }}
	h := newHarness(t, srv, nil)
	h.mustGet("https://h.example/1")
	h.mustGet("https://h.example/2")
	st, err := h.client.Stats(t.Context())
	require.NoError(t, err)
	assert.Equal(t, Stats{Counters: Counters{Misses: 2}, Entries: 2, Bytes: 6}, st)
	n, err := h.client.Clear(t.Context(), true)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	st, err = h.client.Stats(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 0, st.Entries)
	assert.False(t, errors.Is(h.client.Close(), cache.ErrClosed), "New does not own the store")
	_, err = h.store.Stats(t.Context())
	assert.NoError(t, err, "the caller's store stays open")
}
