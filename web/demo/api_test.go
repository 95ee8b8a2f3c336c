package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixedClock never moves, so edits only differ by the ETag's tie-breaking.
func fixedClock() time.Time { return time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC) }

func newTestServer(t *testing.T, opts options) *httptest.Server {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedClock
	}
	if opts.Wait == nil {
		opts.Wait = func(context.Context, time.Duration) { panic("latency is off in tests") }
	}
	ts := httptest.NewServer(newServer(opts))
	t.Cleanup(ts.Close)
	return ts
}

func do(t *testing.T, ts *httptest.Server, method, path, body string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := ts.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

func listETag(t *testing.T, ts *httptest.Server) (string, []grade) {
	t.Helper()
	res, body := do(t, ts, "GET", "/api/grades/", "")
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	var rows []grade
	require.NoError(t, json.Unmarshal([]byte(body), &rows))
	return res.Header.Get("ETag"), rows
}

func TestListGrades(t *testing.T) {
	ts := newTestServer(t, options{})
	res, body := do(t, ts, "GET", "/api/grades/", "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
	assert.Equal(t, "private, no-cache", res.Header.Get("Cache-Control"))
	assert.Equal(t, `"grades_12_1736151060000000000"`, res.Header.Get("ETag"), "count 12, newest seed row 08:11 UTC")

	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &rows))
	require.Len(t, rows, 12)
	assert.Equal(t, map[string]any{"id": 1.0, "student": "Ayesha Khan", "subject": "Mathematics",
		"score": 78.0, "updated": "2025-01-06T08:00:00Z"}, rows[0])
	_, err := time.Parse(time.RFC3339, rows[11]["updated"].(string))
	assert.NoError(t, err)
}

func TestConditionalGet(t *testing.T) {
	ts := newTestServer(t, options{})
	etag, _ := listETag(t, ts)
	tests := []struct {
		name        string
		ifNoneMatch string
		want        int
	}{
		{"exact match", etag, http.StatusNotModified},
		{"no header", "", http.StatusOK},
		{"other tag", `"grades_1_1"`, http.StatusOK},
		{"unquoted", strings.Trim(etag, `"`), http.StatusOK},
		{"weak form matches (weak comparison)", "W/" + etag, http.StatusNotModified},
		{"list holding it", `"x", ` + etag, http.StatusNotModified},
		{"star", "*", http.StatusNotModified},
		{"garbage", `,;"`, http.StatusOK},
		{"10 KB header", strings.Repeat("x", 10<<10), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.ifNoneMatch != "" {
				hdr = []string{"If-None-Match", tt.ifNoneMatch}
			}
			res, body := do(t, ts, "GET", "/api/grades/", "", hdr...)
			require.Equal(t, tt.want, res.StatusCode)
			assert.Equal(t, etag, res.Header.Get("ETag"))
			assert.Equal(t, "private, no-cache", res.Header.Get("Cache-Control"))
			if tt.want == http.StatusNotModified {
				assert.Empty(t, body)
			}
		})
	}
}

func TestETagChangesOnWrites(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantChange               bool
	}{
		{"add", "POST", "/api/grades/", `{"student":"Zed","subject":"Art","score":50}`, http.StatusCreated, true},
		{"edit", "POST", "/api/grades/3/", `{"score":12}`, http.StatusOK, true},
		{"edit with PATCH", "PATCH", "/api/grades/3/", `{"score":13}`, http.StatusOK, true},
		{"edit to the same score still touches updated", "POST", "/api/grades/1/", `{"score":78}`, http.StatusOK, true},
		{"edit unknown id", "POST", "/api/grades/999/", `{"score":12}`, http.StatusNotFound, false},
		{"edit bad id", "POST", "/api/grades/abc/", `{"score":12}`, http.StatusNotFound, false},
		{"edit score out of range", "POST", "/api/grades/3/", `{"score":101}`, http.StatusBadRequest, false},
		{"edit score missing", "POST", "/api/grades/3/", `{}`, http.StatusBadRequest, false},
		{"edit malformed JSON", "POST", "/api/grades/3/", `{"score":`, http.StatusBadRequest, false},
		{"edit score not a number", "POST", "/api/grades/3/", `{"score":"90"}`, http.StatusBadRequest, false},
		{"add without student", "POST", "/api/grades/", `{"subject":"Art","score":50}`, http.StatusBadRequest, false},
		{"add blank subject", "POST", "/api/grades/", `{"student":"Zed","subject":"  ","score":50}`, http.StatusBadRequest, false},
		{"add empty body", "POST", "/api/grades/", ``, http.StatusBadRequest, false},
		{"add JSON array", "POST", "/api/grades/", `[]`, http.StatusBadRequest, false},
		{"delete not allowed", "DELETE", "/api/grades/", ``, http.StatusMethodNotAllowed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The clock is frozen: a changed ETag proves the tie-breaking works
			// for writes within the same instant.
			ts := newTestServer(t, options{})
			before, rowsBefore := listETag(t, ts)
			res, body := do(t, ts, tt.method, tt.path, tt.body, "Content-Type", "application/json")
			require.Equal(t, tt.wantStatus, res.StatusCode, body)
			after, rowsAfter := listETag(t, ts)
			if !tt.wantChange {
				assert.Equal(t, before, after)
				assert.Equal(t, rowsBefore, rowsAfter)
				return
			}
			assert.NotEqual(t, before, after)
			res, _ = do(t, ts, "GET", "/api/grades/", "", "If-None-Match", before)
			assert.Equal(t, http.StatusOK, res.StatusCode, "the old ETag no longer matches")
			res, _ = do(t, ts, "GET", "/api/grades/", "", "If-None-Match", after)
			assert.Equal(t, http.StatusNotModified, res.StatusCode)
		})
	}
}

func TestEditChangesRowAndStaysOrdered(t *testing.T) {
	ts := newTestServer(t, options{})
	e0, _ := listETag(t, ts)
	res, body := do(t, ts, "POST", "/api/grades/2/", `{"score":99}`)
	require.Equal(t, http.StatusOK, res.StatusCode)
	var g grade
	require.NoError(t, json.Unmarshal([]byte(body), &g))
	assert.Equal(t, 99, g.Score)
	assert.Equal(t, "Bilal Ahmed", g.Student)
	assert.True(t, g.Updated.After(seedEpoch.Add(11*time.Minute)), "updated %v moved past the newest row", g.Updated)

	e1, _ := listETag(t, ts)
	do(t, ts, "POST", "/api/grades/2/", `{"score":98}`)
	e2, rows := listETag(t, ts)
	assert.Len(t, map[string]bool{e0: true, e1: true, e2: true}, 3, "three writes, three ETags")
	for i, r := range rows {
		assert.Equal(t, i+1, r.ID)
	}
	assert.Equal(t, 98, rows[1].Score)
}
