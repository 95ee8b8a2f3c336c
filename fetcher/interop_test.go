//go:build !(js && wasm)

package fetcher

// The interop matrix: httptest servers that behave like the Django/DRF
// setups our users run (issue 3). Each test asserts what the server saw and
// what the client emitted.

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/internal/httprules"
)

// recorder keeps the headers of every request a test server saw.
type recorder struct {
	mu   sync.Mutex
	seen []http.Header
}

func (r *recorder) record(req *http.Request) {
	r.mu.Lock()
	r.seen = append(r.seen, req.Header.Clone())
	r.mu.Unlock()
}

func (r *recorder) all() []http.Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]http.Header(nil), r.seen...)
}

func (r *recorder) last() http.Header {
	all := r.all()
	if len(all) == 0 {
		return nil
	}
	return all[len(all)-1]
}

// newInterop starts handler behind a recorder and a client with the host
// transport.
func newInterop(t *testing.T, handler http.HandlerFunc, mod func(*Options)) (*harness, *recorder, string) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	h := newHarness(t, HTTPTransport{Client: srv.Client()}, mod)
	return h, rec, srv.URL + "/api/grades/"
}

// 1. DRF list view with a collection ETag and an exact-string check.
func TestInteropDRFCollectionETag(t *testing.T) {
	var mu sync.Mutex
	rows := map[int]int64{1: 1727776800, 2: 1727776900} // id -> updated timestamp
	etag := func() string {
		var maxTS int64
		for _, ts := range rows {
			maxTS = max(maxTS, ts)
		}
		return strconv.Quote(fmt.Sprintf("grades_%d_%d", len(rows), maxTS))
	}
	h, rec, u := newInterop(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		tag := etag()
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag { // DRF-style exact string comparison
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"count":%d}`, len(rows))
	}, nil)

	r := h.mustGet(u)
	assert.Equal(t, `{"count":2}`, body(r.Body))
	assert.Equal(t, `"grades_2_1727776900"`, r.ETag)
	assert.Empty(t, rec.last().Get("If-None-Match"))

	r = h.mustGet(u)
	assert.Equal(t, SourceCache, r.Source)
	assert.Equal(t, `"grades_2_1727776900"`, rec.last().Get("If-None-Match"))
	assert.Equal(t, []EventType{EventRevalidated}, types(h.take()))

	mu.Lock()
	rows[3] = 1727777000 // a teacher adds a grade
	mu.Unlock()
	r = h.mustGet(u)
	assert.Equal(t, `{"count":2}`, body(r.Body), "the cached copy is served at once")
	evs := h.take()
	require.Equal(t, []EventType{EventUpdate}, types(evs))
	assert.Equal(t, `{"count":3}`, body(evs[0].Result.Body))
	assert.Equal(t, `"grades_3_1727777000"`, evs[0].Result.ETag)

	mu.Lock()
	rows[1] = 1727777100 // edits a row
	mu.Unlock()
	h.mustGet(u)
	assert.Equal(t, `"grades_3_1727777000"`, rec.last().Get("If-None-Match"))
	require.Equal(t, []EventType{EventUpdate}, types(h.take()))
	r = h.mustGet(u)
	assert.Equal(t, `{"count":3}`, body(r.Body))
	assert.Equal(t, `"grades_3_1727777100"`, rec.last().Get("If-None-Match"))
	assert.Equal(t, []EventType{EventRevalidated}, types(h.take()))
	assert.Len(t, rec.all(), 5)
}

// djangoETagDecorator mimics django.views.decorators.http.etag: a strong ETag
// from a server-side cache, If-None-Match parsed as a list with "*", weak
// comparison, 304 on a match.
func djangoETagDecorator(current func() string, body func() string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tag := current()
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			if httprules.NotModified(inm, tag) {
				w.Header().Set("ETag", tag)
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		w.Header().Set("ETag", tag)
		fmt.Fprint(w, body())
	}
}

// 2. Django @etag with a random ETag replaced on model save.
func TestInteropDjangoETagDecorator(t *testing.T) {
	var mu sync.Mutex
	tag, data := `"`+strconv.FormatUint(rand.Uint64(), 16)+`"`, "v1"
	save := func(d string) {
		mu.Lock()
		tag, data = `"`+strconv.FormatUint(rand.Uint64(), 16)+`"`, d
		mu.Unlock()
	}
	cur := func() string { mu.Lock(); defer mu.Unlock(); return tag }
	h, rec, u := newInterop(t, djangoETagDecorator(cur, func() string { mu.Lock(); defer mu.Unlock(); return data }), nil)

	h.mustGet(u)
	first := cur()
	h.mustGet(u)
	assert.Equal(t, first, rec.last().Get("If-None-Match"))
	assert.Equal(t, []EventType{EventRevalidated}, types(h.take()))

	save("v2")
	h.mustGet(u)
	evs := h.take()
	require.Equal(t, []EventType{EventUpdate}, types(evs))
	assert.Equal(t, "v2", body(evs[0].Result.Body))
	h.mustGet(u)
	assert.Equal(t, cur(), rec.last().Get("If-None-Match"))
	assert.Equal(t, []EventType{EventRevalidated}, types(h.take()))

	// The decorator's list and "*" handling, as other clients use it.
	srv := httptest.NewServer(djangoETagDecorator(cur, func() string { return "x" }))
	defer srv.Close()
	for _, tc := range []struct {
		inm  string
		want int
	}{
		{`"nope", ` + cur(), 304}, {`*`, 304}, {`W/` + cur(), 304}, {`"nope"`, 200}, {`garbage`, 200}, {`*, ` + cur(), 200},
	} {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.Header.Set("If-None-Match", tc.inm)
		res, err := srv.Client().Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, tc.want, res.StatusCode, "If-None-Match %q", tc.inm)
	}
}

// 3. ConditionalGetMiddleware (md5 strong ETag) behind a gzip layer that
// weakens the tag on some responses and answers 200 to some conditionals.
func TestInteropConditionalGetBehindGzip(t *testing.T) {
	content := `{"students":["ana","ben"]}`
	sum := md5.Sum([]byte(content))
	strong := `"` + hex.EncodeToString(sum[:]) + `"`
	var mu sync.Mutex
	n := 0
	h, rec, u := newInterop(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		tag := strong
		if k%2 == 0 {
			tag = "W/" + strong // gzip-compressed response: weakened
		}
		w.Header().Set("ETag", tag)
		if httprules.NotModified(r.Header.Get("If-None-Match"), tag) && k%3 != 0 { // every third: the conditional is lost behind the proxy
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, content)
	}, nil)
	h.mustGet(u)
	for range 8 {
		r := h.mustGet(u)
		assert.Equal(t, content, body(r.Body))
	}
	evs := h.take()
	assert.Len(t, evs, 8)
	for _, e := range evs {
		assert.Equal(t, EventRevalidated, e.Type, "no false update")
	}
	assert.Equal(t, int64(0), h.client.Counters().Updates)
	for _, hd := range rec.all()[1:] {
		assert.Contains(t, []string{strong, "W/" + strong}, hd.Get("If-None-Match"))
	}
}

// 4. Weak sha256 ETag with private, max-age=60 and with no-cache.
func TestInteropWeakETagFreshness(t *testing.T) {
	for _, tc := range []struct {
		cc       string
		wantReqs []int // requests seen after reads at +0s, +30s, +61s
	}{
		{"private, max-age=60", []int{1, 1, 2}},
		{"no-cache", []int{2, 3, 4}},
	} {
		t.Run(tc.cc, func(t *testing.T) {
			content := "timetable"
			sum := sha256.Sum256([]byte(content))
			tag := `W/"` + hex.EncodeToString(sum[:])[:32] + `"`
			h, rec, u := newInterop(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", tag)
				w.Header().Set("Cache-Control", tc.cc)
				if httprules.NotModified(r.Header.Get("If-None-Match"), tag) {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				fmt.Fprint(w, content)
			}, nil)
			h.mustGet(u)
			for i, adv := range []time.Duration{0, 30 * time.Second, 31 * time.Second} {
				h.clock.Advance(adv)
				r := h.mustGet(u)
				assert.Equal(t, SourceCache, r.Source)
				assert.Len(t, rec.all(), tc.wantReqs[i], "after read %d", i)
			}
			assert.Equal(t, tag, rec.last().Get("If-None-Match"))
			for _, e := range h.take() {
				assert.Equal(t, EventRevalidated, e.Type)
			}
		})
	}
}

// 5. Last-Modified only, If-Modified-Since -> 304.
func TestInteropLastModifiedOnly(t *testing.T) {
	var mu sync.Mutex
	modified := time.Date(2024, 10, 1, 10, 0, 0, 0, time.UTC)
	data := "a"
	h, rec, u := newInterop(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Last-Modified", modified.Format(http.TimeFormat))
		if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !modified.After(ims) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, data)
	}, nil)
	h.mustGet(u)
	h.mustGet(u)
	assert.Equal(t, "Tue, 01 Oct 2024 10:00:00 GMT", rec.last().Get("If-Modified-Since"), "the server's value, never the local clock")
	assert.Empty(t, rec.last().Get("If-None-Match"))
	assert.Equal(t, []EventType{EventRevalidated}, types(h.take()))

	mu.Lock()
	modified, data = modified.Add(time.Hour), "b"
	mu.Unlock()
	h.mustGet(u)
	evs := h.take()
	require.Equal(t, []EventType{EventUpdate}, types(evs))
	assert.Equal(t, "b", body(evs[0].Result.Body))
	h.mustGet(u)
	assert.Equal(t, "Tue, 01 Oct 2024 11:00:00 GMT", rec.last().Get("If-Modified-Since"))
	assert.Equal(t, []EventType{EventRevalidated}, types(h.take()))
}

// 6. No validators: body hash only.
func TestInteropNoValidators(t *testing.T) {
	var mu sync.Mutex
	data := "a"
	h, rec, u := newInterop(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprint(w, data)
	}, nil)
	h.mustGet(u)
	h.mustGet(u)
	assert.Empty(t, rec.last().Get("If-None-Match"))
	assert.Empty(t, rec.last().Get("If-Modified-Since"))
	assert.Equal(t, []EventType{EventRevalidated}, types(h.take()))
	mu.Lock()
	data = "b"
	mu.Unlock()
	h.mustGet(u)
	evs := h.take()
	require.Equal(t, []EventType{EventUpdate}, types(evs))
	assert.Equal(t, "b", body(evs[0].Result.Body))
	h.mustGet(u)
	assert.Equal(t, []EventType{EventRevalidated}, types(h.take()))
}

// 7. A server ignoring conditionals: always 200, same ETag.
func TestInteropIgnoresConditionals(t *testing.T) {
	h, rec, u := newInterop(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"same"`)
		fmt.Fprint(w, "data")
	}, nil)
	h.mustGet(u)
	for range 3 {
		h.mustGet(u)
		assert.Equal(t, `"same"`, rec.last().Get("If-None-Match"))
	}
	assert.Equal(t, []EventType{EventRevalidated, EventRevalidated, EventRevalidated}, types(h.take()))
	assert.Equal(t, int64(0), h.client.Counters().Updates)
}

// 8. A 304 carrying a new Cache-Control and Date.
func TestInteropNotModifiedNewCacheControl(t *testing.T) {
	var mu sync.Mutex
	n := 0
	h, rec, u := newInterop(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		w.Header().Set("ETag", `"e"`)
		if k == 1 {
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("Date", "Tue, 01 Oct 2024 10:00:00 GMT")
			fmt.Fprint(w, "data")
			return
		}
		w.Header().Set("Cache-Control", "private, max-age=120")
		w.Header().Set("Date", "Tue, 01 Oct 2024 10:05:00 GMT")
		w.WriteHeader(http.StatusNotModified)
	}, nil)
	r := h.mustGet(u)
	r = h.mustGet(u)
	assert.Len(t, rec.all(), 2)
	e, err := h.store.Get(context.Background(), r.Key)
	require.NoError(t, err)
	assert.Equal(t, "private, max-age=120", e.Header["cache-control"])
	assert.Equal(t, "Tue, 01 Oct 2024 10:05:00 GMT", e.Header["date"])
	assert.Equal(t, "data", body(e.Body))
	h.clock.Advance(119 * time.Second)
	h.mustGet(u)
	assert.Len(t, rec.all(), 2, "fresh for the new max-age: no request")
	h.clock.Advance(time.Second)
	h.mustGet(u)
	assert.Len(t, rec.all(), 3)
}

// 9. 500s, a closed port, a server that hangs past the timeout.
func TestInteropFailures(t *testing.T) {
	closedURL := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		return "http://" + addr + "/api/"
	}
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc // after the first, successful response
		closed  bool
		kind    ErrorKind
		tries   int
	}{
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, false, KindHTTPStatus, 3},
		{"hang", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		}, false, KindTimeout, 3},
		{"closed port", nil, true, KindNetwork, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			n := 0
			h, rec, u := newInterop(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				n++
				k := n
				mu.Unlock()
				if k == 1 {
					w.Header().Set("ETag", `"e"`)
					fmt.Fprint(w, "data")
					return
				}
				tc.handler(w, r)
			}, func(o *Options) { o.Timeout = 500 * time.Millisecond })
			if tc.closed {
				u = closedURL(t)
				r, err := h.get(u)
				assert.Nil(t, r)
				assert.ErrorIs(t, err, ErrNetwork)
				evs := h.take()
				require.Equal(t, []EventType{EventError}, types(evs))
				assert.Equal(t, KindNetwork, evs[0].Kind)
				return
			}
			h.mustGet(u)
			r := h.mustGet(u)
			assert.Equal(t, "data", body(r.Body))
			assert.Len(t, rec.all(), 1+tc.tries)
			evs := h.take()
			require.Equal(t, []EventType{EventError, EventError}, types(evs), "the first failure, then the last")
			assert.Equal(t, tc.kind, evs[0].Kind)
			assert.Equal(t, []bool{true, false}, []bool{evs[0].Retrying, evs[1].Retrying})
			r = h.mustGet(u)
			assert.True(t, r.Stale)
			assert.Equal(t, "data", body(r.Body), "offline: the cached copy keeps being served")

			// Without a cached copy the error reaches the caller, typed.
			require.NoError(t, h.client.Invalidate(context.Background(), u))
			h.take()
			_, err := h.get(u)
			require.Error(t, err)
			assert.Equal(t, tc.kind, kindOf(err))
		})
	}
}

// 10. Cache-Control: no-store.
func TestInteropNoStore(t *testing.T) {
	h, rec, u := newInterop(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("ETag", `"e"`)
		fmt.Fprint(w, "secret")
	}, nil)
	for range 3 {
		r := h.mustGet(u)
		assert.Equal(t, SourceNetwork, r.Source)
		assert.Equal(t, "secret", body(r.Body))
	}
	require.Len(t, rec.all(), 3)
	for _, hd := range rec.all() {
		assert.Empty(t, hd.Get("If-None-Match"))
	}
	st, err := h.store.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 0, st.Entries)
	assert.Empty(t, h.take())
}
