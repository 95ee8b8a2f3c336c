package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/etagcache/etag-cache/internal/httprules"
)

// maxBody bounds the size a client may ask /api/blob for.
const maxBody = 8 << 20

// api serves JSON bodies of chosen sizes with ETags, and counts requests.
// It is safe for concurrent use.
type api struct {
	mu     sync.Mutex
	bodies map[string][]byte // "size/id" -> body
	counts map[string]*count // request URI -> counts
	total  count
}

type count struct {
	Requests    int `json:"requests"`
	OK          int `json:"ok"`
	NotModified int `json:"notModified"`
}

func newAPI() *api {
	return &api{bodies: map[string][]byte{}, counts: map[string]*count{}}
}

// blob answers /api/blob?size=N&id=K[&rev=R]: a JSON document of about N
// bytes (a DRF-like page of grade rows), the same bytes for the same size, id
// and rev, with ETag "b-N-K-R".
func (a *api) blob(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size, err := strconv.Atoi(q.Get("size"))
	if err != nil || size < 2 || size > maxBody {
		http.Error(w, "size must be an integer in [2, 8 MiB]", http.StatusBadRequest)
		return
	}
	id, rev := q.Get("id"), q.Get("rev")
	a.serve(w, r, fmt.Sprintf(`"b-%d-%s-%s"`, size, id, rev), func() []byte { return document(size, id+"/"+rev) })
}

// item answers /api/item/K: a small JSON object (~1 KB) with ETag "i-K".
func (a *api) item(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/api/item/")
	a.serve(w, r, `"i-`+id+`"`, func() []byte { return document(1024, "item/"+id) })
}

// serve answers with body() under etag, or 304 when If-None-Match matches
// (weak comparison, RFC 9110 section 13.1.2), and counts the request.
func (a *api) serve(w http.ResponseWriter, r *http.Request, etag string, body func() []byte) {
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Content-Type", "application/json")
	h.Set("Vary", "Accept, Cookie")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if httprules.NotModified(r.Header.Get("If-None-Match"), etag) {
		a.count(r.URL.RequestURI(), http.StatusNotModified)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	a.count(r.URL.RequestURI(), http.StatusOK)
	b := a.body(etag, body)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

func (a *api) body(key string, make func() []byte) []byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	b, ok := a.bodies[key]
	if !ok {
		b = make()
		if len(b) >= 64<<10 { // keep the big ones; small ones are cheap to rebuild
			a.bodies[key] = b
		}
	}
	return b
}

func (a *api) count(uri string, status int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.counts[uri]
	if c == nil {
		c = &count{}
		a.counts[uri] = c
	}
	for _, c := range []*count{c, &a.total} {
		c.Requests++
		if status == http.StatusNotModified {
			c.NotModified++
		} else {
			c.OK++
		}
	}
}

// stats answers /_stats[?uri=U]: the counts of one request URI, or the totals.
func (a *api) stats(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	c := a.total
	if u := r.URL.Query().Get("uri"); u != "" {
		c = count{}
		if p := a.counts[u]; p != nil {
			c = *p
		}
	}
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(c)
}

// reset answers /_reset: forget every count.
func (a *api) reset(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.counts = map[string]*count{}
	a.total = count{}
	a.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}
