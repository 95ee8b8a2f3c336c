package main

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/etagcache/etag-cache/internal/httprules"
)

// Writes the way the school system's DRF views take them: a grade's ETag is
// its Updated time; PUT/PATCH/POST on /api/grades/<id>/ with an If-Match
// that no longer matches answer 412 Precondition Failed with the current
// grade; a request carrying an Idempotency-Key already applied gets the first
// answer again and changes nothing.

// gradeETag is the strong ETag of one grade.
func gradeETag(g grade) string { return fmt.Sprintf(`"grade_%d_%d"`, g.ID, g.Updated.UnixNano()) }

// get returns row id.
func (b *gradeBook) get(id int) (grade, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	g, ok := b.rows[id]
	return g, ok
}

// idempotency remembers the answers of applied writes by Idempotency-Key.
type idempotency struct {
	mu      sync.Mutex
	answers map[string]answer
	applied map[string]int // DEMO/TEST-ONLY: how often each key was applied (/api/_test/applied)
}

type answer struct {
	status int
	body   grade
	etag   string
}

func (s *server) showGrade(w http.ResponseWriter, r *http.Request, id int) {
	g, ok := s.grades.get(id)
	if !ok {
		writeJSON(w, http.StatusNotFound, apiError{"Not found."})
		return
	}
	etag := gradeETag(g)
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, no-cache")
	if httprules.NotModified(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, g)
}

// precondition answers a write to grade id whose If-Match no longer matches
// (412 with the current grade) or whose Idempotency-Key was applied already
// (the first answer); done says the request has been answered.
func (s *server) precondition(w http.ResponseWriter, r *http.Request, id int) (done bool) {
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		s.idem.mu.Lock()
		a, ok := s.idem.answers[key]
		s.idem.mu.Unlock()
		if ok {
			w.Header().Set("ETag", a.etag)
			w.Header().Set("Idempotent-Replayed", "true")
			writeJSON(w, a.status, a.body)
			return true
		}
	}
	im := r.Header.Get("If-Match")
	if im == "" {
		return false
	}
	g, ok := s.grades.get(id)
	if !ok {
		writeJSON(w, http.StatusNotFound, apiError{"Not found."})
		return true
	}
	if cur := gradeETag(g); !ifMatch(im, cur) {
		w.Header().Set("ETag", cur)
		writeJSON(w, http.StatusPreconditionFailed, g)
		return true
	}
	return false
}

// ifMatch reports whether an If-Match value matches the current ETag under
// strong comparison (RFC 9110 §13.1.1); a malformed value matches nothing.
func ifMatch(header, current string) bool {
	m, ok := httprules.ParseIfNoneMatch(header) // the same list grammar
	if !ok {
		return false
	}
	if m.Any {
		return true
	}
	e, ok := httprules.ParseETag(current)
	if !ok {
		return false
	}
	for _, t := range m.Tags {
		if httprules.StrongMatch(t, e) {
			return true
		}
	}
	return false
}

// applied records the answer of an applied write under its Idempotency-Key.
func (s *server) applied(r *http.Request, g grade) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return
	}
	s.idem.mu.Lock()
	defer s.idem.mu.Unlock()
	if s.idem.answers == nil {
		s.idem.answers, s.idem.applied = map[string]answer{}, map[string]int{}
	}
	s.idem.answers[key] = answer{status: http.StatusOK, body: g, etag: gradeETag(g)}
	s.idem.applied[key]++
}

// handleApplied answers GET /api/_test/applied?key=K with {"applied": n}.
func (s *server) handleApplied(w http.ResponseWriter, r *http.Request) {
	s.idem.mu.Lock()
	n := s.idem.applied[r.URL.Query().Get("key")]
	s.idem.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]int{"applied": n})
}
