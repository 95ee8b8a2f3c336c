package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServer(t *testing.T) {
	srv := httptest.NewServer(newServer())
	defer srv.Close()
	do := func(method, path string, hdr ...string) *http.Response {
		req, err := http.NewRequest(method, srv.URL+path, nil)
		require.NoError(t, err)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { res.Body.Close() })
		return res
	}

	tests := []struct {
		name, method, path string
		hdr                []string
		status             int
		expose             bool
	}{
		{"preflight", "OPTIONS", "/expose/a", []string{"Origin", "http://page", "Access-Control-Request-Headers", "if-none-match"}, 204, false},
		{"expose full", "GET", "/expose/a", []string{"Origin", "http://page"}, 200, true},
		{"expose 304", "GET", "/expose/a", []string{"If-None-Match", `"v0"`}, 304, true},
		{"expose weak 304", "GET", "/expose/a", []string{"If-None-Match", `W/"v0"`}, 304, true},
		{"expose stale tag", "GET", "/expose/a", []string{"If-None-Match", `"v9"`}, 200, true},
		{"ims 304", "GET", "/expose/a", []string{"If-Modified-Since", "Tue, 01 Oct 2024 10:00:00 GMT"}, 304, true},
		{"noexpose has no last-modified", "GET", "/noexpose/a", []string{"If-Modified-Since", "Tue, 01 Oct 2024 10:00:00 GMT"}, 200, false},
		{"noexpose full", "GET", "/noexpose/a", nil, 200, false},
		{"stubborn ignores If-None-Match", "GET", "/stubborn/a", []string{"If-None-Match", `"same"`}, 200, true},
		{"unknown", "GET", "/other", nil, 404, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(tt.method, tt.path, tt.hdr...)
			assert.Equal(t, tt.status, res.StatusCode)
			assert.Equal(t, "7200", res.Header.Get("Access-Control-Max-Age"))
			assert.Contains(t, res.Header.Get("Access-Control-Allow-Headers"), "If-None-Match")
			if tt.expose {
				assert.Equal(t, "ETag, Last-Modified", res.Header.Get("Access-Control-Expose-Headers"))
			} else {
				assert.Empty(t, res.Header.Get("Access-Control-Expose-Headers"))
			}
			if tt.status == 304 {
				b, _ := io.ReadAll(res.Body)
				assert.Empty(t, b)
			}
		})
	}
	res := do("GET", "/expose/a", "Origin", "http://page")
	assert.Equal(t, "http://page", res.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "true", res.Header.Get("Access-Control-Allow-Credentials"))

	do("POST", "/bump?path=/expose/a")
	res = do("GET", "/expose/a", "If-None-Match", `"v0"`)
	assert.Equal(t, 200, res.StatusCode)
	assert.Equal(t, `"v1"`, res.Header.Get("ETag"))

	var logs []logged
	require.NoError(t, json.NewDecoder(do("GET", "/log?prefix=/expose/").Body).Decode(&logs))
	require.Len(t, logs, 8)
	assert.Equal(t, "OPTIONS", logs[0].Method)
	assert.Equal(t, `"v0"`, logs[2].Header["if-none-match"])

	do("POST", "/reset")
	require.NoError(t, json.NewDecoder(do("GET", "/log").Body).Decode(&logs))
	assert.Empty(t, logs)
	assert.Equal(t, `"v0"`, do("GET", "/expose/a").Header.Get("ETag"))
}
