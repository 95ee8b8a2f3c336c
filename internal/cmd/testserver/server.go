package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/etagcache/etag-cache/internal/httprules"
)

// baseModified is the Last-Modified of version 0 of every resource; each
// bump adds a minute.
var baseModified = time.Date(2024, 10, 1, 10, 0, 0, 0, time.UTC)

// logged is one recorded request.
type logged struct {
	Method string            `json:"method"`
	Path   string            `json:"path"`
	Header map[string]string `json:"header"`
}

type server struct {
	mu       sync.Mutex
	log      []logged
	versions map[string]int
}

func newServer() *server { return &server{versions: map[string]int{}} }

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if o := r.Header.Get("Origin"); o != "" {
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Add("Vary", "Origin")
	} else {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	h.Set("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since, Authorization, Content-Type")
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Max-Age", "7200")

	switch {
	case r.URL.Path == "/log":
		s.serveLog(w, r)
		return
	case r.URL.Path == "/reset":
		s.mu.Lock()
		s.log, s.versions = nil, map[string]int{}
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}

	s.record(r)
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	switch {
	case r.URL.Path == "/bump":
		s.mu.Lock()
		s.versions[r.URL.Query().Get("path")]++
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/hang":
		select { // until the client gives up (or 30 s)
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	case strings.HasPrefix(r.URL.Path, "/expose/"):
		h.Set("Access-Control-Expose-Headers", "ETag, Last-Modified")
		s.serveResource(w, r, true)
	case strings.HasPrefix(r.URL.Path, "/noexpose/"):
		s.serveResource(w, r, false)
	case strings.HasPrefix(r.URL.Path, "/stubborn/"):
		// Ignores If-None-Match: 200 with the same ETag and body every time.
		h.Set("Access-Control-Expose-Headers", "ETag, Last-Modified")
		h.Set("ETag", `"same"`)
		h.Set("Cache-Control", "private, no-cache")
		h.Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q,"pad":%q}`, r.URL.Path, strings.Repeat("x", 100))
	default:
		http.NotFound(w, r)
	}
}

func (s *server) record(r *http.Request) {
	hdr := map[string]string{}
	for k, v := range r.Header {
		hdr[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	s.mu.Lock()
	s.log = append(s.log, logged{Method: r.Method, Path: r.URL.Path, Header: hdr})
	s.mu.Unlock()
}

func (s *server) serveLog(w http.ResponseWriter, r *http.Request) {
	prefix := r.URL.Query().Get("prefix")
	s.mu.Lock()
	out := []logged{}
	for _, l := range s.log {
		if strings.HasPrefix(l.Path, prefix) {
			out = append(out, l)
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// serveResource answers GET with the current version of the resource at the
// request path, or 304 when the request's validators match it. Without
// withLM it sends only an ETag: Last-Modified is a CORS-safelisted response
// header, always visible to JS, so a hidden ETag only matters on servers
// that send no Last-Modified (as DRF views with an ETag usually do).
func (s *server) serveResource(w http.ResponseWriter, r *http.Request, withLM bool) {
	s.mu.Lock()
	v := s.versions[r.URL.Path]
	s.mu.Unlock()
	etag := fmt.Sprintf(`"v%d"`, v)
	modified := baseModified.Add(time.Duration(v) * time.Minute)
	h := w.Header()
	h.Set("ETag", etag)
	if withLM {
		h.Set("Last-Modified", modified.Format(http.TimeFormat))
	}
	h.Set("Cache-Control", "private, no-cache")
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if httprules.NotModified(inm, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else if t, err := http.ParseTime(r.Header.Get("If-Modified-Since")); withLM && err == nil && !modified.After(t) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"path":%q,"version":%d}`, r.URL.Path, v)
}
