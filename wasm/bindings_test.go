//go:build js && wasm

package main

import (
	"context"
	"errors"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/internal/jsutil"
)

// These tests drive the bindings the way etag-cache.js does: through JS
// values and Promises, in headless Chromium, against the loopback test
// server the Makefile starts (TEST_SERVER_URL).

var dbSeq atomic.Int64

func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("TEST_SERVER_URL")
	require.NotEmpty(t, u, "TEST_SERVER_URL is not set: run through `make test-browser`")
	return u
}

func await(t *testing.T, p js.Value) (js.Value, *jsutil.JSError) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	v, err := jsutil.Await(ctx, p)
	if err == nil {
		return v, nil
	}
	var je *jsutil.JSError
	require.True(t, errors.As(err, &je), "await: %v", err)
	return v, je
}

func jsObj(t *testing.T, src string) js.Value {
	t.Helper()
	return js.Global().Get("JSON").Call("parse", src)
}

func jsEvalObj(t *testing.T, src string) js.Value {
	t.Helper()
	return js.Global().Call("eval", src)
}

// open opens a cache with a fresh database deleted at cleanup.
func open(t *testing.T, extra map[string]any) js.Value {
	t.Helper()
	name := "wasm-test-" + strconv.FormatInt(dbSeq.Add(1), 10) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	o := obj(map[string]any{"version": "v1", "dbName": name, "origin": js.Global().Get("location").Get("origin").String()})
	for k, v := range extra {
		o.Set(k, v)
	}
	h, jerr := await(t, openCache([]js.Value{o}))
	require.Nil(t, jerr)
	t.Cleanup(func() {
		await(t, h.Call("close"))
		if idb := js.Global().Get("indexedDB"); idb.Truthy() {
			idb.Call("deleteDatabase", name)
		}
	})
	return h
}

func TestOpenRejectsBadOptionsWithTypeError(t *testing.T) {
	cases := map[string][]js.Value{
		"no argument":         nil,
		"not an object":       {js.ValueOf("v1")},
		"no version":          {jsObj(t, `{}`)},
		"empty version":       {jsObj(t, `{"version":""}`)},
		"version not string":  {jsObj(t, `{"version":3}`)},
		"negative ttl":        {jsObj(t, `{"version":"v1","ttl":-1}`)},
		"ttl not a number":    {jsObj(t, `{"version":"v1","ttl":"7d"}`)},
		"NaN ttl":             {jsEvalObj(t, `({version: "v1", ttl: NaN})`)},
		"Infinity ttl":        {jsEvalObj(t, `({version: "v1", ttl: Infinity})`)},
		"fractional entries":  {jsObj(t, `{"version":"v1","maxEntries":1.5}`)},
		"negative maxEntries": {jsObj(t, `{"version":"v1","maxEntries":-1}`)},
		"negative maxBytes":   {jsObj(t, `{"version":"v1","maxBytes":-5}`)},
		"negative timeout":    {jsObj(t, `{"version":"v1","timeout":-1}`)},
		"negative interval":   {jsObj(t, `{"version":"v1","minRevalidateInterval":-1}`)},
		"empty dbName":        {jsObj(t, `{"version":"v1","dbName":""}`)},
		"unknown storage":     {jsObj(t, `{"version":"v1","storage":"disk"}`)},
		"bad credentials":     {jsObj(t, `{"version":"v1","credentials":"all"}`)},
		"header not a string": {jsObj(t, `{"version":"v1","headers":{"X-A":1}}`)},
		"onEvent not a func":  {jsObj(t, `{"version":"v1","onEvent":"f"}`)},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			_, jerr := await(t, openCache(args))
			require.NotNil(t, jerr, "open should reject")
			assert.Equal(t, "TypeError", jerr.Name)
		})
	}
	// The module survives: a valid call works afterwards. ttl 0 and timeout 0
	// mean the defaults (fetcher.Config), as they do in Go.
	h := open(t, map[string]any{"storage": "memory", "ttl": 0, "timeout": 0})
	assert.Equal(t, "memory", h.Get("storage").String())
}

func TestGetRejectsBadURLsThenServes(t *testing.T) {
	h := open(t, nil)
	assert.Equal(t, "indexeddb", h.Get("storage").String())
	for name, args := range map[string][]js.Value{
		"missing":    nil,
		"empty":      {js.ValueOf("")},
		"number":     {js.ValueOf(42)},
		"relative":   {js.ValueOf("/api/grades/")},
		"garbage":    {js.ValueOf("http://[::1")},
		"bad init":   {js.ValueOf(serverURL(t) + "/expose/a"), js.ValueOf("x")},
		"bad header": {js.ValueOf(serverURL(t) + "/expose/a"), jsObj(t, `{"headers":{"A":[1]}}`)},
	} {
		in := make([]any, len(args))
		for i, a := range args {
			in[i] = a
		}
		_, jerr := await(t, h.Call("get", in...))
		require.NotNil(t, jerr, name)
		assert.Equal(t, "TypeError", jerr.Name, name)
	}

	url := serverURL(t) + "/expose/bindings-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	r, jerr := await(t, h.Call("get", url))
	require.Nil(t, jerr)
	assert.Equal(t, "network", r.Get("source").String())
	assert.Equal(t, 200, r.Get("status").Int())
	assert.Equal(t, `"v0"`, r.Get("etag").String())
	assert.True(t, r.Get("body").InstanceOf(js.Global().Get("ArrayBuffer")))
	assert.Contains(t, r.Get("contentType").String(), "application/json")

	r, jerr = await(t, h.Call("get", url))
	require.Nil(t, jerr)
	assert.Equal(t, "cache", r.Get("source").String())
	assert.True(t, r.Get("body").InstanceOf(js.Global().Get("ArrayBuffer")))
	text := js.Global().Get("TextDecoder").New().Call("decode", r.Get("body")).String()
	assert.Contains(t, text, `"version":0`)

	st, jerr := await(t, h.Call("stats"))
	require.Nil(t, jerr)
	assert.Equal(t, 1, st.Get("entries").Int())
	assert.GreaterOrEqual(t, st.Get("hits").Int(), 1)
}

// entries() lists the stored entries without bodies, in the shape the
// inspector and etag-cache.d.ts expect.
func TestEntriesListsWithoutBodies(t *testing.T) {
	h := open(t, nil)
	list, jerr := await(t, h.Call("entries"))
	require.Nil(t, jerr)
	assert.Equal(t, 0, list.Length())

	url := serverURL(t) + "/expose/entries-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	_, jerr = await(t, h.Call("get", url))
	require.Nil(t, jerr)
	list, jerr = await(t, h.Call("entries"))
	require.Nil(t, jerr)
	require.Equal(t, 1, list.Length())
	e := list.Index(0)
	assert.Equal(t, url, e.Get("url").String())
	assert.Equal(t, `"v0"`, e.Get("etag").String())
	assert.Equal(t, 200, e.Get("status").Int())
	assert.Greater(t, e.Get("size").Int(), 0)
	assert.InDelta(t, float64(time.Now().UnixMilli()), e.Get("validatedAt").Float(), 60_000)
	assert.True(t, e.Get("vary").IsNull())
	assert.False(t, e.Get("stale").Bool())
	assert.True(t, e.Get("body").IsUndefined(), "no body")
	assert.Equal(t, "v1", e.Get("version").String())
}

func TestErrorNames(t *testing.T) {
	h := open(t, map[string]any{"timeout": 300})
	// Nothing listens on port 9 of loopback: a network error, nothing cached.
	_, jerr := await(t, h.Call("get", "http://127.0.0.1:9/nothing"))
	require.NotNil(t, jerr)
	assert.Equal(t, "NetworkError", jerr.Name)

	_, jerr = await(t, h.Call("get", serverURL(t)+"/hang"))
	require.NotNil(t, jerr)
	assert.Equal(t, "TimeoutError", jerr.Name)

	_, jerr = await(t, h.Call("get", serverURL(t)+"/missing"))
	require.NotNil(t, jerr)
	assert.Equal(t, "HttpStatusError", jerr.Name)
	assert.Equal(t, 404, jerr.Value.Get("status").Int())
}

// withoutIndexedDB hides globalThis.indexedDB for the rest of the test.
func withoutIndexedDB(t *testing.T) {
	g := js.Global()
	reflect := g.Get("Reflect")
	desc := reflect.Call("getOwnPropertyDescriptor", g, "indexedDB")
	require.True(t, reflect.Call("defineProperty", g, "indexedDB", jsObj(t, `{"value":null,"configurable":true}`)).Bool())
	t.Cleanup(func() { reflect.Call("defineProperty", g, "indexedDB", desc) })
}

func TestStorageFallback(t *testing.T) {
	withoutIndexedDB(t)
	_, jerr := await(t, openCache([]js.Value{jsObj(t, `{"version":"v1","storage":"indexeddb"}`)}))
	require.NotNil(t, jerr)
	assert.Equal(t, "StorageUnavailableError", jerr.Name)

	var warnings []string
	onEvent := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if args[0].String() == "warning" {
			warnings = append(warnings, args[1].Get("code").String())
		}
		return nil
	})
	t.Cleanup(onEvent.Release)
	h := open(t, map[string]any{"onEvent": onEvent})
	assert.Equal(t, "memory", h.Get("storage").String())
	assert.Equal(t, []string{"storage-fallback"}, warnings)
}

// Fault 6: URLs a browser fetches as they are -- malformed percent-escapes
// included -- go through the cache instead of being refused with TypeError.
// (The loopback test server, Go's net/http, refuses such a request itself,
// with a 400 that carries no CORS headers: the page sees a network error.)
func TestURLsWithMalformedEscapesAreFetched(t *testing.T) {
	h := open(t, nil)
	for _, path := range []string{"/expose/u/%zz", "/expose/u/%"} {
		_, jerr := await(t, h.Call("get", serverURL(t)+path))
		require.NotNil(t, jerr, path)
		assert.Equal(t, "NetworkError", jerr.Name, "%s: fetched, not refused: %s", path, jerr.Message)
	}
	r, jerr := await(t, h.Call("get", serverURL(t)+"/expose/u?q=%zz"))
	require.Nil(t, jerr, "a malformed escape in the query reaches the server")
	assert.Equal(t, 200, r.Get("status").Int())
	r, jerr = await(t, h.Call("get", serverURL(t)+"/expose/u?q=%zz"))
	require.Nil(t, jerr)
	assert.Equal(t, "cache", r.Get("source").String(), "and is cached")
	key := h.Call("key", serverURL(t)+"/expose/u/%zz")
	assert.Equal(t, js.TypeString, key.Type(), "the URL has a key")
}

// offlineFetch replaces globalThis.fetch for the rest of the test with one
// that counts its calls (of URLs containing marker) and, while
// offline.on is true, rejects like fetch does offline (a TypeError).
func offlineFetch(t *testing.T, marker string) js.Value {
	t.Helper()
	ctl := js.Global().Call("eval", `(function (marker) {
		const real = globalThis.fetch;
		const ctl = { on: false, calls: 0, restore() { globalThis.fetch = real; } };
		globalThis.fetch = function (input, init) {
			if (String(input).includes(marker)) ctl.calls++;
			if (ctl.on) return Promise.reject(new TypeError('Failed to fetch'));
			return real.call(globalThis, input, init);
		};
		return ctl;
	})`).Invoke(marker)
	t.Cleanup(func() { ctl.Call("restore") })
	return ctl
}

// Issue 11, connectivity: the first failure of a revalidation is reported at
// once with retrying: true, and while setOnline(false) holds no retry is
// sent; setOnline(true) lets it go.
func TestRetriesWaitForSetOnline(t *testing.T) {
	type event struct {
		typ, kind string
		retrying  bool
	}
	var mu sync.Mutex
	var events []event
	onEvent := js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := event{typ: args[0].String()}
		if e.typ == "error" {
			e.kind = args[1].Get("kind").String()
			e.retrying = args[1].Get("retrying").Bool()
		}
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
		return nil
	})
	t.Cleanup(onEvent.Release)
	seen := func(typ string) []event {
		mu.Lock()
		defer mu.Unlock()
		var out []event
		for _, e := range events {
			if e.typ == typ {
				out = append(out, e)
			}
		}
		return out
	}
	waitFor := func(typ string) {
		t.Helper()
		require.Eventually(t, func() bool { return len(seen(typ)) > 0 }, 10*time.Second, 10*time.Millisecond, typ)
	}

	path := "/expose/online-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	u := serverURL(t) + path
	ctl := offlineFetch(t, path)
	h := open(t, map[string]any{"onEvent": onEvent})
	_, jerr := await(t, h.Call("get", u))
	require.Nil(t, jerr)

	ctl.Set("on", true)
	assert.True(t, h.Call("setOnline", false).IsUndefined())
	h.Call("setOnline", "no") // not a boolean: ignored
	r, jerr := await(t, h.Call("get", u))
	require.Nil(t, jerr)
	assert.Equal(t, "cache", r.Get("source").String())
	waitFor("error")
	assert.Equal(t, []event{{"error", "network", true}}, seen("error"))
	assert.Equal(t, 2, ctl.Get("calls").Int(), "the first attempt was sent")

	// The first backoff is under a second (DefaultRetry, full jitter): well
	// past it, still no retry while offline.
	time.Sleep(1500 * time.Millisecond)
	assert.Equal(t, 2, ctl.Get("calls").Int(), "no retry while offline")
	assert.Len(t, seen("error"), 1, "nothing more reported")

	ctl.Set("on", false)
	h.Call("setOnline", true)
	waitFor("revalidated")
	assert.Equal(t, 3, ctl.Get("calls").Int(), "the retry went once online")
	assert.Len(t, seen("error"), 1)
}

// getLogged returns the requests the test server saw under path.
func getLogged(t *testing.T, path string) []map[string]string {
	t.Helper()
	p := js.Global().Call("fetch", serverURL(t)+"/log?prefix="+path, jsObj(t, `{"cache":"no-store"}`))
	res, jerr := await(t, p)
	require.Nil(t, jerr)
	arr, jerr := await(t, res.Call("json"))
	require.Nil(t, jerr)
	var out []map[string]string
	for i := 0; i < arr.Length(); i++ {
		e := arr.Index(i)
		if e.Get("method").String() != "GET" {
			continue
		}
		m := map[string]string{}
		keys := js.Global().Get("Object").Call("keys", e.Get("header"))
		for j := 0; j < keys.Length(); j++ {
			k := keys.Index(j).String()
			m[k] = e.Get("header").Get(k).String()
		}
		out = append(out, m)
	}
	return out
}

func TestGetModes(t *testing.T) {
	h := open(t, nil)
	path := "/expose/modes-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	url := serverURL(t) + path

	for name, init := range map[string]js.Value{
		"unknown mode":    jsObj(t, `{"cache":"no-store"}`),
		"mode not string": jsObj(t, `{"cache":5}`),
		"bad signal":      jsObj(t, `{"signal":"x"}`),
	} {
		_, jerr := await(t, h.Call("get", url, init))
		require.NotNil(t, jerr, name)
		assert.Equal(t, "TypeError", jerr.Name, name)
	}

	_, jerr := await(t, h.Call("get", url, jsObj(t, `{"cache":"only-if-cached"}`)))
	require.NotNil(t, jerr, "only-if-cached on a miss rejects")
	assert.Equal(t, "NotCachedError", jerr.Name)
	assert.Empty(t, getLogged(t, path), "and sends nothing")

	r, jerr := await(t, h.Call("get", url))
	require.Nil(t, jerr)
	assert.Equal(t, "network", r.Get("source").String())
	r, jerr = await(t, h.Call("get", url, jsObj(t, `{"cache":"only-if-cached"}`)))
	require.Nil(t, jerr)
	assert.Equal(t, "cache", r.Get("source").String())

	r, jerr = await(t, h.Call("get", url, jsObj(t, `{"cache":"no-cache"}`)))
	require.Nil(t, jerr)
	assert.Equal(t, "network", r.Get("source").String(), "confirmed by the server before answering")
	r, jerr = await(t, h.Call("get", url, jsObj(t, `{"cache":"reload"}`)))
	require.Nil(t, jerr)
	assert.Equal(t, "network", r.Get("source").String())

	log := getLogged(t, path)
	require.Len(t, log, 3, "only-if-cached sent nothing, no-cache and reload one request each")
	assert.Equal(t, `"v0"`, log[1]["if-none-match"], "no-cache revalidates with the stored ETag")
	assert.Empty(t, log[2]["if-none-match"], "reload sends no validator")
	assert.Empty(t, log[2]["if-modified-since"])
}

func TestGetAbort(t *testing.T) {
	h := open(t, nil)
	ac := js.Global().Get("AbortController")

	path := "/expose/aborted-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	c := ac.New()
	c.Call("abort")
	init := js.Global().Get("Object").New()
	init.Set("signal", c.Get("signal"))
	_, jerr := await(t, h.Call("get", serverURL(t)+path, init))
	require.NotNil(t, jerr)
	assert.Equal(t, "AbortError", jerr.Name, "an aborted signal rejects at once")
	assert.Empty(t, getLogged(t, path), "without a request")

	// A request the server never answers: only the abort ends it (the
	// timeout is 30 s, the await's limit 15 s).
	c = ac.New()
	init = js.Global().Get("Object").New()
	init.Set("signal", c.Get("signal"))
	p := h.Call("get", serverURL(t)+"/hang?"+strconv.FormatInt(time.Now().UnixNano(), 36), init)
	for i := 0; i < 200 && len(getLogged(t, "/hang")) == 0; i++ {
		time.Sleep(10 * time.Millisecond) // polling for the request to reach the server, not a pass/fail timing
	}
	c.Call("abort")
	_, jerr = await(t, p)
	require.NotNil(t, jerr)
	assert.Equal(t, "AbortError", jerr.Name)

	// The handle keeps serving.
	r, jerr := await(t, h.Call("get", serverURL(t)+"/expose/after-abort-"+strconv.FormatInt(time.Now().UnixNano(), 36)))
	require.Nil(t, jerr)
	assert.Equal(t, 200, r.Get("status").Int())
}
