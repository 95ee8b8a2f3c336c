package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/etagcache/etag-cache/internal/httprules"
)

// maxBody bounds request bodies of the sample API.
const maxBody = 16 << 10

// handleGrades serves the sample API, which behaves like the users' Django
// REST Framework endpoint:
//
//	GET  /api/grades/       the list, with a strong ETag; If-None-Match equal to it -> 304, empty body
//	POST /api/grades/       {"student","subject","score"} -> 201 and the new row
//	POST /api/grades/<id>/  {"score"} -> 200 and the changed row (PATCH accepted too)
func (s *server) handleGrades(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/api/grades/")
	switch {
	case rest == "" && r.Method == http.MethodGet:
		s.listGrades(w, r)
	case rest == "" && r.Method == http.MethodPost:
		s.addGrade(w, r)
	case rest != "" && (r.Method == http.MethodGet || r.Method == http.MethodPost || r.Method == http.MethodPatch ||
		r.Method == http.MethodPut):
		id, err := strconv.Atoi(strings.TrimSuffix(rest, "/"))
		if err != nil || id <= 0 {
			writeJSON(w, http.StatusNotFound, apiError{"Not found."})
			return
		}
		if r.Method == http.MethodGet {
			s.showGrade(w, r, id)
			return
		}
		if s.precondition(w, r, id) {
			return
		}
		s.editGrade(w, r, id)
	case rest == "":
		w.Header().Set("Allow", "GET, POST")
		writeJSON(w, http.StatusMethodNotAllowed, apiError{`Method "` + r.Method + `" not allowed.`})
	default:
		w.Header().Set("Allow", "GET, POST, PUT, PATCH")
		writeJSON(w, http.StatusMethodNotAllowed, apiError{`Method "` + r.Method + `" not allowed.`})
	}
}

// listGrades answers GET with the list, or 304 when If-None-Match matches the
// current ETag under RFC 9110 §13.1.2 (a list, weak comparison, "*"), as
// Django's ConditionalGetMiddleware and @etag views do.
func (s *server) listGrades(w http.ResponseWriter, r *http.Request) {
	rows, etag := s.grades.list()
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, no-cache")
	if httprules.NotModified(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, rows)
}

type newGrade struct {
	Student *string `json:"student"`
	Subject *string `json:"subject"`
	Score   *int    `json:"score"`
}

func (s *server) addGrade(w http.ResponseWriter, r *http.Request) {
	var in newGrade
	if !decodeBody(w, r, &in) {
		return
	}
	switch {
	case in.Student == nil || strings.TrimSpace(*in.Student) == "":
		writeJSON(w, http.StatusBadRequest, map[string][]string{"student": {"This field is required."}})
	case in.Subject == nil || strings.TrimSpace(*in.Subject) == "":
		writeJSON(w, http.StatusBadRequest, map[string][]string{"subject": {"This field is required."}})
	case !validScore(in.Score):
		writeJSON(w, http.StatusBadRequest, map[string][]string{"score": {"A whole number from 0 to 100 is required."}})
	default:
		writeJSON(w, http.StatusCreated, s.grades.add(*in.Student, *in.Subject, *in.Score))
	}
}

func (s *server) editGrade(w http.ResponseWriter, r *http.Request, id int) {
	var in struct {
		Score *int `json:"score"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if !validScore(in.Score) {
		writeJSON(w, http.StatusBadRequest, map[string][]string{"score": {"A whole number from 0 to 100 is required."}})
		return
	}
	g, ok := s.grades.setScore(id, *in.Score)
	if !ok {
		writeJSON(w, http.StatusNotFound, apiError{"Not found."})
		return
	}
	s.applied(r, g)
	w.Header().Set("ETag", gradeETag(g))
	writeJSON(w, http.StatusOK, g)
}

func validScore(p *int) bool { return p != nil && *p >= 0 && *p <= 100 }

// decodeBody reads a JSON object into v, answering 400 itself when the body
// is missing, too large or malformed.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{"JSON parse error - " + err.Error()})
		return false
	}
	return true
}
