//go:build !(js && wasm)

package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAcceptsBrotli(t *testing.T) {
	for _, tc := range []struct {
		accept string
		want   bool
	}{
		{"", false},
		{"gzip, deflate", false},
		{"gzip, deflate, br, zstd", true}, // what Chromium sends
		{"BR", true},
		{"br;q=0.5", true},
		{"br;q=0", false},
		{"br; q=0.0, gzip", false},
		{"*", true},
		{"*;q=0", false},
		{"br;q=0, *", false}, // the explicit entry wins
		{"gzip, *;q=0.1", true},
		{"bro", false},
	} {
		assert.Equal(t, tc.want, acceptsBrotli(tc.accept), "Accept-Encoding: %q", tc.accept)
	}
}

func TestStaticBrotli(t *testing.T) {
	dist, br := t.TempDir(), t.TempDir()
	write := func(p, body string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	write(filepath.Join(dist, "m.wasm"), "raw wasm")
	write(filepath.Join(dist, "a.js"), "raw js")
	write(filepath.Join(dist, "plain.js"), "no br copy")
	write(filepath.Join(br, "dist", "m.wasm.br"), "br wasm") // the server sends the copy as is
	write(filepath.Join(br, "dist", "a.js.br"), "br js")
	write(filepath.Join(br, "secret.br"), "outside dist")
	srv := httptest.NewServer(newMux(dirs{dist: dist, root: t.TempDir(), floor: t.TempDir(), br: br}))
	defer srv.Close()
	get := func(uri, accept string) (*http.Response, string) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+uri, nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Encoding", accept) // set explicitly: the transport then decodes nothing
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, string(b)
	}
	for _, tc := range []struct {
		name, uri, accept     string
		body, encoding, ctype string
	}{
		{"wasm as br", "/dist/m.wasm", "gzip, br", "br wasm", "br", "application/wasm"},
		{"js as br", "/dist/a.js", "br", "br js", "br", "text/javascript; charset=utf-8"},
		{"br not accepted", "/dist/m.wasm", "gzip", "raw wasm", "", "application/wasm"},
		{"br refused", "/dist/a.js", "br;q=0", "raw js", "", "text/javascript; charset=utf-8"},
		{"no br copy", "/dist/plain.js", "br", "no br copy", "", "text/javascript; charset=utf-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := get(tc.uri, tc.accept)
			assert.Equal(t, http.StatusOK, res.StatusCode)
			assert.Equal(t, tc.body, body)
			assert.Equal(t, tc.encoding, res.Header.Get("Content-Encoding"))
			assert.Equal(t, tc.ctype, res.Header.Get("Content-Type"))
			assert.Equal(t, "Accept-Encoding", res.Header.Get("Vary"))
			assert.Equal(t, "require-corp", res.Header.Get("Cross-Origin-Embedder-Policy"))
		})
	}
	// The mux cleans paths before they get here; serveBrotli must not rely on it.
	req := httptest.NewRequest(http.MethodGet, "/dist/x", nil)
	req.URL.Path = "/dist/../secret"
	assert.False(t, serveBrotli(httptest.NewRecorder(), req, "/dist/", filepath.Join(br, "dist")),
		"a path must not escape its prefix's br directory")
}
