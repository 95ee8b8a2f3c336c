package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBlobHasTheAskedSizeAndAStableETag(t *testing.T) {
	ts := newTestServer(t, options{})
	for _, size := range []int{minBlob, 65, 1000, 400_000} {
		res, body := do(t, ts, "GET", "/api/_test/blob?size="+strconv.Itoa(size)+"&id=a-1", "")
		require.Equal(t, http.StatusOK, res.StatusCode, body)
		assert.Len(t, body, size)
		assert.Equal(t, strconv.Itoa(size), res.Header.Get("Content-Length"))
		assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
		assert.Equal(t, "private, no-cache", res.Header.Get("Cache-Control"))
		assert.Equal(t, `"blob-a-1-`+strconv.Itoa(size)+`"`, res.Header.Get("ETag"))
		var v struct {
			ID   string `json:"id"`
			Size int    `json:"size"`
			Pad  string `json:"pad"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &v), "valid JSON")
		assert.Equal(t, "a-1", v.ID)
		assert.Equal(t, size, v.Size)

		_, again := do(t, ts, "GET", "/api/_test/blob?size="+strconv.Itoa(size)+"&id=a-1", "")
		assert.Equal(t, body, again, "the same body for the same id and size")
		res, body = do(t, ts, "GET", "/api/_test/blob?size="+strconv.Itoa(size)+"&id=a-1", "", "If-None-Match", res.Header.Get("ETag"))
		assert.Equal(t, http.StatusNotModified, res.StatusCode)
		assert.Empty(t, body)
	}
	_, a := do(t, ts, "GET", "/api/_test/blob?size=1000&id=a", "")
	_, b := do(t, ts, "GET", "/api/_test/blob?size=1000&id=b", "")
	assert.NotEqual(t, a[40:], b[40:], "the padding differs by id")
	assert.Greater(t, distinctBytes(a), 40, "the padding is not one repeated character")

	for _, q := range []string{"size=63&id=a", "size=67108865&id=a", "size=x&id=a", "size=100", "size=100&id=a%22b", "size=64&id=" + strings.Repeat("a", 64),
		"size=100&id=" + strings.Repeat("a", 65)} {
		res, _ := do(t, ts, "GET", "/api/_test/blob?"+q, "")
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, q)
	}
	res, _ := do(t, ts, "POST", "/api/_test/blob?size=100&id=a", "")
	assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	res, _ = do(t, ts, "GET", "/api/_test/nope", "")
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
}

func TestEchoNamesTheRequestAndMovesOnEveryFewRequests(t *testing.T) {
	ts := newTestServer(t, options{})
	get := func(id, ns, v, inm string) (*http.Response, echoBody) {
		t.Helper()
		res, body := do(t, ts, "GET", "/api/_test/echo?id="+id, "", "X-Namespace", ns, "X-App-Version", v, "If-None-Match", inm)
		var e echoBody
		if res.StatusCode == http.StatusOK {
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
		}
		return res, e
	}

	res, e := get("7", "ns-a", "v1", "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, echoBody{NS: "ns-a", V: "v1", ID: 7, N: 0}, e)
	assert.Equal(t, "private, no-cache", res.Header.Get("Cache-Control"))
	assert.Equal(t, "X-Namespace, X-App-Version", res.Header.Get("Vary"))
	etagA := res.Header.Get("ETag")

	res, e = get("7", "ns-b", "v2", "")
	assert.Equal(t, echoBody{NS: "ns-b", V: "v2", ID: 7, N: 0}, e)
	assert.NotEqual(t, etagA, res.Header.Get("ETag"), "the ETag names the namespace and version")

	res, _ = get("7", "ns-a", "v1", etagA)
	assert.Equal(t, http.StatusNotModified, res.StatusCode, "third request, still generation 0")

	res, e = get("7", "ns-a", "v1", etagA)
	require.Equal(t, http.StatusOK, res.StatusCode, "fourth request: generation 1")
	assert.Equal(t, 1, e.N)
	assert.NotEqual(t, etagA, res.Header.Get("ETag"))

	_, e = get("8", "", "", "")
	assert.Equal(t, echoBody{ID: 8}, e, "ids count apart; no headers echo empty strings")

	do(t, ts, "POST", "/api/_control/reset", "")
	_, e = get("7", "ns-a", "v1", "")
	assert.Equal(t, 0, e.N, "reset sets the generations back")

	_, log := do(t, ts, "GET", "/api/_control/log", "")
	assert.Contains(t, log, `"path":"/api/_test/echo"`, "test endpoints are logged like the sample API")

	for _, id := range []string{"", "x", "-1", "1000001"} {
		res, _ := do(t, ts, "GET", "/api/_test/echo?id="+id, "")
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, id)
	}
}

func distinctBytes(s string) int {
	seen := map[byte]bool{}
	for i := 0; i < len(s); i++ {
		seen[s[i]] = true
	}
	return len(seen)
}

func TestLangVariesOnAcceptLanguage(t *testing.T) {
	ts := newTestServer(t, options{})
	for _, tc := range []struct{ accept, lang string }{
		{"ur-PK,ur;q=0.9", "ur"}, {" UR", "ur"}, {"en-GB", "en"}, {"", "en"}, {"fr, ur;q=0.5", "en"},
	} {
		res, body := do(t, ts, "GET", "/api/_test/lang", "", "Accept-Language", tc.accept)
		require.Equal(t, http.StatusOK, res.StatusCode, body)
		assert.Equal(t, "Accept-Language", res.Header.Get("Vary"))
		assert.Equal(t, `"lang-`+tc.lang+`"`, res.Header.Get("ETag"), tc.accept)
		var v struct{ Lang string }
		require.NoError(t, json.Unmarshal([]byte(body), &v))
		assert.Equal(t, tc.lang, v.Lang, tc.accept)
		res, _ = do(t, ts, "GET", "/api/_test/lang", "", "Accept-Language", tc.accept, "If-None-Match", `"lang-`+tc.lang+`"`)
		assert.Equal(t, http.StatusNotModified, res.StatusCode)
	}
}
