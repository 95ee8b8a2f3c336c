package fetcher

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waiters is how many goroutines wait for the network to come back.
func (c *Connectivity) waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiting
}

// eventually polls cond until it holds, failing the test after 5 s.
func eventually(t *testing.T, cond func() bool, what string) {
	t.Helper()
	require.Eventually(t, cond, 5*time.Second, time.Millisecond, what)
}

func TestConnectivityHint(t *testing.T) {
	ctx := context.Background()
	var zero Connectivity
	var none *Connectivity
	assert.True(t, zero.Online(), "the zero value is online")
	assert.True(t, none.Online(), "nil is online")
	assert.NoError(t, none.wait(ctx))
	assert.NoError(t, zero.wait(ctx), "online: no wait")
	assert.True(t, NewConnectivity(true).Online())

	c := NewConnectivity(false)
	assert.False(t, c.Online())
	c.SetOnline(false) // twice offline: still one channel to wake
	done := make(chan error, 1)
	go func() { done <- c.wait(ctx) }()
	eventually(t, func() bool { return c.waiters() == 1 }, "a waiter")
	select {
	case <-done:
		t.Fatal("wait returned while offline")
	default:
	}
	c.SetOnline(true)
	require.NoError(t, <-done)
	assert.True(t, c.Online())
	c.SetOnline(true) // twice online: no double close
	assert.Equal(t, 0, c.waiters())

	c.SetOnline(false)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	assert.ErrorIs(t, c.wait(cctx), context.Canceled, "a cancelled wait ends")
	assert.False(t, c.Online())
}

// failingServer serves "a" with an ETag once, then fails every request with
// a network error until ok is set.
func failingServer(ok *atomic.Bool) *fakeServer {
	return &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
		if n == 1 || ok.Load() {
			return resp(200, "a", "etag", `"v1"`), nil
		}
		return nil, fmt.Errorf("offline: %w", ErrNetwork)
	}}
}

func TestFirstFailureIsReportedBeforeAnyRetry(t *testing.T) {
	var ok atomic.Bool
	srv := failingServer(&ok)
	slept := make(chan time.Duration)
	release := make(chan struct{})
	h := newHarness(t, srv, func(o *Options) {
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			slept <- d
			<-release
			return ctx.Err()
		}
	})
	h.mustGet(testURL)
	h.take()
	h.clock.Advance(time.Minute)
	r, err := h.client.Get(context.Background(), testURL)
	require.NoError(t, err)
	assert.False(t, r.Stale, "nothing has failed yet")

	<-slept // the first backoff: no retry has been sent
	assert.Len(t, srv.reqs(), 2)
	evs := h.take()
	require.Equal(t, []EventType{EventError}, types(evs), "the first failure is reported before the backoff")
	assert.True(t, evs[0].Retrying)
	assert.Equal(t, KindNetwork, evs[0].Kind)
	assert.Equal(t, testURL, evs[0].URL)
	r, err = h.client.Get(context.Background(), testURL)
	require.NoError(t, err)
	assert.True(t, r.Stale, "served stale from the first failure on")
	assert.Len(t, srv.reqs(), 2, "a read while retries wait starts no second revalidation")

	release <- struct{}{}
	<-slept // the second attempt failed too: it is not reported
	assert.Len(t, srv.reqs(), 3)
	assert.Empty(t, h.take(), "a retry that fails with more to come reports nothing")
	release <- struct{}{}
	h.client.Wait()
	assert.Len(t, srv.reqs(), 4)
	evs = h.take()
	require.Equal(t, []EventType{EventError}, types(evs), "the final failure")
	assert.False(t, evs[0].Retrying)
	assert.Equal(t, int64(2), h.client.Counters().Errors)
}

func TestNoRetryWhileOffline(t *testing.T) {
	var ok atomic.Bool
	srv := failingServer(&ok)
	conn := NewConnectivity(false)
	h := newHarness(t, srv, func(o *Options) { o.Connectivity = conn })
	// A foreground fetch goes whatever the hint says: the hint may be wrong.
	h.mustGet(testURL)
	h.clock.Advance(time.Minute)
	h.take()

	r, err := h.client.Get(context.Background(), testURL)
	require.NoError(t, err)
	assert.Equal(t, "a", body(r.Body))
	eventually(t, func() bool { return conn.waiters() == 1 }, "the retry waits for the network")
	assert.Len(t, srv.reqs(), 2, "only the first attempt was sent")
	evs := h.take()
	require.Equal(t, []EventType{EventError}, types(evs))
	assert.True(t, evs[0].Retrying)
	assert.Len(t, h.sleeps, 1, "the backoff ran before waiting")

	ok.Store(true)
	conn.SetOnline(true)
	h.client.Wait()
	assert.Len(t, srv.reqs(), 3, "the retry goes once online")
	assert.Equal(t, []EventType{EventRevalidated}, types(h.take()))
	assert.False(t, h.mustGet(testURL).Stale)
}

func TestOfflineForegroundMissFailsAtOnce(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) {
		return nil, fmt.Errorf("offline: %w", ErrNetwork)
	}}
	conn := NewConnectivity(false)
	h := newHarness(t, srv, func(o *Options) { o.Connectivity = conn })
	_, err := h.get(testURL)
	require.ErrorIs(t, err, ErrNetwork)
	assert.Len(t, srv.reqs(), 1, "a foreground get is not retried")
	evs := h.take()
	require.Equal(t, []EventType{EventError}, types(evs))
	assert.False(t, evs[0].Retrying)
	assert.Equal(t, 0, conn.waiters())
}

func TestCloseWhileWaitingForTheNetwork(t *testing.T) {
	var ok atomic.Bool
	srv := failingServer(&ok)
	conn := NewConnectivity(false)
	h := newHarness(t, srv, func(o *Options) { o.Connectivity = conn })
	h.mustGet(testURL)
	h.clock.Advance(time.Minute)
	_, err := h.client.Get(context.Background(), testURL)
	require.NoError(t, err)
	eventually(t, func() bool { return conn.waiters() == 1 }, "the retry waits for the network")
	h.take()

	closed := make(chan error, 1)
	go func() { closed <- h.client.Close() }()
	select {
	case err := <-closed:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return while a retry waited for the network")
	}
	assert.Len(t, srv.reqs(), 2, "no retry after Close")
	assert.Empty(t, h.take(), "no final error for a revalidation Close cut short")
	assert.Equal(t, 0, conn.waiters())
}
