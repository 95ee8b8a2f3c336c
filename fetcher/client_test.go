package fetcher

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testURL = "https://api.school.example/grades/?page=1"

func TestRevalidationOutcomes(t *testing.T) {
	tests := []struct {
		name       string
		first      *Response
		second     *Response
		wantHeader map[string]string // conditional headers of the revalidation request
		wantEvents []EventType
		wantBody   string // stored body afterwards
		wantETag   string
	}{
		{"etag 304", resp(200, "a", "etag", `"v1"`), resp(304, ""),
			map[string]string{"If-None-Match": `"v1"`}, []EventType{EventRevalidated}, "a", `"v1"`},
		{"weak etag sent verbatim", resp(200, "a", "etag", `W/"v1"`), resp(304, ""),
			map[string]string{"If-None-Match": `W/"v1"`}, []EventType{EventRevalidated}, "a", `W/"v1"`},
		{"malformed etag sent verbatim", resp(200, "a", "etag", `v1`), resp(304, ""),
			map[string]string{"If-None-Match": `v1`}, []EventType{EventRevalidated}, "a", `v1`},
		{"last-modified verbatim", resp(200, "a", "last-modified", "Tue, 01 Oct 2024 10:00:00 GMT"), resp(304, ""),
			map[string]string{"If-Modified-Since": "Tue, 01 Oct 2024 10:00:00 GMT"}, []EventType{EventRevalidated}, "a", ""},
		{"etag preferred over last-modified", resp(200, "a", "etag", `"e"`, "last-modified", "Tue, 01 Oct 2024 10:00:00 GMT"), resp(304, ""),
			map[string]string{"If-None-Match": `"e"`}, []EventType{EventRevalidated}, "a", `"e"`},
		{"changed etag -> update", resp(200, "a", "etag", `"v1"`), resp(200, "b", "etag", `"v2"`),
			map[string]string{"If-None-Match": `"v1"`}, []EventType{EventUpdate}, "b", `"v2"`},
		{"same etag 200 -> no update", resp(200, "a", "etag", `"v1"`), resp(200, "a", "etag", `"v1"`),
			map[string]string{"If-None-Match": `"v1"`}, []EventType{EventRevalidated}, "a", `"v1"`},
		{"weakened etag 200 -> no update", resp(200, "a", "etag", `"v1"`), resp(200, "a", "etag", `W/"v1"`),
			map[string]string{"If-None-Match": `"v1"`}, []EventType{EventRevalidated}, "a", `"v1"`},
		{"changed last-modified -> update", resp(200, "a", "last-modified", "Tue, 01 Oct 2024 10:00:00 GMT"),
			resp(200, "b", "last-modified", "Tue, 01 Oct 2024 10:00:05 GMT"),
			map[string]string{"If-Modified-Since": "Tue, 01 Oct 2024 10:00:00 GMT"}, []EventType{EventUpdate}, "b", ""},
		{"no validators same body", resp(200, "a"), resp(200, "a"), map[string]string{}, []EventType{EventRevalidated}, "a", ""},
		{"no validators new body", resp(200, "a"), resp(200, "b"), map[string]string{}, []EventType{EventUpdate}, "b", ""},
		{"etag vanished, body decides", resp(200, "a", "etag", `"v1"`), resp(200, "a"),
			map[string]string{"If-None-Match": `"v1"`}, []EventType{EventRevalidated}, "a", `"v1"`},
		{"304 to unconditional request is an error", resp(200, "a"), resp(304, ""),
			map[string]string{}, []EventType{EventError}, "a", ""},
		{"404 keeps entry", resp(200, "a", "etag", `"v1"`), resp(404, "gone"),
			map[string]string{"If-None-Match": `"v1"`}, []EventType{EventError}, "a", `"v1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
				if n == 1 {
					return tt.first, nil
				}
				return tt.second, nil
			}}
			h := newHarness(t, srv, nil)
			r := h.mustGet(testURL)
			assert.Equal(t, SourceNetwork, r.Source)
			assert.Empty(t, h.take())

			h.clock.Advance(time.Minute)
			r = h.mustGet(testURL)
			assert.Equal(t, SourceCache, r.Source)
			assert.Equal(t, "a", body(r.Body))
			reqs := srv.reqs()
			require.Len(t, reqs, 2)
			cond := map[string]string{}
			for _, k := range []string{"If-None-Match", "If-Modified-Since"} {
				if v, ok := reqs[1].Header[k]; ok {
					cond[k] = v
				}
			}
			assert.Equal(t, tt.wantHeader, cond, "conditional headers")
			evs := h.take()
			assert.Equal(t, tt.wantEvents, types(evs))

			e, err := h.store.Get(context.Background(), r.Key)
			require.NoError(t, err)
			assert.Equal(t, tt.wantBody, body(e.Body))
			assert.Equal(t, tt.wantETag, e.ETag)
			switch tt.wantEvents[0] {
			case EventUpdate:
				require.NotNil(t, evs[0].Result)
				assert.Equal(t, tt.wantBody, body(evs[0].Result.Body))
				assert.Equal(t, SourceNetwork, evs[0].Result.Source)
				assert.Equal(t, h.clock.Now(), e.StoredAt)
				assert.Equal(t, int64(1), h.client.Counters().Updates)
			case EventRevalidated:
				assert.Equal(t, h.clock.Now(), evs[0].ValidatedAt)
				assert.Equal(t, h.clock.Now(), e.ValidatedAt)
				assert.Equal(t, h.clock.Now().Add(-time.Minute), e.StoredAt)
			case EventError:
				assert.Equal(t, KindHTTPStatus, evs[0].Kind)
				assert.Equal(t, testURL, evs[0].URL)
				assert.Equal(t, h.clock.Now().Add(-time.Minute), e.ValidatedAt, "a failed revalidation must not refresh")
				r := h.mustGet(testURL)
				assert.True(t, r.Stale, "served after a failed revalidation")
			}
		})
	}
}

func TestNotModifiedRefreshesMetadata(t *testing.T) {
	srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
		if n == 1 {
			return resp(200, `{"a":1}`, "etag", `"v1"`, "content-type", "application/json",
				"cache-control", "no-cache", "date", "Tue, 01 Oct 2024 10:00:00 GMT"), nil
		}
		return resp(304, "", "etag", `W/"v1"`, "cache-control", "private, max-age=60",
			"date", "Tue, 01 Oct 2024 11:00:00 GMT", "content-type", "text/plain", "content-length", "0"), nil
	}}
	h := newHarness(t, srv, nil)
	h.mustGet(testURL)
	r := h.mustGet(testURL)
	assert.Equal(t, `{"a":1}`, body(r.Body))
	e, err := h.store.Get(context.Background(), r.Key)
	require.NoError(t, err)
	assert.Equal(t, "private, max-age=60", e.Header["cache-control"])
	assert.Equal(t, "Tue, 01 Oct 2024 11:00:00 GMT", e.Header["date"])
	assert.Equal(t, "application/json", e.Header["content-type"], "content headers describe the kept body")
	assert.Equal(t, `W/"v1"`, e.ETag)
	assert.Equal(t, `{"a":1}`, body(e.Body))
	// The new max-age now applies: no request within 60s.
	h.clock.Advance(30 * time.Second)
	h.mustGet(testURL)
	assert.Len(t, srv.reqs(), 2)
}

func TestFreshnessAndInterval(t *testing.T) {
	tests := []struct {
		name     string
		cc       string
		interval time.Duration
		advance  time.Duration
		wantReq  bool
		stale    bool
	}{
		{"default revalidates every read", "", 0, 0, true, false},
		{"max-age window", "private, max-age=60", 0, 59 * time.Second, false, false},
		{"max-age expired", "private, max-age=60", 0, 60 * time.Second, true, true},
		{"max-age=0", "max-age=0", 0, 0, true, false},
		{"no-cache always", "no-cache", 0, 0, true, false},
		{"no-cache ignores interval", "no-cache", time.Hour, time.Second, true, false},
		{"interval skips", "", 10 * time.Second, 9 * time.Second, false, false},
		{"interval passed", "", 10 * time.Second, 10 * time.Second, true, false},
		{"expires - date", "", 0, 30 * time.Second, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := []string{"etag", `"x"`, "cache-control", tt.cc}
			if tt.name == "expires - date" {
				hdr = append(hdr, "date", "Tue, 01 Oct 2024 10:00:00 GMT", "expires", "Tue, 01 Oct 2024 10:01:00 GMT")
			}
			srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
				if n == 1 {
					return resp(200, "a", hdr...), nil
				}
				return resp(304, ""), nil
			}}
			h := newHarness(t, srv, func(o *Options) { o.MinRevalidateInterval = tt.interval })
			h.mustGet(testURL)
			h.clock.Advance(tt.advance)
			r := h.mustGet(testURL)
			assert.Equal(t, SourceCache, r.Source)
			assert.Equal(t, tt.stale, r.Stale)
			assert.Equal(t, tt.wantReq, len(srv.reqs()) == 2, "revalidation request sent")
		})
	}
}

func TestRevalidationErrorsRetryAndKeepEntry(t *testing.T) {
	tests := []struct {
		name      string
		fail      func() (*Response, error)
		kind      ErrorKind
		attempts  int
		recoverOn int // attempt that succeeds; 0 = never
	}{
		{"500 retried", func() (*Response, error) { return resp(500, "boom"), nil }, KindHTTPStatus, 3, 0},
		{"503 then ok", func() (*Response, error) { return resp(503, ""), nil }, "", 2, 2},
		{"429 retried", func() (*Response, error) { return resp(429, ""), nil }, KindHTTPStatus, 3, 0},
		{"404 not retried", func() (*Response, error) { return resp(404, ""), nil }, KindHTTPStatus, 1, 0},
		{"network", func() (*Response, error) { return nil, fmt.Errorf("dial: %w", ErrNetwork) }, KindNetwork, 3, 0},
		{"timeout", func() (*Response, error) { return nil, fmt.Errorf("slow: %w", ErrTimeout) }, KindTimeout, 3, 0},
		{"raw transport error is network", func() (*Response, error) { return nil, errors.New("boom") }, KindNetwork, 3, 0},
		{"nil response is network", func() (*Response, error) { return nil, nil }, KindNetwork, 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
				if n == 1 || (tt.recoverOn > 0 && n == tt.recoverOn+1) {
					return resp(200, "a", "etag", `"v1"`), nil
				}
				return tt.fail()
			}}
			h := newHarness(t, srv, func(o *Options) {
				o.Retry = RetryPolicy{Rand: func() float64 { return 0.999 }}
			})
			h.mustGet(testURL)
			h.clock.Advance(time.Minute)
			r := h.mustGet(testURL)
			assert.Equal(t, "a", body(r.Body))
			assert.Len(t, srv.reqs(), 1+tt.attempts)
			evs := h.take()
			assert.Len(t, h.sleeps, tt.attempts-1)
			for i, d := range h.sleeps {
				assert.LessOrEqual(t, d, time.Second<<i, "delay %d", i)
				assert.Greater(t, d, (time.Second<<i)*9/10, "delay %d", i)
			}
			if tt.recoverOn > 0 {
				// The first failure is reported at once, the recovery after it.
				require.Equal(t, []EventType{EventError, EventRevalidated}, types(evs))
				assert.True(t, evs[0].Retrying)
				assert.False(t, h.mustGet(testURL).Stale)
				return
			}
			// One error at the first failure (retrying when retries follow),
			// one at the last; none for the attempts between.
			want := []EventType{EventError, EventError}
			if tt.attempts == 1 {
				want = want[:1]
			}
			require.Equal(t, want, types(evs))
			for i, ev := range evs {
				assert.Equal(t, tt.kind, ev.Kind)
				assert.Equal(t, testURL, ev.URL)
				assert.NotEmpty(t, ev.Message)
				assert.Equal(t, i < len(evs)-1, ev.Retrying, "event %d retrying", i)
			}
			assert.Equal(t, int64(len(want)), h.client.Counters().Errors)
			// Still served (stale-if-error), marked stale.
			r = h.mustGet(testURL)
			assert.Equal(t, SourceCache, r.Source)
			assert.True(t, r.Stale)
			assert.Equal(t, "a", body(r.Body))
		})
	}
}

func TestForegroundErrors(t *testing.T) {
	tests := []struct {
		name   string
		answer func() (*Response, error)
		is     error
		status int
		kind   ErrorKind
	}{
		{"network", func() (*Response, error) { return nil, fmt.Errorf("x: %w", ErrNetwork) }, ErrNetwork, 0, KindNetwork},
		{"timeout", func() (*Response, error) { return nil, fmt.Errorf("x: %w", ErrTimeout) }, ErrTimeout, 0, KindTimeout},
		{"500", func() (*Response, error) { return resp(500, ""), nil }, nil, 500, KindHTTPStatus},
		{"404", func() (*Response, error) { return resp(404, ""), nil }, nil, 404, KindHTTPStatus},
		{"deadline from transport", func() (*Response, error) { return nil, context.DeadlineExceeded }, ErrTimeout, 0, KindTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &fakeServer{handler: func(int, *Request) (*Response, error) { return tt.answer() }}
			h := newHarness(t, srv, nil)
			r, err := h.get(testURL)
			require.Error(t, err)
			assert.Nil(t, r)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			if tt.status != 0 {
				var hs *HTTPStatusError
				require.ErrorAs(t, err, &hs)
				assert.Equal(t, tt.status, hs.Status)
			}
			evs := h.take()
			require.Equal(t, []EventType{EventError}, types(evs))
			assert.Equal(t, tt.kind, evs[0].Kind)
			assert.Equal(t, tt.status, evs[0].Status)
			assert.Len(t, srv.reqs(), 1, "foreground fetches are not retried")
		})
	}
}

func TestNonCacheableSuccessIsReturnedUnstored(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) { return resp(203, "x"), nil }}
	h := newHarness(t, srv, nil)
	r := h.mustGet(testURL)
	assert.Equal(t, 203, r.Status)
	assert.Equal(t, "x", body(r.Body))
	_, err := h.store.Get(context.Background(), r.Key)
	assert.ErrorIs(t, err, cache.ErrMiss)
}

func TestCacheableStatusOption(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) { return resp(404, "none", "etag", `"n"`), nil }}
	h := newHarness(t, srv, func(o *Options) { o.CacheableStatus = []int{200, 404} })
	r := h.mustGet(testURL)
	assert.Equal(t, 404, r.Status)
	r = h.mustGet(testURL)
	assert.Equal(t, SourceCache, r.Source)
	assert.Equal(t, 404, r.Status)
}

func TestNoStore(t *testing.T) {
	srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
		return resp(200, fmt.Sprint("body", n), "etag", fmt.Sprintf(`"%d"`, n), "cache-control", "private, no-store"), nil
	}}
	h := newHarness(t, srv, nil)
	for i := 1; i <= 2; i++ {
		r := h.mustGet(testURL)
		assert.Equal(t, SourceNetwork, r.Source)
		assert.Equal(t, fmt.Sprint("body", i), body(r.Body))
		assert.True(t, r.StoredAt.IsZero())
		_, err := h.store.Get(context.Background(), r.Key)
		assert.ErrorIs(t, err, cache.ErrMiss, "no-store must never be persisted")
	}
	reqs := srv.reqs()
	assert.NotContains(t, reqs[1].Header, "If-None-Match")
	assert.Empty(t, h.take())
}

func TestNoStoreOnRevalidationDropsEntry(t *testing.T) {
	srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
		if n == 1 {
			return resp(200, "a", "etag", `"1"`), nil
		}
		return resp(200, "b", "etag", `"2"`, "cache-control", "no-store"), nil
	}}
	h := newHarness(t, srv, nil)
	h.mustGet(testURL)
	r := h.mustGet(testURL)
	evs := h.take()
	require.Equal(t, []EventType{EventUpdate}, types(evs))
	assert.Equal(t, "b", body(evs[0].Result.Body))
	_, err := h.store.Get(context.Background(), r.Key)
	assert.ErrorIs(t, err, cache.ErrMiss)
}

func TestCachedReadNeverCopiesBody(t *testing.T) {
	b := &onceBody{b: []byte("payload")}
	srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
		if n == 1 {
			return &Response{Status: 200, Header: map[string]string{"etag": `"1"`}, Body: b}, nil
		}
		return resp(304, ""), nil
	}}
	h := newHarness(t, srv, nil)
	h.mustGet(testURL)
	for range 3 {
		r := h.mustGet(testURL) // onceBody panics if Bytes is called again
		assert.Equal(t, "payload", body(r.Body))
	}
	assert.Equal(t, 1, b.calls)
}

func TestDedup(t *testing.T) {
	t.Run("concurrent foreground gets share one request", func(t *testing.T) {
		release := make(chan struct{})
		srv := &fakeServer{handler: func(int, *Request) (*Response, error) {
			<-release
			return resp(200, "a", "etag", `"1"`), nil
		}}
		// A Get arriving after the shared request finished is a cache hit;
		// the interval keeps it from revalidating, so one request is exact.
		h := newHarness(t, srv, func(o *Options) { o.MinRevalidateInterval = time.Hour })
		var wg sync.WaitGroup
		results := make([]*Result, 10)
		for i := range results {
			wg.Go(func() {
				r, err := h.client.Get(context.Background(), testURL)
				assert.NoError(t, err)
				results[i] = r
			})
		}
		require.Eventually(t, func() bool { return len(srv.reqs()) == 1 }, 5*time.Second, time.Millisecond)
		close(release)
		wg.Wait()
		assert.Len(t, srv.reqs(), 1)
		for _, r := range results {
			assert.Equal(t, "a", body(r.Body))
		}
	})
	t.Run("concurrent cached gets start one revalidation", func(t *testing.T) {
		release := make(chan struct{})
		srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
			if n > 1 {
				<-release
				return resp(304, ""), nil
			}
			return resp(200, "a", "etag", `"1"`), nil
		}}
		h := newHarness(t, srv, nil)
		h.mustGet(testURL)
		for range 20 {
			r, err := h.client.Get(context.Background(), testURL)
			require.NoError(t, err)
			assert.Equal(t, SourceCache, r.Source)
		}
		close(release)
		h.client.Wait()
		assert.Len(t, srv.reqs(), 2)
		assert.Equal(t, []EventType{EventRevalidated}, types(h.take()))
	})
	// A caller's cancellation: see TestAbort (modes_test.go).
}

func TestEvictEvents(t *testing.T) {
	srv := &fakeServer{handler: func(n int, req *Request) (*Response, error) {
		return resp(200, req.URL, "etag", `"1"`), nil
	}}
	h := newHarness(t, srv, nil)
	store, err := cache.NewMemory(cache.Options{AppVersion: "v1", Now: h.clock.Now, MaxEntries: 1, TTL: time.Hour})
	require.NoError(t, err)
	c, err := New(Options{Store: store, Transport: srv, Now: h.clock.Now, Events: h.client.opts.Events})
	require.NoError(t, err)

	_, err = c.Get(context.Background(), "https://a.example/1")
	require.NoError(t, err)
	_, err = c.Get(context.Background(), "https://a.example/2")
	require.NoError(t, err)
	evs := h.take()
	require.Equal(t, []EventType{EventEvict}, types(evs))
	assert.Equal(t, cache.ReasonCapacity, evs[0].Reason)
	assert.Equal(t, "https://a.example/1", evs[0].URL)

	h.clock.Advance(2 * time.Hour)
	r, err := c.Get(context.Background(), "https://a.example/2")
	require.NoError(t, err)
	assert.Equal(t, SourceNetwork, r.Source)
	evs = h.take()
	require.Equal(t, []EventType{EventEvict}, types(evs))
	assert.Equal(t, cache.ReasonTTL, evs[0].Reason)

	require.NoError(t, c.Invalidate(context.Background(), "https://a.example/2#frag"))
	evs = h.take()
	require.Equal(t, []EventType{EventEvict}, types(evs))
	assert.Equal(t, cache.ReasonManual, evs[0].Reason)
	assert.Equal(t, "https://a.example/2", evs[0].URL)
	require.NoError(t, c.Invalidate(context.Background(), "https://a.example/2"))
	assert.Empty(t, h.take(), "nothing to invalidate, no event")
	assert.Error(t, c.Invalidate(context.Background(), "relative/url"))
	c.Wait()
}

// failingStore fails every operation but Get misses.
type failingStore struct{ Store }

func (failingStore) Key(ns, method, u string) (string, string, error) {
	return cache.Key(ns, "v1", method, u)
}

func (failingStore) Get(context.Context, string) (*cache.Entry, error) {
	return nil, errors.New("idb: broken")
}
func (failingStore) Put(context.Context, *cache.Entry) ([]cache.Eviction, error) {
	return nil, errors.New("idb: quota")
}

func TestStorageErrorsDoNotFailGet(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) { return resp(200, "a"), nil }}
	h := newHarness(t, srv, func(o *Options) { o.Store = failingStore{} })
	r := h.mustGet(testURL)
	assert.Equal(t, "a", body(r.Body))
	evs := h.take()
	require.Equal(t, []EventType{EventError, EventError}, types(evs))
	for _, e := range evs {
		assert.Equal(t, KindStorage, e.Kind)
	}
}

func TestEventsNeverUnderLock(t *testing.T) {
	var c *Client
	var n int
	srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
		if n == 1 {
			return resp(200, "a", "etag", `"1"`), nil
		}
		return resp(200, "b", "etag", `"2"`), nil
	}}
	h := newHarness(t, srv, func(o *Options) {
		o.Origin = "https://app.example"
		o.Events = func(Event) {
			n++
			if !c.mu.TryLock() {
				panic("event delivered while holding the client lock")
			}
			c.mu.Unlock()
			c.flight.mu.Lock()
			c.flight.mu.Unlock()
			_ = c.Counters()
		}
	})
	c = h.client
	h.mustGet(testURL)
	h.mustGet(testURL)
	require.NoError(t, c.Invalidate(context.Background(), testURL))
	assert.Equal(t, 2, n) // update + evict
}

func TestGetRejectsBadURL(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) { panic("must not be called") }}
	h := newHarness(t, srv, nil)
	for _, u := range []string{"", "/relative", "ftp://x/", "http://"} {
		_, err := h.get(u)
		assert.ErrorIs(t, err, cache.ErrBadURL, "Get(%q)", u)
	}
}

func TestHeadersAndCredentials(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) { return resp(200, "a"), nil }}
	h := newHarness(t, srv, func(o *Options) {
		o.Header = map[string]string{"Authorization": "Token abc", "Accept": "application/json"}
		o.Credentials = "include"
	})
	_, err := h.get(testURL, WithHeader(map[string]string{"Accept": "text/csv"}))
	require.NoError(t, err)
	req := srv.reqs()[0]
	assert.Equal(t, map[string]string{"Authorization": "Token abc", "Accept": "text/csv"}, req.Header)
	assert.Equal(t, "include", req.Credentials)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "Token abc", h.client.opts.Header["Authorization"], "defaults not modified")
	assert.Equal(t, "application/json", h.client.opts.Header["Accept"], "defaults not modified")
}

func TestStatsCounters(t *testing.T) {
	srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
		switch n {
		case 1:
			return resp(200, "a", "etag", `"1"`), nil
		case 2:
			return resp(304, ""), nil
		}
		return resp(200, "b", "etag", `"2"`), nil
	}}
	h := newHarness(t, srv, nil)
	h.mustGet(testURL)
	h.mustGet(testURL)
	h.mustGet(testURL)
	assert.Equal(t, Counters{Hits: 2, Misses: 1, Revalidations: 2, NotModified: 1, Updates: 1}, h.client.Counters())
}

func TestOptionsValidation(t *testing.T) {
	store, err := cache.NewMemory(cache.Options{AppVersion: "v1"})
	require.NoError(t, err)
	tests := []struct {
		name string
		mod  func(*Options)
		ok   bool
	}{
		{"valid", func(*Options) {}, true},
		{"no store", func(o *Options) { o.Store = nil }, false},
		{"negative timeout", func(o *Options) { o.Timeout = -1 }, false},
		{"negative interval", func(o *Options) { o.MinRevalidateInterval = -1 }, false},
		{"bad credentials", func(o *Options) { o.Credentials = "all" }, false},
		{"negative attempts", func(o *Options) { o.Retry.MaxAttempts = -1 }, false},
		{"304 cacheable", func(o *Options) { o.CacheableStatus = []int{304} }, false},
		{"bad origin", func(o *Options) { o.Origin = "nope" }, false},
		{"origin", func(o *Options) { o.Origin = "HTTPS://App.Example:443" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{Store: store}
			tt.mod(&o)
			c, err := New(o)
			if !tt.ok {
				var ce *ConfigError
				assert.ErrorAs(t, err, &ce)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, DefaultTimeout, c.opts.Timeout)
			assert.Equal(t, 3, c.opts.Retry.MaxAttempts)
			assert.Equal(t, []int{200}, c.opts.CacheableStatus)
			assert.NotNil(t, c.opts.Transport)
			if o.Origin != "" {
				assert.Equal(t, "https://app.example", c.opts.Origin)
			}
		})
	}
}

func TestRetryDelay(t *testing.T) {
	r := RetryPolicy{MaxAttempts: 10, BaseDelay: time.Second, MaxDelay: 5 * time.Second, Rand: func() float64 { return 0.5 }}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 2500 * time.Millisecond, 2500 * time.Millisecond}
	for i, w := range want {
		assert.Equal(t, w, r.delay(i), "delay(%d)", i)
	}
	assert.Equal(t, 2500*time.Millisecond, r.delay(200), "no overflow")
	r.Rand = func() float64 { return 7 } // out of range -> 0
	assert.Equal(t, time.Duration(0), r.delay(1))
	r.Rand = nil
	for i := range 50 {
		d := r.delay(i % 6)
		assert.True(t, d >= 0 && d < 5*time.Second)
	}
}

func TestRevalidationStartsThroughBackground(t *testing.T) {
	srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
		if n == 1 {
			return resp(200, "a", "etag", `"1"`), nil
		}
		return resp(304, ""), nil
	}}
	var mu sync.Mutex
	var pending []func()
	h := newHarness(t, srv, func(o *Options) {
		o.Background = func(f func()) {
			mu.Lock()
			pending = append(pending, f)
			mu.Unlock()
		}
	})
	h.mustGet(testURL) // a network fetch: foreground, never through Background

	r, err := h.client.Get(context.Background(), testURL)
	require.NoError(t, err)
	assert.Equal(t, SourceCache, r.Source)
	mu.Lock()
	require.Len(t, pending, 1, "the cached read hands its revalidation to Background")
	f := pending[0]
	mu.Unlock()
	assert.Len(t, srv.reqs(), 1, "no request before Background runs the revalidation")

	f()
	h.client.Wait()
	require.Len(t, srv.reqs(), 2)
	assert.Equal(t, `"1"`, srv.reqs()[1].Header["If-None-Match"])
}

func TestCloseCancelsAHangingRevalidation(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) {
		return resp(200, "a", "etag", `"1"`), nil // the first fetch only
	}}
	hang := TransportFunc(func(ctx context.Context, req *Request) (*Response, error) {
		if len(srv.reqs()) == 0 {
			return srv.RoundTrip(ctx, req)
		}
		srv.mu.Lock()
		srv.requests = append(srv.requests, req)
		srv.mu.Unlock()
		<-ctx.Done() // answers only when cancelled
		return nil, ctx.Err()
	})
	h := newHarness(t, hang, func(o *Options) { o.Timeout = time.Hour })
	h.mustGet(testURL)
	r, err := h.client.Get(context.Background(), testURL)
	require.NoError(t, err)
	assert.Equal(t, SourceCache, r.Source)
	require.Eventually(t, func() bool { return len(srv.reqs()) == 2 }, 5*time.Second, time.Millisecond)

	done := make(chan struct{})
	go func() { _ = h.client.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for a revalidation that never ends")
	}
}

// A get waiting for the server when Close is called fails with ErrClosed,
// not ErrNetwork (an app would show "offline"), and raises no error event;
// a get after Close fails the same way without a request.
func TestCloseCutsAWaitingGetShortWithErrClosed(t *testing.T) {
	arrived := make(chan struct{}, 1)
	hang := TransportFunc(func(ctx context.Context, req *Request) (*Response, error) {
		arrived <- struct{}{}
		<-ctx.Done()
		return nil, fmt.Errorf("%w: %w", ErrNetwork, ctx.Err()) // as the fetch transport reports an abort
	})
	h := newHarness(t, hang, func(o *Options) { o.Timeout = time.Hour })
	errc := make(chan error, 1)
	go func() {
		_, err := h.client.Get(context.Background(), testURL)
		errc <- err
	}()
	<-arrived
	require.NoError(t, h.client.Close())
	err := <-errc
	require.ErrorIs(t, err, ErrClosed)
	assert.NotErrorIs(t, err, ErrNetwork)
	assert.Empty(t, h.take(), "no error event for a get cut short by Close")

	_, err = h.client.Get(context.Background(), testURL)
	require.ErrorIs(t, err, ErrClosed)
	assert.Empty(t, arrived, "no request after Close")
}

// A response too large to ever store is served unstored, with one too-large
// warning per URL and no error events, and evicts nothing.
func TestTooLargeIsServedWithOneWarning(t *testing.T) {
	srv := &fakeServer{handler: func(_ int, req *Request) (*Response, error) {
		if req.URL == "https://h.example/small" {
			return resp(200, "ok", "etag", `"s"`), nil
		}
		return resp(200, "0123456789abcdef", "etag", `"b"`), nil
	}}
	h := newHarness(t, srv, nil)
	store, err := cache.NewMemory(cache.Options{AppVersion: "v1", MaxBytes: 10, Now: h.clock.Now})
	require.NoError(t, err)
	h.client.opts.Store = store
	h.mustGet("https://h.example/small")
	for range 2 {
		r := h.mustGet("https://h.example/big")
		assert.Equal(t, "0123456789abcdef", body(r.Body))
		assert.Equal(t, SourceNetwork, r.Source)
	}
	evs := h.take()
	require.Equal(t, []EventType{EventWarning}, types(evs), "one warning, no error, no eviction")
	assert.Equal(t, WarnTooLarge, evs[0].Code)
	assert.Contains(t, evs[0].Message, "16 bytes")
	st, err := store.Stats(t.Context())
	require.NoError(t, err)
	assert.Equal(t, cache.Stats{Entries: 1, Bytes: 2}, st, "the small entry stays")
	assert.Equal(t, int64(0), h.client.Counters().Errors)
}

// A cached result says whether its revalidation is under way, so a page can
// show "checking…" until the outcome's event: not for a network result, nor
// while the copy is fresh or within MinRevalidateInterval.
func TestResultSaysWhetherItRevalidates(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cc       string
		interval time.Duration
		want     bool
	}{
		{"revalidated every read", "", 0, true},
		{"fresh by max-age", "max-age=600", 0, false},
		{"within MinRevalidateInterval", "", time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := &fakeServer{handler: func(int, *Request) (*Response, error) {
				return resp(200, "a", "etag", `"1"`, "cache-control", tc.cc), nil
			}}
			h := newHarness(t, srv, func(o *Options) { o.MinRevalidateInterval = tc.interval })
			first := h.mustGet(testURL)
			assert.False(t, first.Revalidating, "a network result")
			h.clock.Advance(time.Second)
			r := h.mustGet(testURL)
			assert.Equal(t, SourceCache, r.Source)
			assert.Equal(t, tc.want, r.Revalidating)
			wantReqs := 1
			if tc.want {
				wantReqs = 2
			}
			assert.Len(t, srv.reqs(), wantReqs, "revalidating is true exactly when a request went out")
		})
	}
}
