package main

import (
	"net/http"
	"sync"
	"sync/atomic"
)

// DEMO/TEST-ONLY: how the server answers for the wasm module, so the
// end-to-end tests can show a first visit (the module held back) and a module
// that cannot load (missing, or an HTML page where the module should be, as
// an SPA fallback route serves it).
//
//	GET  /api/_control/module                 {"mode": m, "requests": n}
//	POST /api/_control/module {"mode": m}     m: "normal", "hold" (wait until the mode changes), "missing" (404),
//	                                          "html" (200 text/html), "octet" (the module as
//	                                          application/octet-stream, as a misconfigured server sends it)
type moduleControl struct {
	mu       sync.Mutex
	mode     string
	released chan struct{} // closed when the mode leaves "hold"
	requests atomic.Int64  // requests for the module that reached the server
}

func (m *moduleControl) set(mode string) bool {
	switch mode {
	case "normal", "hold", "missing", "html", "octet":
	default:
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mode == "hold" && mode != "hold" {
		close(m.released)
	}
	if mode == "hold" && m.mode != "hold" {
		m.released = make(chan struct{})
	}
	m.mode = mode
	return true
}

func (m *moduleControl) state() (mode string, released chan struct{}) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mode == "" {
		return "normal", nil
	}
	return m.mode, m.released
}

// wrap answers requests for the module per the mode and passes the rest.
func (m *moduleControl) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/etag-cache.wasm" {
			next.ServeHTTP(w, r)
			return
		}
		m.requests.Add(1)
		mode, released := m.state()
		if mode == "hold" {
			select {
			case <-released:
			case <-r.Context().Done():
				return
			}
			mode, _ = m.state()
		}
		switch mode {
		case "missing":
			http.NotFound(w, r)
		case "html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			_, _ = w.Write([]byte("<!doctype html><title>app</title><p>the app shell</p>\n"))
		case "octet":
			next.ServeHTTP(octetWriter{w}, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// octetWriter sends whatever it serves as application/octet-stream.
type octetWriter struct{ http.ResponseWriter }

func (o octetWriter) WriteHeader(code int) {
	o.Header().Set("Content-Type", "application/octet-stream")
	o.ResponseWriter.WriteHeader(code)
}

func (o octetWriter) Write(p []byte) (int, error) {
	if o.Header().Get("Content-Type") != "application/octet-stream" {
		o.WriteHeader(http.StatusOK)
	}
	return o.ResponseWriter.Write(p)
}
