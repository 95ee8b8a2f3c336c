package main

import (
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStaticFiles(t *testing.T) {
	dist := fstest.MapFS{
		"etag-cache.js":   {Data: []byte("export const x = 1;"), ModTime: fixedClock()},
		"etag-cache.wasm": {Data: []byte("\x00asm\x01\x00\x00\x00"), ModTime: fixedClock()},
		"etag-cache.d.ts": {Data: []byte("export {};"), ModTime: fixedClock()},
		"secret.txt":      {Data: []byte("no")},
		"sub/x.js":        {Data: []byte("x")},
	}
	ts := newTestServer(t, options{Dist: dist})
	tests := []struct {
		name, path, wantType, wantBody string
		wantStatus                     int
	}{
		{"wasm", "/etag-cache.wasm", "application/wasm", "\x00asm\x01\x00\x00\x00", 200},
		{"module", "/etag-cache.js", "text/javascript; charset=utf-8", "export const x = 1;", 200},
		{"declarations", "/etag-cache.d.ts", "text/plain; charset=utf-8", "export {};", 200},
		{"page", "/", "text/html; charset=utf-8", "", 200},
		{"page script", "/demo/demo.js", "text/javascript; charset=utf-8", "", 200},
		{"missing", "/wasm_exec.js", "", "", 404},
		{"unknown extension", "/secret.txt", "", "", 404},
		{"traversal", "/../go.mod", "", "", 404},
		{"directory", "/sub", "", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := do(t, ts, "GET", tt.path, "")
			require.Equal(t, tt.wantStatus, res.StatusCode, body)
			if tt.wantStatus != 200 {
				return
			}
			assert.Equal(t, tt.wantType, res.Header.Get("Content-Type"))
			assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"))
			if tt.wantBody != "" {
				assert.Equal(t, tt.wantBody, body)
			}
			if etag := res.Header.Get("ETag"); etag != "" {
				res, _ := do(t, ts, "GET", tt.path, "", "If-None-Match", etag)
				assert.Equal(t, http.StatusNotModified, res.StatusCode)
			}
		})
	}
	t.Run("no dist", func(t *testing.T) {
		ts := newTestServer(t, options{})
		res, _ := do(t, ts, "GET", "/etag-cache.js", "")
		assert.Equal(t, http.StatusNotFound, res.StatusCode)
	})
}
