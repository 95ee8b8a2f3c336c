package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withNetwork returns hdr plus the Cookie header of mode m.
func withNetwork(m networkMode, hdr ...string) []string {
	return append(hdr, "Cookie", networkCookie+"="+string(m))
}

// waits records the durations a server waited for, without sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) wait(_ context.Context, d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
}

func (w *waits) take() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	d := w.d
	w.d = nil
	return d
}

func TestLinkPacesAndShares(t *testing.T) {
	t0 := fixedClock()
	now := t0
	l := &link{now: func() time.Time { return now }, wait: func(context.Context, time.Duration) {}}
	const rate = 1000 // bytes/s: 1 byte a millisecond

	assert.Equal(t, t0.Add(500*time.Millisecond), l.reserve(500, rate), "500 B take 500 ms")
	assert.Equal(t, t0.Add(time.Second), l.reserve(500, rate), "a second response waits for the link: shared")
	now = t0.Add(3 * time.Second)
	assert.Equal(t, now.Add(100*time.Millisecond), l.reserve(100, rate), "an idle link starts from now, with no credit")

	var waited []time.Duration
	l.wait = func(_ context.Context, d time.Duration) {
		waited = append(waited, d)
		now = now.Add(d)
	}
	now = now.Add(time.Second)
	start := now
	for range 4 {
		l.send(context.Background(), 250, rate)
	}
	assert.Equal(t, []time.Duration{250 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond,
		250 * time.Millisecond}, waited)
	assert.Equal(t, time.Second, now.Sub(start), "1000 B at 1000 B/s take a second")
}

func TestChunkSize(t *testing.T) {
	tests := []struct {
		rate int64
		want int
	}{
		{50_000, 2500}, // Slow 3G: 50 ms of it
		{1, 512},
		{1 << 30, 64 << 10},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, chunkSize(tt.rate), "chunkSize(%d)", tt.rate)
	}
}

func TestNetworkModeOfRequest(t *testing.T) {
	tests := []struct {
		cookie string
		want   networkMode
	}{
		{"", modeFast},
		{networkCookie + "=slow3g", modeSlow3G},
		{networkCookie + "=offline", modeOffline},
		{networkCookie + "=fast", modeFast},
		{networkCookie + "=OFFLINE", modeFast},
		{networkCookie + "=", modeFast},
		{networkCookie + "=" + strings.Repeat("x", 10<<10), modeFast},
		{"other=offline", modeFast},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		if tt.cookie != "" {
			r.Header.Set("Cookie", tt.cookie)
		}
		assert.Equal(t, tt.want, modeOf(r), "modeOf(Cookie: %q)", tt.cookie)
	}
}

func TestNetworkControl(t *testing.T) {
	ts := newTestServer(t, options{})

	_, body := do(t, ts, "GET", "/api/_control/network", "")
	assert.JSONEq(t, `{"mode":"fast","slow3g":{"rttMs":400,"kbps":400},"dropped":0}`, body,
		"no cookie: fast; Slow 3G is 400 ms and 400 kbit/s")

	res, body := do(t, ts, "POST", "/api/_control/network", `{"mode":"slow3g"}`)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	assert.JSONEq(t, `{"mode":"slow3g","slow3g":{"rttMs":400,"kbps":400},"dropped":0}`, body)
	cookies := res.Cookies()
	require.Len(t, cookies, 1)
	c := cookies[0]
	assert.Equal(t, networkCookie, c.Name)
	assert.Equal(t, "slow3g", c.Value)
	assert.Equal(t, "/", c.Path, "the whole site: page, scripts, module, API")
	assert.Zero(t, c.MaxAge, "a session cookie")
	assert.True(t, c.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, c.SameSite)

	_, body = do(t, ts, "GET", "/api/_control/network", "", withNetwork(modeOffline)...)
	assert.Contains(t, body, `"mode":"offline"`, "the caller's cookie")

	res, _ = do(t, ts, "POST", "/api/_control/network", `{"mode":"fast"}`, withNetwork(modeSlow3G)...)
	require.Len(t, res.Cookies(), 1)
	assert.Less(t, res.Cookies()[0].MaxAge, 0, "fast deletes the cookie")

	for _, bad := range []string{`{"mode":"3g"}`, `{}`, `{"mode":1}`, `nope`} {
		res, _ := do(t, ts, "POST", "/api/_control/network", bad)
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, "network %s", bad)
		assert.Empty(t, res.Cookies(), "network %s", bad)
	}

	res, body = do(t, ts, "POST", "/api/_control/slow3g", `{"rttMs":40,"kbps":8000}`)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	_, body = do(t, ts, "GET", "/api/_control/slow3g", "")
	assert.JSONEq(t, `{"rttMs":40,"kbps":8000}`, body)
	for _, bad := range []string{`{"rttMs":-1,"kbps":400}`, `{"rttMs":400,"kbps":0}`, `{"rttMs":400}`,
		`{"rttMs":1e6,"kbps":400}`, `{"rttMs":400,"kbps":1e12}`, `[]`} {
		res, _ := do(t, ts, "POST", "/api/_control/slow3g", bad)
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, "slow3g %s", bad)
	}
	do(t, ts, "POST", "/api/_control/reset", "")
	_, body = do(t, ts, "GET", "/api/_control/slow3g", "")
	assert.JSONEq(t, `{"rttMs":400,"kbps":400}`, body, "reset restores Slow 3G")

	res, _ = do(t, ts, "POST", "/api/_control/forget", "{}")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, `"cache", "storage"`, res.Header.Get("Clear-Site-Data"), "not cookies: the network mode stays")
}

// TestSlow3GWaitsEveryResponse: one round trip before every response of a Slow 3G browser, the page, the built
// files and the API alike, and the body paced at the profile's rate; Fast browsers and the control endpoints wait
// for nothing.
func TestSlow3GWaitsEveryResponse(t *testing.T) {
	var w waits
	dist := fstest.MapFS{"etag-cache.wasm": {Data: make([]byte, 10_000), ModTime: fixedClock()}}
	ts := newTestServer(t, options{Dist: dist, Wait: w.wait})
	// Slow 3G as the page's switch applies it: 400 ms, 50 kB/s in 2500-byte chunks.

	for _, path := range []string{"/", "/demo/demo.js", "/sw.js", "/etag-cache.wasm", "/api/grades/", "/nope.wasm"} {
		do(t, ts, "GET", path, "")
		assert.Empty(t, w.take(), "%s on Fast", path)
	}
	for _, path := range []string{"/api/_control/network", "/api/_control/slow3g", "/api/_control/log"} {
		do(t, ts, "GET", path, "", withNetwork(modeSlow3G)...)
		assert.Empty(t, w.take(), "%s is the switch, not the network", path)
	}

	for _, path := range []string{"/", "/demo/demo.js", "/sw.js", "/api/grades/", "/nope.wasm"} {
		do(t, ts, "GET", path, "", withNetwork(modeSlow3G)...)
		got := w.take()
		require.NotEmpty(t, got, path)
		assert.Equal(t, 400*time.Millisecond, got[0], "%s: one round trip before the headers", path)
	}

	// A new server: the link is idle (the recording wait does not sleep, so the bodies above are still queued on
	// the old one's).
	ts = newTestServer(t, options{Dist: dist, Wait: w.wait})
	res, body := do(t, ts, "GET", "/etag-cache.wasm", "", withNetwork(modeSlow3G)...)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Len(t, body, 10_000, "the whole body arrives")
	got := w.take()
	require.NotEmpty(t, got)
	assert.Equal(t, 400*time.Millisecond, got[0])
	// The recording wait does not sleep, so the real clock hardly moves and each chunk's reservation queues behind
	// the last: the last wait is the whole body's time at the rate.
	assert.Len(t, got, 1+4, "the round trip, then 4 chunks of 2500 bytes")
	assert.InDelta(t, float64(200*time.Millisecond), float64(got[len(got)-1]), float64(20*time.Millisecond),
		"10 kB at 50 kB/s: 200 ms")

	etag := res.Header.Get("ETag")
	res, _ = do(t, ts, "GET", "/etag-cache.wasm", "", withNetwork(modeSlow3G, "If-None-Match", etag)...)
	assert.Equal(t, http.StatusNotModified, res.StatusCode)
	assert.Equal(t, []time.Duration{400 * time.Millisecond}, w.take(), "a 304 costs the round trip only")
}

// TestSlow3GOnLoopback: the same on the real clock over a real connection, with a faster profile. Only lower
// bounds are asserted: a busy machine makes things slower, never faster.
func TestSlow3GOnLoopback(t *testing.T) {
	const size = 40_000
	dist := fstest.MapFS{"etag-cache.wasm": {Data: make([]byte, size), ModTime: fixedClock()}}
	ts := newTestServer(t, options{Dist: dist, Wait: sleepCtx})
	do(t, ts, "POST", "/api/_control/slow3g", `{"rttMs":50,"kbps":1600}`) // 200 kB/s
	const rtt, rate = 50 * time.Millisecond, 200_000

	get := func(path string) (headers, total time.Duration, n int) {
		t.Helper()
		req, err := http.NewRequest("GET", ts.URL+path, nil)
		require.NoError(t, err)
		req.AddCookie(&http.Cookie{Name: networkCookie, Value: "slow3g"})
		start := time.Now()
		res, err := ts.Client().Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		headers = time.Since(start)
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return headers, time.Since(start), len(b)
	}

	for _, path := range []string{"/", "/api/grades/"} {
		headers, _, _ := get(path)
		assert.GreaterOrEqual(t, headers, rtt, "%s: headers after one round trip", path)
	}
	_, total, n := get("/etag-cache.wasm")
	assert.Equal(t, size, n)
	assert.GreaterOrEqual(t, total, rtt+size*time.Second/rate, "40 kB at 200 kB/s after 50 ms: 250 ms at least")

	// Two downloads at once share the link: together they take twice as long as one.
	start := time.Now()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			_, _, n := get("/etag-cache.wasm")
			assert.Equal(t, size, n)
		})
	}
	wg.Wait()
	assert.GreaterOrEqual(t, time.Since(start), rtt+2*size*time.Second/rate, "80 kB over one 200 kB/s link")
}

// TestOfflineDropsConnections: an Offline browser's requests get no answer at all, the control endpoints still
// answer, and other browsers are served.
func TestOfflineDropsConnections(t *testing.T) {
	dist := fstest.MapFS{"etag-cache.js": {Data: []byte("export {}"), ModTime: fixedClock()}}
	ts := newTestServer(t, options{Dist: dist})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} // one connection a request: no retries
	t.Cleanup(client.CloseIdleConnections)

	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/", ""}, {"GET", "/etag-cache.js", ""}, {"GET", "/sw.js", ""}, {"GET", "/api/grades/", ""},
		{"POST", "/api/grades/1/", `{"score":5}`}, {"GET", "/api/_test/lang", ""},
	} {
		req, err := http.NewRequest(tc.method, ts.URL+tc.path, strings.NewReader(tc.body))
		require.NoError(t, err)
		req.AddCookie(&http.Cookie{Name: networkCookie, Value: "offline"})
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
		}
		assert.Error(t, err, "%s %s: no answer while offline", tc.method, tc.path)
	}
	_, rows := listETag(t, ts)
	assert.Equal(t, 78, rows[0].Score, "the dropped POST changed nothing")

	res, body := do(t, ts, "GET", "/api/_control/network", "", withNetwork(modeOffline)...)
	require.Equal(t, http.StatusOK, res.StatusCode, "the switch answers while offline")
	var state networkBody
	require.NoError(t, json.Unmarshal([]byte(body), &state))
	assert.Equal(t, modeOffline, state.Mode)
	assert.EqualValues(t, 6, state.Dropped)

	_, log := do(t, ts, "GET", "/api/_control/log", "")
	assert.NotContains(t, log, `"/api/grades/1/"`, "dropped requests never reached the API")
}
