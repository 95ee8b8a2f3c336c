package fetcher

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/testsupport/fakeclock"
	"github.com/stretchr/testify/require"
)

// newClock is the fake clock of the harness (millisecond times, as the
// stores keep).
func newClock() *fakeclock.Clock { return fakeclock.New(time.UnixMilli(1_700_000_000_000)) }

// harness wires a Client to a memory store, a fake clock, a no-wait sleep
// and an event recorder.
type harness struct {
	t      *testing.T
	clock  *fakeclock.Clock
	store  *cache.Memory
	client *Client

	mu     sync.Mutex
	events []Event
	sleeps []time.Duration
	wake   chan struct{} // ends a sleeping backoff timer (writes_test.go)
}

func newHarness(t *testing.T, tr Transport, mod func(*Options)) *harness {
	t.Helper()
	h := &harness{t: t, clock: newClock()}
	store, err := cache.NewMemory(cache.Options{AppVersion: "v1", Now: h.clock.Now})
	require.NoError(t, err)
	h.store = store
	opts := Options{
		Store: store, Transport: tr, Now: h.clock.Now,
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.mu.Lock()
			h.sleeps = append(h.sleeps, d)
			h.mu.Unlock()
			return ctx.Err()
		},
		Events: func(ev Event) {
			h.mu.Lock()
			h.events = append(h.events, ev)
			h.mu.Unlock()
		},
	}
	if mod != nil {
		mod(&opts)
	}
	c, err := New(opts)
	require.NoError(t, err)
	h.client = c
	t.Cleanup(func() { _ = c.Close() })
	return h
}

// get calls Get and waits for background work.
func (h *harness) get(url string, opt ...GetOption) (*Result, error) {
	h.t.Helper()
	r, err := h.client.Get(context.Background(), url, opt...)
	h.client.Wait()
	return r, err
}

// mustGet is get that fails the test on error.
func (h *harness) mustGet(url string) *Result {
	h.t.Helper()
	r, err := h.get(url)
	require.NoError(h.t, err)
	require.NotNil(h.t, r)
	return r
}

// take returns and clears the recorded events.
func (h *harness) take() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	ev := h.events
	h.events = nil
	return ev
}

// types lists the types of events.
func types(evs []Event) []EventType {
	out := []EventType{}
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

// body returns a Body's bytes without going through Body.Bytes for
// onceBody (tests must not count as a read).
func body(b cache.Body) string {
	if o, ok := b.(*onceBody); ok {
		return string(o.b)
	}
	return string(b.Bytes())
}

// onceBody is a body whose Bytes may be called once (the network path's
// hash); a second call panics, as a cached read must never copy the body.
type onceBody struct {
	mu    sync.Mutex
	b     []byte
	calls int
}

func (o *onceBody) Len() int { return len(o.b) }

func (o *onceBody) Bytes() []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls++
	if o.calls > 1 {
		panic("Body.Bytes called on a cached read")
	}
	return o.b
}

// fakeServer is a scripted Transport recording every request.
type fakeServer struct {
	mu       sync.Mutex
	requests []*Request
	handler  func(n int, req *Request) (*Response, error)
}

func (f *fakeServer) RoundTrip(ctx context.Context, req *Request) (*Response, error) {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	n := len(f.requests)
	f.mu.Unlock()
	return f.handler(n, req)
}

func (f *fakeServer) reqs() []*Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*Request(nil), f.requests...)
}

func resp(status int, body string, hdr ...string) *Response {
	h := map[string]string{}
	for i := 0; i+1 < len(hdr); i += 2 {
		h[hdr[i]] = hdr[i+1]
	}
	return &Response{Status: status, Header: h, Body: cache.Bytes(body)}
}
