package main

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"sync/atomic"
	"time"
)

// options configure the demo server. The zero value serves the API without
// latency, no built files, and the real clock.
type options struct {
	// Dist holds the built files (etag-cache.js, etag-cache.wasm, ...); nil
	// serves none, and the page reports that `make build` has not run.
	Dist fs.FS
	// Latency delays every sample-API response (not control endpoints, not
	// static files); 0 means none. Changeable at run time. It comes on top of
	// the browser's network (network.go), which slows every response.
	Latency time.Duration
	// Now is the clock stamping edits; default time.Now.
	Now func() time.Time
	// Wait sleeps for d or until ctx ends; default a timer. It times the
	// latency and the Slow 3G network's round trips and pacing (network.go).
	// Tests replace it to observe them without sleeping.
	Wait func(ctx context.Context, d time.Duration)
}

// server is the demo's HTTP handler: the page, the built files, the sample
// API and its demo/test-only control endpoints, all behind each browser's
// chosen network (network.go). Safe for concurrent use.
type server struct {
	opts    options
	grades  *gradeBook
	latency atomic.Int64 // nanoseconds
	hold    gate
	module  moduleControl
	echo    echoes // DEMO/TEST-ONLY: /api/_test/echo's request counts (testapi.go)
	idem    idempotency
	log     requestLog
	net     *network // DEMO-ONLY: Fast, Slow 3G, Offline per browser
	mux     *http.ServeMux
	handler http.Handler // mux behind net
}

func newServer(opts options) *server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Wait == nil {
		opts.Wait = sleepCtx
	}
	s := &server{opts: opts, grades: newGradeBook(opts.Now), mux: http.NewServeMux(),
		net: newNetwork(slow3G, time.Now, opts.Wait)}
	s.latency.Store(int64(opts.Latency))
	s.handler = s.net.wrap(s.mux)

	s.mux.HandleFunc("/api/grades/", s.withAPI(s.handleGrades))
	s.mux.HandleFunc("/api/_control/", s.handleControl)
	s.mux.HandleFunc("/api/_test/", s.withAPI(s.handleTest))
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{"Not found."})
	})
	s.mux.Handle("/demo/", readOnly(pageFiles()))
	s.mux.Handle("/{$}", readOnly(http.HandlerFunc(servePage)))
	s.mux.Handle("/sw.js", readOnly(http.HandlerFunc(s.serveServiceWorker)))
	s.mux.Handle("/", readOnly(s.module.wrap(distFiles(opts.Dist))))
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// withAPI logs the request (before it is answered, so tests can see pending
// revalidations), then applies the configured latency and waits while the
// hold gate is closed.
func (s *server) withAPI(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		done := s.log.start(r)
		defer func() { done(rec.status) }()
		if d := time.Duration(s.latency.Load()); d > 0 {
			s.opts.Wait(r.Context(), d)
		}
		s.hold.pass(r.Context())
		h(rec, r)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// apiError is DRF's error body shape.
type apiError struct {
	Detail string `json:"detail"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
