//go:build !(js && wasm)

// The bench server is a host program: its tests listen on loopback, which a js/wasm test binary cannot.

package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDocumentSizeAndJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int
	}{
		{"tiny", 2},
		{"below a row", 80},
		{"1 KB", 1024},
		{"100 KB", 100 << 10},
		{"1 MB", 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := document(tc.size, "seed")
			assert.Len(t, b, tc.size)
			assert.True(t, json.Valid(b), "document(%d) is not valid JSON", tc.size)
			assert.Equal(t, b, document(tc.size, "seed"), "not deterministic")
		})
	}
}

func TestBlobConditional(t *testing.T) {
	srv := httptest.NewServer(newMux(dirs{dist: t.TempDir(), root: t.TempDir(), floor: t.TempDir()}))
	defer srv.Close()
	get := func(uri, inm string) *http.Response {
		req, err := http.NewRequest(http.MethodGet, srv.URL+uri, nil)
		require.NoError(t, err)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res
	}
	for _, tc := range []struct {
		name, uri, inm string
		want           int
	}{
		{"fetch", "/api/blob?size=1000&id=1", "", 200},
		{"same etag", "/api/blob?size=1000&id=1", `"b-1000-1-"`, 304},
		{"weak same etag", "/api/blob?size=1000&id=1", `W/"b-1000-1-"`, 304},
		{"in a list", "/api/blob?size=1000&id=1", `"x", "b-1000-1-"`, 304},
		{"other etag", "/api/blob?size=1000&id=1", `"b-1000-2-"`, 200},
		{"bad size", "/api/blob?size=x", "", 400},
		{"huge size", "/api/blob?size=999999999", "", 400},
		{"item", "/api/item/7", `"i-7"`, 304},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, get(tc.uri, tc.inm).StatusCode)
		})
	}
	res, err := http.Get(srv.URL + "/_stats?uri=" + "/api/blob%3Fsize%3D1000%26id%3D1")
	require.NoError(t, err)
	defer res.Body.Close()
	var c count
	require.NoError(t, json.NewDecoder(res.Body).Decode(&c))
	assert.Equal(t, count{Requests: 5, OK: 2, NotModified: 3}, c)
}
