package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DEMO-ONLY: the network a browser of the demo lives on, Fast, Slow 3G or
// Offline, so the page can show what a first visit costs and what still works
// without a network. The mode is a cookie (set through
// /api/_control/network), so it applies to every request that browser makes:
// the page, its scripts, the wasm module, the service worker's fetches and the
// API. The control endpoints themselves (/api/_control/) are the switch, not
// the network: they are never slowed or dropped.
//
//	Fast     responses as the server makes them (plus -latency on the sample API)
//	Slow 3G  each response waits one round trip before its headers, and the bodies of all
//	         Slow 3G responses share one link of the profile's bandwidth (400 ms, 400 kbit/s)
//	Offline  the connection is closed without an answer: the browser's fetch fails as offline

// networkCookie holds the browser's network mode; no cookie means Fast.
const networkCookie = "etag-cache-demo-network"

type networkMode string

const (
	modeFast    networkMode = "fast"
	modeSlow3G  networkMode = "slow3g"
	modeOffline networkMode = "offline"
)

func parseNetworkMode(s string) (networkMode, bool) {
	switch m := networkMode(s); m {
	case modeFast, modeSlow3G, modeOffline:
		return m, true
	}
	return "", false
}

// modeOf is the mode r's cookie names; none, or a value that does not parse, is Fast.
func modeOf(r *http.Request) networkMode {
	c, err := r.Cookie(networkCookie)
	if err != nil {
		return modeFast
	}
	if m, ok := parseNetworkMode(c.Value); ok {
		return m
	}
	return modeFast
}

// modeCookie sets the browser's mode: a session cookie for the whole site;
// Fast deletes it.
func modeCookie(m networkMode) *http.Cookie {
	c := &http.Cookie{Name: networkCookie, Value: string(m), Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode}
	if m == modeFast {
		c.Value, c.MaxAge = "", -1
	}
	return c
}

// profile is a slow network: RTT before each response's headers, Rate the
// bandwidth of the response bodies.
type profile struct {
	RTT  time.Duration
	Rate int64 // bytes per second, > 0
}

// slow3G is Chrome DevTools' and the benchmarks' Slow 3G: 400 ms round trip, 400 kbit/s.
var slow3G = profile{RTT: 400 * time.Millisecond, Rate: 400_000 / 8}

// network applies each browser's mode to the requests of the wrapped handler.
// Safe for concurrent use; the zero value is not ready, see newNetwork.
type network struct {
	mu      sync.Mutex
	slow    profile // what Slow 3G means now (POST /api/_control/slow3g changes it)
	link    *link   // shared by the bodies of every Slow 3G response
	dropped atomic.Int64
}

func newNetwork(slow profile, now func() time.Time, wait func(context.Context, time.Duration)) *network {
	return &network{slow: slow, link: &link{now: now, wait: wait}}
}

func (n *network) profile() profile {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.slow
}

func (n *network) setProfile(p profile) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.slow = p
}

// wrap applies the mode of each request's browser, except to the control
// endpoints.
func (n *network) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mode := modeOf(r)
		if mode == modeFast || strings.HasPrefix(r.URL.Path, "/api/_control/") {
			next.ServeHTTP(w, r)
			return
		}
		if mode == modeOffline {
			n.dropped.Add(1)
			drop(w)
			return
		}
		p := n.profile()
		n.link.wait(r.Context(), p.RTT)
		if r.Context().Err() != nil {
			return
		}
		next.ServeHTTP(&throttledWriter{ResponseWriter: w, ctx: r.Context(), link: n.link, rate: p.Rate}, r)
	})
}

// drop closes the connection without an answer, as a dead network would look
// to the browser (its fetch rejects with a network error).
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // cannot hijack (HTTP/2): abort the response instead
	}
	_ = conn.Close()
}

// throttledWriter writes the body in chunks, each when the shared link has
// carried it at rate, and flushes each so the browser receives it then.
// It does not implement io.ReaderFrom, so a file is copied through Write too.
type throttledWriter struct {
	http.ResponseWriter
	ctx  context.Context
	link *link
	rate int64
}

// chunkSize is about 50 ms of the rate: smooth enough to watch, few enough writes.
func chunkSize(rate int64) int {
	return int(min(max(rate/20, 512), 64<<10))
}

func (t *throttledWriter) Write(p []byte) (int, error) {
	written := 0
	size := chunkSize(t.rate)
	for len(p) > 0 {
		c := p[:min(len(p), size)]
		t.link.send(t.ctx, len(c), t.rate)
		if err := t.ctx.Err(); err != nil {
			return written, err
		}
		n, err := t.ResponseWriter.Write(c)
		written += n
		if err != nil {
			return written, err
		}
		_ = http.NewResponseController(t.ResponseWriter).Flush()
		p = p[n:]
	}
	return written, nil
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (t *throttledWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// link is one shared connection to the browser: each chunk reserves it for
// len/rate after the reservations before it, and is written once its
// reservation has passed. Concurrent responses so share the bandwidth chunk by
// chunk, as on a real link, and a download of n bytes takes at least n/rate.
// Safe for concurrent use.
type link struct {
	now  func() time.Time
	wait func(context.Context, time.Duration) // sleeps for d or until ctx ends

	mu   sync.Mutex
	free time.Time // when the last reservation ends
}

// reserve books the link for n bytes at rate bytes/s and returns when they
// will have crossed it.
func (l *link) reserve(n int, rate int64) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := l.now()
	if l.free.After(start) {
		start = l.free
	}
	l.free = start.Add(time.Duration(float64(n) / float64(rate) * float64(time.Second)))
	return l.free
}

// send reserves the link for n bytes and waits until they have crossed it (or
// ctx ends).
func (l *link) send(ctx context.Context, n int, rate int64) {
	done := l.reserve(n, rate)
	if d := done.Sub(l.now()); d > 0 {
		l.wait(ctx, d)
	}
}
