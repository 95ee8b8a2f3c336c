//go:build js && wasm

package fetcher

// Browser tests: the fetch transport and the client against the loopback
// server of internal/cmd/testserver, whose base URL arrives in TEST_SERVER_URL.
// The wasm test page is served from another port, so the server is
// cross-origin, as a Django API on its own host is for our users.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"syscall/js"
	"testing"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/jsutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serverURL returns the loopback server's base URL or fails the test: a js
// build without one must not pass silently.
func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("TEST_SERVER_URL")
	if u == "" {
		t.Fatal("TEST_SERVER_URL is not set: start `go run ./internal/cmd/testserver` and pass its URL")
	}
	return u
}

// uniquePath returns a resource path no other test (or package) uses.
func uniquePath(kind string, t *testing.T) string {
	return fmt.Sprintf("/%s/%s-%d", kind, t.Name(), time.Now().UnixNano())
}

type loggedRequest struct {
	Method string            `json:"method"`
	Path   string            `json:"path"`
	Header map[string]string `json:"header"`
}

// serverLog returns the GET requests the server saw under path.
func serverLog(t *testing.T, base, path string) []loggedRequest {
	t.Helper()
	res, err := FetchTransport{}.RoundTrip(context.Background(), &Request{URL: base + "/log?prefix=" + path})
	require.NoError(t, err)
	require.Equal(t, 200, res.Status)
	var all, gets []loggedRequest
	require.NoError(t, json.Unmarshal(res.Body.Bytes(), &all))
	for _, l := range all {
		if l.Method == "GET" {
			gets = append(gets, l)
		}
	}
	return gets
}

func TestFetchTransportConditional(t *testing.T) {
	base := serverURL(t)
	path := uniquePath("expose", t)
	tr := FetchTransport{}
	ctx := context.Background()

	res, err := tr.RoundTrip(ctx, &Request{URL: base + path, Header: map[string]string{"Authorization": "Token t"}})
	require.NoError(t, err)
	assert.Equal(t, 200, res.Status)
	assert.Equal(t, `"v0"`, res.Header["etag"])
	assert.Equal(t, "Tue, 01 Oct 2024 10:00:00 GMT", res.Header["last-modified"])
	assert.Equal(t, "application/json", res.Header["content-type"])
	require.IsType(t, &cache.JSBody{}, res.Body)
	assert.Equal(t, fmt.Sprintf(`{"path":%q,"version":0}`, path), string(res.Body.Bytes()))
	assert.True(t, res.Body.(*cache.JSBody).JSValue().InstanceOf(js.Global().Get("ArrayBuffer")))

	res, err = tr.RoundTrip(ctx, &Request{URL: base + path, Header: map[string]string{"If-None-Match": `"v0"`}})
	require.NoError(t, err)
	assert.Equal(t, 304, res.Status, "the raw 304 reaches Go")
	assert.Equal(t, 0, res.Body.Len())

	log := serverLog(t, base, path)
	require.Len(t, log, 2)
	assert.Equal(t, "Token t", log[0].Header["authorization"])
	assert.Empty(t, log[0].Header["if-none-match"])
	assert.Equal(t, `"v0"`, log[1].Header["if-none-match"], "sent verbatim")
}

func TestFetchTransportErrors(t *testing.T) {
	base := serverURL(t)
	tests := []struct {
		name    string
		url     string
		timeout time.Duration
		want    error
	}{
		{"closed port", "http://127.0.0.1:1/", 5 * time.Second, ErrNetwork},
		{"invalid url", "http://exa mple:99999/", 5 * time.Second, ErrNetwork},
		{"hang past deadline", base + "/hang", 300 * time.Millisecond, ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			res, err := FetchTransport{}.RoundTrip(ctx, &Request{URL: tt.url})
			assert.Nil(t, res)
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

// browserClient is a Client on a fresh IndexedDB database with the real
// fetch transport and the page origin.
func browserClient(t *testing.T, mod func(*Options)) (*Client, func() []Event) {
	t.Helper()
	name := fmt.Sprintf("fetcher-test-%s-%d", t.Name(), time.Now().UnixNano())
	store, err := cache.OpenIndexedDB(context.Background(), cache.IDBOptions{
		Options: cache.Options{AppVersion: "v1"}, DBName: name,
	})
	require.NoError(t, err)
	var mu sync.Mutex
	var events []Event
	opts := Options{
		Store:  store,
		Origin: js.Global().Get("location").Get("origin").String(),
		Events: func(e Event) { mu.Lock(); events = append(events, e); mu.Unlock() },
	}
	if mod != nil {
		mod(&opts)
	}
	c, err := New(opts)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close()
		_ = store.Close()
		_, _ = jsutil.Try(func() js.Value { return js.Global().Get("indexedDB").Call("deleteDatabase", name) })
	})
	take := func() []Event {
		c.Wait()
		mu.Lock()
		defer mu.Unlock()
		e := events
		events = nil
		return e
	}
	return c, take
}

func TestBrowserCrossOriginWithExposeHeadersRevalidates(t *testing.T) {
	base := serverURL(t)
	path := uniquePath("expose", t)
	c, take := browserClient(t, nil)
	ctx := context.Background()

	r, err := c.Get(ctx, base+path)
	require.NoError(t, err)
	assert.Equal(t, SourceNetwork, r.Source)
	assert.Equal(t, `"v0"`, r.ETag)
	assert.Empty(t, take())

	r, err = c.Get(ctx, base+path)
	require.NoError(t, err)
	assert.Equal(t, SourceCache, r.Source)
	require.IsType(t, &cache.JSBody{}, r.Body, "cached reads hand back the IndexedDB ArrayBuffer")
	evs := take()
	require.Equal(t, []EventType{EventRevalidated}, types(evs))
	assert.Equal(t, 304, evs[0].Status)
	log := serverLog(t, base, path)
	require.Len(t, log, 2)
	assert.Equal(t, `"v0"`, log[1].Header["if-none-match"])

	_, err = FetchTransport{}.RoundTrip(ctx, &Request{URL: base + "/bump?path=" + path})
	require.NoError(t, err)
	r, err = c.Get(ctx, base+path)
	require.NoError(t, err)
	assert.Contains(t, string(r.Body.Bytes()), `"version":0`, "the cached copy is served at once")
	evs = take()
	require.Equal(t, []EventType{EventUpdate}, types(evs))
	assert.Equal(t, `"v1"`, evs[0].Result.ETag)
	assert.Contains(t, string(evs[0].Result.Body.Bytes()), `"version":1`)
	assert.Equal(t, Counters{Hits: 2, Misses: 1, Revalidations: 2, NotModified: 1, Updates: 1}, c.Counters())
}

func TestBrowserCrossOriginWithoutExposeHeadersWarnsOnce(t *testing.T) {
	base := serverURL(t)
	path := uniquePath("noexpose", t)
	c, take := browserClient(t, nil)
	ctx := context.Background()

	r, err := c.Get(ctx, base+path)
	require.NoError(t, err)
	assert.Empty(t, r.ETag, "CORS hides the ETag")
	evs := take()
	require.Equal(t, []EventType{EventWarning}, types(evs))
	assert.Equal(t, WarnETagNotExposed, evs[0].Code)
	assert.Contains(t, evs[0].Message, "Access-Control-Expose-Headers: ETag, Last-Modified")

	for range 2 {
		r, err = c.Get(ctx, base+path)
		require.NoError(t, err)
		assert.Equal(t, SourceCache, r.Source)
		assert.Equal(t, []EventType{EventRevalidated}, types(take()), "same body hash, no second warning")
	}
	log := serverLog(t, base, path)
	require.Len(t, log, 3, "every revalidation reached the server")
	for _, l := range log[1:] {
		// cache: 'no-cache' makes the browser ask the server, with the ETag
		// it keeps in its own HTTP cache: JS never sees it, but the body is
		// not downloaded again.
		assert.Equal(t, "max-age=0", l.Header["cache-control"])
		assert.Equal(t, `"v0"`, l.Header["if-none-match"], "the browser's own validator")
	}
}

func TestBrowserOfflineServesCache(t *testing.T) {
	base := serverURL(t)
	path := uniquePath("expose", t)
	var mu sync.Mutex
	offline := false
	c, take := browserClient(t, func(o *Options) {
		o.Retry = RetryPolicy{MaxAttempts: 1}
		o.Transport = TransportFunc(func(ctx context.Context, req *Request) (*Response, error) {
			mu.Lock()
			off := offline
			mu.Unlock()
			if off {
				req.URL = "http://127.0.0.1:1/" // a closed port: fetch rejects with TypeError
			}
			return FetchTransport{}.RoundTrip(ctx, req)
		})
	})
	ctx := context.Background()
	_, err := c.Get(ctx, base+path)
	require.NoError(t, err)
	mu.Lock()
	offline = true
	mu.Unlock()
	r, err := c.Get(ctx, base+path)
	require.NoError(t, err)
	assert.Equal(t, SourceCache, r.Source)
	evs := take()
	require.Equal(t, []EventType{EventError}, types(evs))
	assert.Equal(t, KindNetwork, evs[0].Kind)
	r, err = c.Get(ctx, base+path)
	require.NoError(t, err)
	assert.True(t, r.Stale)
	take()

	_, err = c.Get(ctx, base+"/expose/never-fetched-"+t.Name())
	assert.ErrorIs(t, err, ErrNetwork)
}

// A Request marked Reload reaches the server without validators, though the
// browser's HTTP cache holds the response (private, no-cache: stored, to be
// revalidated) and adds its own If-None-Match to a plain request.
func TestFetchTransportReloadSendsNoValidators(t *testing.T) {
	base := serverURL(t)
	path := uniquePath("expose", t)
	tr := FetchTransport{}
	ctx := context.Background()
	for _, reload := range []bool{false, false, true} {
		res, err := tr.RoundTrip(ctx, &Request{URL: base + path, Reload: reload})
		require.NoError(t, err)
		assert.Equal(t, 200, res.Status, "the browser answers its own revalidation's 304 with its stored body")
	}
	log := serverLog(t, base, path)
	require.Len(t, log, 3)
	assert.Empty(t, log[0].Header["if-none-match"])
	assert.Equal(t, `"v0"`, log[1].Header["if-none-match"], "the browser's HTTP cache revalidates a plain request")
	assert.Empty(t, log[2].Header["if-none-match"], "a reload carries no validator of the browser's")
	assert.Empty(t, log[2].Header["if-modified-since"])
}
