package fetcher

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stored fills the harness's store with one response for testURL, validated
// at the harness clock's now, and forgets the request and its events.
func (h *harness) stored(srv *fakeServer) {
	h.t.Helper()
	h.mustGet(testURL)
	h.take()
	srv.mu.Lock()
	srv.requests = nil
	srv.mu.Unlock()
}

// validators returns the validator fields a request carried.
func validators(r *Request) []string {
	var out []string
	for k := range r.Header {
		switch k {
		case "If-None-Match", "If-Modified-Since", "if-none-match", "if-modified-since":
			out = append(out, k)
		}
	}
	return out
}

func TestParseMode(t *testing.T) {
	for _, m := range []Mode{ModeDefault, ModeNoCache, ModeReload, ModeForceCache, ModeOnlyIfCached} {
		got, ok := ParseMode(m.String())
		assert.True(t, ok, m.String())
		assert.Equal(t, m, got)
	}
	for _, s := range []string{"", "no-store", "NO-CACHE", "default ", "reload\x00", "Mode(9)"} {
		_, ok := ParseMode(s)
		assert.False(t, ok, "%q", s)
	}
	assert.Equal(t, "Mode(-1)", Mode(-1).String())
}

func TestUnknownModeIsAConfigErrorWithoutARequest(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) { return resp(200, "a"), nil }}
	h := newHarness(t, srv, nil)
	for _, m := range []Mode{-1, ModeOnlyIfCached + 1, 1 << 20} {
		_, err := h.get(testURL, WithMode(m))
		var ce *ConfigError
		require.ErrorAs(t, err, &ce, "mode %d", int(m))
	}
	assert.Empty(t, srv.reqs())
}

func TestModeNoCache(t *testing.T) {
	tests := []struct {
		name      string
		stored    []string // headers of the stored response; nil: nothing stored
		answer    func(req *Request) (*Response, error)
		wantBody  string
		wantSrc   Source
		wantStale bool
		wantEvs   []EventType
		wantCond  bool // the request carried the stored validator
	}{
		{
			name:   "304 answers with the stored copy refreshed",
			stored: []string{"etag", `"1"`, "cache-control", "max-age=3600"},
			answer: func(*Request) (*Response, error) { return resp(304, ""), nil },
			// fresh under max-age, yet asked: no-cache always asks
			wantBody: "a", wantSrc: SourceNetwork, wantEvs: []EventType{EventRevalidated}, wantCond: true,
		},
		{
			name:     "200 with another body replaces it with an update",
			stored:   []string{"etag", `"1"`},
			answer:   func(*Request) (*Response, error) { return resp(200, "b", "etag", `"2"`), nil },
			wantBody: "b", wantSrc: SourceNetwork, wantEvs: []EventType{EventUpdate}, wantCond: true,
		},
		{
			name:     "200 repeating the representation is no update",
			stored:   []string{"etag", `"1"`},
			answer:   func(*Request) (*Response, error) { return resp(200, "a", "etag", `"1"`), nil },
			wantBody: "a", wantSrc: SourceNetwork, wantEvs: []EventType{EventRevalidated}, wantCond: true,
		},
		{
			name:     "offline serves the stored copy stale with an error event",
			stored:   []string{"etag", `"1"`},
			answer:   func(*Request) (*Response, error) { return nil, fmt.Errorf("dial: %w", ErrNetwork) },
			wantBody: "a", wantSrc: SourceCache, wantStale: true, wantEvs: []EventType{EventError}, wantCond: true,
		},
		{
			name:     "a 500 serves the stored copy stale with an error event",
			stored:   []string{"last-modified", "Mon, 07 Oct 2024 10:00:00 GMT"},
			answer:   func(*Request) (*Response, error) { return resp(500, "oops"), nil },
			wantBody: "a", wantSrc: SourceCache, wantStale: true, wantEvs: []EventType{EventError}, wantCond: true,
		},
		{
			name:     "nothing stored is a plain fetch",
			answer:   func(*Request) (*Response, error) { return resp(200, "b", "etag", `"2"`), nil },
			wantBody: "b", wantSrc: SourceNetwork, wantEvs: []EventType{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var first = true
			srv := &fakeServer{}
			srv.handler = func(_ int, req *Request) (*Response, error) {
				if first && tt.stored != nil {
					first = false
					return resp(200, "a", tt.stored...), nil
				}
				return tt.answer(req)
			}
			h := newHarness(t, srv, nil)
			if tt.stored != nil {
				h.stored(srv)
			}
			h.clock.Advance(time.Second)
			r, err := h.get(testURL, WithMode(ModeNoCache))
			require.NoError(t, err)
			assert.Equal(t, tt.wantBody, body(r.Body))
			assert.Equal(t, tt.wantSrc, r.Source)
			assert.Equal(t, tt.wantStale, r.Stale)
			evs := h.take()
			assert.Equal(t, tt.wantEvs, types(evs))
			reqs := srv.reqs()
			require.Len(t, reqs, 1, "one request, answered before Get returned (no background work)")
			assert.Equal(t, tt.wantCond, len(validators(reqs[0])) > 0, "validators: %v", reqs[0].Header)
			assert.False(t, reqs[0].Reload)
			if tt.wantStale {
				assert.Equal(t, testURL, evs[0].URL)
				// The failure is remembered: a default read of it is stale too.
				assert.True(t, h.mustGet(testURL).Stale)
			} else if tt.wantSrc == SourceNetwork && tt.stored != nil {
				assert.Equal(t, h.clock.Now(), r.ValidatedAt, "validated now")
			}
		})
	}
}

func TestModeReload(t *testing.T) {
	tests := []struct {
		name    string
		answer  func() (*Response, error)
		wantErr error
		want    string
		wantEvs []EventType
	}{
		{"a changed body replaces the copy with an update", func() (*Response, error) { return resp(200, "b", "etag", `"2"`), nil }, nil, "b", []EventType{EventUpdate}},
		{"the same representation confirms it", func() (*Response, error) { return resp(200, "a", "etag", `"1"`), nil }, nil, "a", []EventType{EventRevalidated}},
		{"a 204 is handed over, the copy kept", func() (*Response, error) { return resp(204, ""), nil }, nil, "", []EventType{}},
		{"offline is an error, not the stored copy", func() (*Response, error) { return nil, fmt.Errorf("dial: %w", ErrNetwork) }, ErrNetwork, "", []EventType{EventError}},
		{"a 404 is an error", func() (*Response, error) { return resp(404, ""), nil }, &HTTPStatusError{}, "", []EventType{EventError}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := true
			srv := &fakeServer{handler: func(int, *Request) (*Response, error) {
				if first {
					first = false
					return resp(200, "a", "etag", `"1"`, "last-modified", "Mon, 07 Oct 2024 10:00:00 GMT", "cache-control", "max-age=3600"), nil
				}
				return tt.answer()
			}}
			h := newHarness(t, srv, nil)
			h.stored(srv)
			r, err := h.get(testURL, WithMode(ModeReload))
			reqs := srv.reqs()
			require.Len(t, reqs, 1, "fresh under max-age, yet fetched")
			assert.Empty(t, validators(reqs[0]), "a reload sends no validators")
			assert.True(t, reqs[0].Reload, "and tells the transport so")
			assert.Equal(t, tt.wantEvs, types(h.take()))
			switch e := tt.wantErr.(type) {
			case nil:
				require.NoError(t, err)
				assert.Equal(t, tt.want, body(r.Body))
				assert.Equal(t, SourceNetwork, r.Source)
			case *HTTPStatusError:
				require.ErrorAs(t, err, &e)
				return
			default:
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			// What is stored now, read without the network.
			stored := "a"
			if tt.want == "b" {
				stored = "b"
			}
			r, err = h.get(testURL, WithMode(ModeOnlyIfCached))
			require.NoError(t, err)
			assert.Equal(t, stored, body(r.Body))
		})
	}
}

func TestModeReloadDoesNotShareARevalidation(t *testing.T) {
	release := make(chan struct{})
	first := true
	srv := &fakeServer{handler: func(_ int, req *Request) (*Response, error) {
		if first {
			first = false
			return resp(200, "a", "etag", `"1"`), nil
		}
		if len(validators(req)) > 0 {
			<-release
			return resp(304, ""), nil
		}
		return resp(200, "b", "etag", `"2"`), nil
	}}
	h := newHarness(t, srv, nil)
	h.stored(srv)
	// A background revalidation, held at the server.
	_, err := h.client.Get(context.Background(), testURL)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(srv.reqs()) == 1 }, 5*time.Second, time.Millisecond)
	r, err := h.client.Get(context.Background(), testURL, WithMode(ModeReload))
	require.NoError(t, err)
	assert.Equal(t, "b", body(r.Body), "its own unconditional request, not the 304 in flight")
	close(release)
	h.client.Wait()
	reqs := srv.reqs()
	require.Len(t, reqs, 2)
	assert.Empty(t, validators(reqs[1]))
}

func TestModeForceCache(t *testing.T) {
	srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
		return resp(200, fmt.Sprint("body", n), "etag", fmt.Sprintf(`"%d"`, n), "cache-control", "max-age=60"), nil
	}}
	h := newHarness(t, srv, nil)

	r, err := h.get(testURL, WithMode(ModeForceCache))
	require.NoError(t, err, "a miss fetches")
	assert.Equal(t, SourceNetwork, r.Source)
	assert.Len(t, srv.reqs(), 1)

	h.clock.Advance(time.Hour) // stale by max-age, within the TTL
	for _, m := range []Mode{ModeForceCache, ModeOnlyIfCached} {
		r, err = h.get(testURL, WithMode(m))
		require.NoError(t, err, m.String())
		assert.Equal(t, SourceCache, r.Source, m.String())
		assert.Equal(t, "body1", body(r.Body), m.String())
		assert.True(t, r.Stale, "%s: served past its freshness", m)
	}
	assert.Len(t, srv.reqs(), 1, "no revalidation, not even in the background")
	assert.Empty(t, h.take())

	h.clock.Advance(8 * 24 * time.Hour) // past the 7-day TTL
	r, err = h.get(testURL, WithMode(ModeForceCache))
	require.NoError(t, err)
	assert.Equal(t, SourceNetwork, r.Source, "past the TTL nothing may be served: fetched")
	assert.Equal(t, "body2", body(r.Body))
}

func TestModeOnlyIfCached(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) {
		return resp(200, "a", "etag", `"1"`, "cache-control", "no-cache"), nil
	}}
	h := newHarness(t, srv, nil)
	_, err := h.get(testURL, WithMode(ModeOnlyIfCached))
	require.ErrorIs(t, err, ErrNotCached)
	assert.Empty(t, srv.reqs(), "a miss sends nothing")
	assert.Empty(t, h.take(), "and is no error event: the caller asked not to fetch")

	h.mustGet(testURL)
	h.take()
	h.clock.Advance(time.Minute)
	r, err := h.get(testURL, WithMode(ModeOnlyIfCached))
	require.NoError(t, err)
	assert.Equal(t, "a", body(r.Body))
	assert.Len(t, srv.reqs(), 1, "a no-cache copy is served without asking")

	h.clock.Advance(8 * 24 * time.Hour)
	_, err = h.get(testURL, WithMode(ModeOnlyIfCached))
	require.ErrorIs(t, err, ErrNotCached, "past the TTL is a miss")
	assert.Equal(t, []EventType{EventEvict}, types(h.take()))
	assert.Len(t, srv.reqs(), 1)
}

// blockingServer answers every request after release is closed, or fails
// with its context's error when that ends first; it records whether each
// request's context was cancelled.
type blockingServer struct {
	release chan struct{}
	mu      sync.Mutex
	n       int
	ctxErrs []error
	started chan struct{}
}

func newBlockingServer() *blockingServer {
	return &blockingServer{release: make(chan struct{}), started: make(chan struct{}, 16)}
}

func (b *blockingServer) RoundTrip(ctx context.Context, req *Request) (*Response, error) {
	b.mu.Lock()
	b.n++
	i := len(b.ctxErrs)
	b.ctxErrs = append(b.ctxErrs, nil)
	release := b.release
	b.mu.Unlock()
	b.started <- struct{}{}
	select {
	case <-release:
		return resp(200, "a", "etag", `"1"`), nil
	case <-ctx.Done():
		b.mu.Lock()
		b.ctxErrs[i] = ctx.Err()
		b.mu.Unlock()
		return nil, fmt.Errorf("aborted: %w (%w)", ErrNetwork, ctx.Err())
	}
}

func (b *blockingServer) state() (int, []error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n, append([]error(nil), b.ctxErrs...)
}

func TestAbort(t *testing.T) {
	t.Run("an already-ended context sends nothing, in every mode", func(t *testing.T) {
		srv := &fakeServer{handler: func(int, *Request) (*Response, error) { return resp(200, "a"), nil }}
		h := newHarness(t, srv, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, m := range []Mode{ModeDefault, ModeNoCache, ModeReload, ModeForceCache, ModeOnlyIfCached} {
			_, err := h.client.Get(ctx, testURL, WithMode(m))
			assert.ErrorIs(t, err, context.Canceled, m.String())
		}
		h.client.Wait()
		assert.Empty(t, srv.reqs())
		assert.Empty(t, h.take())
	})

	for _, m := range []Mode{ModeDefault, ModeNoCache, ModeReload} {
		t.Run(m.String()+": one waiter's abort leaves the request to the other", func(t *testing.T) {
			b := newBlockingServer()
			h := newHarness(t, b, nil)
			ctxA, cancelA := context.WithCancel(context.Background())
			errA := make(chan error, 1)
			go func() {
				_, err := h.client.Get(ctxA, testURL, WithMode(m))
				errA <- err
			}()
			<-b.started
			resB := make(chan *Result, 1)
			go func() {
				r, err := h.client.Get(context.Background(), testURL, WithMode(m))
				assert.NoError(t, err)
				resB <- r
			}()
			// B is waiting for A's request once the group counts two waiters.
			require.Eventually(t, func() bool { return waiters(h.client, testURL, m) == 2 }, 5*time.Second, time.Millisecond)
			cancelA()
			require.ErrorIs(t, <-errA, context.Canceled, "A rejects at once")
			close(b.release)
			r := <-resB
			require.NotNil(t, r)
			assert.Equal(t, "a", body(r.Body))
			h.client.Wait()
			n, ctxErrs := b.state()
			assert.Equal(t, 1, n, "one shared request")
			assert.Equal(t, []error{nil}, ctxErrs, "never cancelled")
			assert.Empty(t, types(filter(h.take(), EventError)))
		})
		t.Run(m.String()+": the last waiter's abort cancels the request", func(t *testing.T) {
			b := newBlockingServer()
			h := newHarness(t, b, nil)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := h.client.Get(ctx, testURL, WithMode(m))
				done <- err
			}()
			<-b.started
			cancel()
			err := <-done
			require.ErrorIs(t, err, context.Canceled)
			assert.False(t, errors.Is(err, ErrNetwork), "the caller's abort, not a network failure: %v", err)
			h.client.Wait() // returns: the cancelled request has ended
			n, ctxErrs := b.state()
			assert.Equal(t, 1, n)
			assert.Equal(t, []error{context.Canceled}, ctxErrs, "the transport saw its context cancelled")
			assert.Empty(t, h.take(), "an abort is no error event")

			// The next get does not share the cancelled request.
			close(b.release)
			r, err := h.get(testURL, WithMode(m))
			require.NoError(t, err)
			assert.Equal(t, "a", body(r.Body))
		})
	}

	t.Run("no-cache aborted while revalidating rejects, never the stale copy", func(t *testing.T) {
		b := newBlockingServer()
		h := newHarness(t, b, nil)
		close(b.release)
		h.mustGet(testURL)
		<-b.started
		b.mu.Lock()
		b.release = make(chan struct{})
		b.mu.Unlock()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := h.client.Get(ctx, testURL, WithMode(ModeNoCache))
			done <- err
		}()
		<-b.started
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
		h.client.Wait()
		_, ctxErrs := b.state()
		assert.Equal(t, []error{nil, context.Canceled}, ctxErrs)
		assert.Empty(t, types(filter(h.take(), EventError)))
		close(b.release)
		assert.False(t, h.mustGet(testURL).Stale, "an abort does not mark the copy failed")
	})
}

// waiters counts the callers waiting for the flight of testURL's key in
// mode m.
func waiters(c *Client, rawURL string, m Mode) int {
	key, _, _ := c.Key(rawURL)
	if m == ModeReload {
		key = reloadKey(key)
	}
	c.flight.mu.Lock()
	defer c.flight.mu.Unlock()
	if call := c.flight.calls[key]; call != nil {
		return call.waiters
	}
	return 0
}

// filter keeps the events of type typ.
func filter(evs []Event, typ EventType) []Event {
	out := []Event{}
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func TestSharedFailureIsOneErrorEvent(t *testing.T) {
	for _, ownerAborts := range []bool{false, true} {
		t.Run(fmt.Sprint("owner aborts: ", ownerAborts), func(t *testing.T) {
			release := make(chan struct{})
			srv := &fakeServer{handler: func(int, *Request) (*Response, error) {
				<-release
				return nil, fmt.Errorf("dial: %w", ErrNetwork)
			}}
			h := newHarness(t, srv, nil)
			ctxA, cancelA := context.WithCancel(context.Background())
			defer cancelA()
			errA, errB := make(chan error, 1), make(chan error, 1)
			go func() {
				_, err := h.client.Get(ctxA, testURL)
				errA <- err
			}()
			require.Eventually(t, func() bool { return len(srv.reqs()) == 1 }, 5*time.Second, time.Millisecond)
			go func() {
				_, err := h.client.Get(context.Background(), testURL)
				errB <- err
			}()
			require.Eventually(t, func() bool { return waiters(h.client, testURL, ModeDefault) == 2 }, 5*time.Second, time.Millisecond)
			if ownerAborts {
				cancelA()
				require.ErrorIs(t, <-errA, context.Canceled)
			}
			close(release)
			if !ownerAborts {
				require.ErrorIs(t, <-errA, ErrNetwork)
			}
			require.ErrorIs(t, <-errB, ErrNetwork)
			h.client.Wait()
			assert.Len(t, srv.reqs(), 1)
			assert.Equal(t, []EventType{EventError}, types(h.take()),
				"one event for one failed request, whichever caller is left to see it")
		})
	}
}
