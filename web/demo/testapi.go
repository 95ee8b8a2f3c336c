package main

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/etagcache/etag-cache/internal/httprules"
)

// DEMO/TEST-ONLY endpoints of the end-to-end tests (web/e2e): responses of a
// chosen size, and responses that name the request they answer. A real backend
// has nothing like them. They go through withAPI like the sample API (logged,
// delayed by the latency, held by the hold switch), and answer If-None-Match
// equal to their current ETag with 304.
//
//	GET /api/_test/blob?size=N&id=X   a JSON object of exactly N bytes (minBlob..maxBlob),
//	                                  {"id":X,"size":N,"pad":"..."}, the padding pseudo-random
//	                                  (so a store that compresses cannot shrink it much) and
//	                                  the same for the same id and size; a strong ETag naming
//	                                  id and size. Cache-Control: private, no-cache.
//	GET /api/_test/echo?id=N          {"ns":…,"v":…,"id":N,"n":g}: ns and v echo the request
//	                                  headers X-Namespace and X-App-Version, g is the id's
//	                                  generation, which moves on every echoEvery-th request for
//	                                  that id (any namespace). The ETag names ns, v, id and g;
//	                                  Vary names both headers. POST /api/_control/reset sets
//	                                  every generation back to 0.
//	GET /api/_test/lang               {"lang":"ur"|"en","greeting":…}: Urdu when Accept-Language
//	                                  starts with "ur", else English, as Django's LocaleMiddleware
//	                                  picks; Vary: Accept-Language and an ETag per language.
func (s *server) handleTest(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, apiError{`Method "` + r.Method + `" not allowed.`})
		return
	}
	switch r.URL.Path {
	case "/api/_test/blob":
		serveBlob(w, r)
	case "/api/_test/echo":
		s.echo.serve(w, r)
	case "/api/_test/applied":
		s.handleApplied(w, r)
	case "/api/_test/lang":
		serveLang(w, r)
	default:
		writeJSON(w, http.StatusNotFound, apiError{"Not found."})
	}
}

// Bounds of /api/_test/blob's size (an object with a long id needs more than
// minBlob), and a size no test needs more than.
const (
	minBlob = 64
	maxBlob = 64 << 20
)

func serveBlob(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size, err := strconv.Atoi(q.Get("size"))
	if err != nil || size < minBlob || size > maxBlob {
		writeJSON(w, http.StatusBadRequest, apiError{fmt.Sprintf("size must be a whole number from %d to %d", minBlob, maxBlob)})
		return
	}
	id := q.Get("id")
	if id == "" || len(id) > 64 || !isPlainID(id) {
		writeJSON(w, http.StatusBadRequest, apiError{"id must be 1 to 64 letters, digits, '-' or '_'"})
		return
	}
	if size < len(blobHead(id, size))+len(blobTail) {
		writeJSON(w, http.StatusBadRequest, apiError{"size is too small to hold the id"})
		return
	}
	etag := fmt.Sprintf(`"blob-%s-%d"`, id, size)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, no-cache")
	if httprules.NotModified(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(size))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(blobBody(id, size))
}

// isPlainID reports whether id needs no JSON escaping.
func isPlainID(id string) bool {
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func blobHead(id string, size int) string { return fmt.Sprintf(`{"id":%q,"size":%d,"pad":"`, id, size) }

const blobTail = `"}`

// blobBody is {"id":id,"size":size,"pad":"…"} of exactly size bytes (id
// plain, size enough for the fields): the padding is letters, digits, '-'
// and '_' from a generator seeded by id and size.
func blobBody(id string, size int) []byte {
	b := make([]byte, 0, size)
	b = append(b, blobHead(id, size)...)
	h := fnv.New64a()
	_, _ = fmt.Fprintf(h, "%s/%d", id, size)
	x := h.Sum64() | 1
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_" // 64: 6 bits a step
	for len(b) < size-len(blobTail) {
		// xorshift64*
		x ^= x >> 12
		x ^= x << 25
		x ^= x >> 27
		b = append(b, alphabet[(x*2685821657736338717)>>58])
	}
	return append(b, blobTail...)
}

// echoEvery is how many requests for one echo id share a generation.
const echoEvery = 3

// echoes counts the requests of each /api/_test/echo id. Safe for concurrent
// use; the zero value is ready.
type echoes struct {
	mu    sync.Mutex
	count map[int]int
}

func (e *echoes) reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.count = nil
}

// next counts a request for id and returns the generation it is answered with.
func (e *echoes) next(id int) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.count == nil {
		e.count = make(map[int]int)
	}
	n := e.count[id]
	e.count[id] = n + 1
	return n / echoEvery
}

type echoBody struct {
	NS string `json:"ns"`
	V  string `json:"v"`
	ID int    `json:"id"`
	N  int    `json:"n"`
}

func (e *echoes) serve(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil || id < 0 || id > 1_000_000 {
		writeJSON(w, http.StatusBadRequest, apiError{"id must be a whole number from 0 to 1000000"})
		return
	}
	body := echoBody{NS: r.Header.Get("X-Namespace"), V: r.Header.Get("X-App-Version"), ID: id, N: e.next(id)}
	// The validator names everything the body holds; %q keeps the parts apart
	// (an ETag may hold any character but '"', which %x of the quoted parts avoids).
	etag := fmt.Sprintf(`"echo-%d-%d-%x"`, id, body.N, fmt.Sprintf("%q|%q", body.NS, body.V))
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Vary", "X-Namespace, X-App-Version")
	if httprules.NotModified(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func serveLang(w http.ResponseWriter, r *http.Request) {
	lang, greeting := "en", "Good morning"
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))), "ur") {
		lang, greeting = "ur", "صبح بخیر"
	}
	etag := `"lang-` + lang + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Vary", "Accept-Language")
	h.Set("Content-Language", lang)
	if httprules.NotModified(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"lang": lang, "greeting": greeting})
}
