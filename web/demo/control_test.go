package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLatencyAppliesToAPIOnly(t *testing.T) {
	var mu sync.Mutex
	var waits []time.Duration
	ts := newTestServer(t, options{
		Dist: fstest.MapFS{"etag-cache.js": {Data: []byte("export {}")}},
		Wait: func(_ context.Context, d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			waits = append(waits, d)
		},
	})
	taken := func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		w := waits
		waits = nil
		return w
	}

	do(t, ts, "GET", "/api/grades/", "")
	assert.Empty(t, taken(), "no latency by default")

	res, body := do(t, ts, "POST", "/api/_control/latency", `{"ms":2000}`)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	_, body = do(t, ts, "GET", "/api/_control/latency", "")
	assert.JSONEq(t, `{"ms":2000}`, body)
	assert.Empty(t, taken(), "control endpoints are never delayed")

	do(t, ts, "GET", "/api/grades/", "")
	do(t, ts, "POST", "/api/grades/1/", `{"score":1}`)
	assert.Equal(t, []time.Duration{2 * time.Second, 2 * time.Second}, taken())

	do(t, ts, "GET", "/etag-cache.js", "")
	do(t, ts, "GET", "/", "")
	assert.Empty(t, taken(), "static files are never delayed")

	for _, bad := range []string{`{"ms":-1}`, `{"ms":"x"}`, `nope`, `{"ms":1e9}`} {
		res, _ := do(t, ts, "POST", "/api/_control/latency", bad)
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, "latency %q", bad)
	}
	do(t, ts, "POST", "/api/_control/latency", `{"ms":0}`)
	do(t, ts, "GET", "/api/grades/", "")
	assert.Empty(t, taken(), "ms 0 turns it off")
}

func TestControlLogAndReset(t *testing.T) {
	ts := newTestServer(t, options{})
	etag, _ := listETag(t, ts)
	do(t, ts, "GET", "/api/grades/", "", "If-None-Match", etag)
	do(t, ts, "POST", "/api/grades/1/", `{"score":5}`)
	do(t, ts, "GET", "/api/_control/latency", "")

	_, body := do(t, ts, "GET", "/api/_control/log", "")
	var log []loggedRequest
	require.NoError(t, json.Unmarshal([]byte(body), &log))
	assert.Equal(t, []loggedRequest{
		{Seq: 1, Method: "GET", Path: "/api/grades/", Status: 200},
		{Seq: 2, Method: "GET", Path: "/api/grades/", IfNoneMatch: etag, Status: 304},
		{Seq: 3, Method: "POST", Path: "/api/grades/1/", Status: 200},
	}, log, "control requests are not logged")

	res, _ := do(t, ts, "POST", "/api/_control/reset", "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	_, body = do(t, ts, "GET", "/api/_control/log", "")
	assert.JSONEq(t, `[]`, body)
	after, rows := listETag(t, ts)
	assert.Equal(t, etag, after, "reset restores the seed data")
	assert.Equal(t, 78, rows[0].Score)

	res, _ = do(t, ts, "GET", "/api/_control/nope", "")
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
}

func TestPendingRequestIsLoggedBeforeItIsAnswered(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	ts := newTestServer(t, options{Latency: time.Second, Wait: func(context.Context, time.Duration) {
		close(entered)
		<-release
	}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		res, err := ts.Client().Get(ts.URL + "/api/grades/")
		if err == nil {
			res.Body.Close()
		}
	}()
	<-entered
	_, body := do(t, ts, "GET", "/api/_control/log", "")
	assert.JSONEq(t, `[{"seq":1,"method":"GET","path":"/api/grades/","ifNoneMatch":"","status":0,"pending":true}]`, body)
	close(release)
	<-done
	_, body = do(t, ts, "GET", "/api/_control/log", "")
	assert.JSONEq(t, `[{"seq":1,"method":"GET","path":"/api/grades/","ifNoneMatch":"","status":200,"pending":false}]`, body)
}

func TestHoldKeepsRequestsPendingUntilReleased(t *testing.T) {
	ts := newTestServer(t, options{})
	res, _ := do(t, ts, "POST", "/api/_control/hold", `{"on":true}`)
	require.Equal(t, http.StatusOK, res.StatusCode)
	res, _ = do(t, ts, "POST", "/api/_control/hold", `{}`)
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, "on is required")

	got := make(chan int, 1)
	go func() {
		res, err := ts.Client().Get(ts.URL + "/api/grades/")
		if err != nil {
			got <- -1
			return
		}
		res.Body.Close()
		got <- res.StatusCode
	}()
	// The request is held: wait until the log shows it pending (polling the log
	// is the synchronisation, not a sleep).
	require.Eventually(t, func() bool {
		_, body := do(t, ts, "GET", "/api/_control/log", "")
		return strings.Contains(body, `"pending":true`)
	}, 5*time.Second, time.Millisecond)
	select {
	case code := <-got:
		t.Fatalf("held request answered %d", code)
	default:
	}
	do(t, ts, "POST", "/api/_control/hold", `{"on":false}`)
	assert.Equal(t, http.StatusOK, <-got)
}

func TestModuleControl(t *testing.T) {
	ts := newTestServer(t, options{Dist: fstest.MapFS{"etag-cache.wasm": {Data: []byte("\x00asm\x01\x00\x00\x00")}}})
	res, body := do(t, ts, "GET", "/etag-cache.wasm", "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "application/wasm", res.Header.Get("Content-Type"))
	assert.Equal(t, "\x00asm\x01\x00\x00\x00", body)

	res, _ = do(t, ts, "POST", "/api/_control/module", `{"mode":"missing"}`)
	require.Equal(t, http.StatusOK, res.StatusCode)
	res, _ = do(t, ts, "GET", "/etag-cache.wasm", "")
	assert.Equal(t, http.StatusNotFound, res.StatusCode)

	do(t, ts, "POST", "/api/_control/module", `{"mode":"html"}`)
	res, body = do(t, ts, "GET", "/etag-cache.wasm", "")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, res.Header.Get("Content-Type"), "text/html")
	assert.Contains(t, body, "<!doctype html>")

	do(t, ts, "POST", "/api/_control/module", `{"mode":"octet"}`)
	res, body = do(t, ts, "GET", "/etag-cache.wasm", "")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "application/octet-stream", res.Header.Get("Content-Type"))
	assert.Equal(t, "\x00asm\x01\x00\x00\x00", body)

	do(t, ts, "POST", "/api/_control/module", `{"mode":"hold"}`)
	got := make(chan int, 1)
	go func() {
		res, err := http.Get(ts.URL + "/etag-cache.wasm")
		if err == nil {
			res.Body.Close()
			got <- res.StatusCode
		}
	}()
	select {
	case <-got:
		t.Fatal("a held module was answered")
	case <-time.After(100 * time.Millisecond):
	}
	do(t, ts, "POST", "/api/_control/module", `{"mode":"normal"}`)
	assert.Equal(t, http.StatusOK, <-got, "released by the mode change")

	res, body = do(t, ts, "GET", "/api/_control/module", "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.JSONEq(t, `{"mode":"normal","requests":5}`, body)
	res, _ = do(t, ts, "POST", "/api/_control/module", `{"mode":"slow"}`)
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
}
