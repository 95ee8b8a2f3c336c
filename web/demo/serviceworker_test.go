package main

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var swConfig = regexp.MustCompile(`(?m)^const BUILD = ("[^"]*");\nconst SHELL = (\[[^\]]*\]);$`)

// servedWorker fetches /sw.js and returns the build and the shell it names.
func servedWorker(t *testing.T, get func(string) (*http.Response, string)) (string, []string) {
	t.Helper()
	res, body := get("/sw.js")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/javascript; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"), "the browser compares it on every update check anyway")
	m := swConfig.FindStringSubmatch(body)
	require.NotNil(t, m, "BUILD and SHELL filled in:\n%s", body)
	var build string
	var shell []string
	require.NoError(t, json.Unmarshal([]byte(m[1]), &build))
	require.NoError(t, json.Unmarshal([]byte(m[2]), &shell))
	assert.NotContains(t, body, "__BUILD__")
	assert.NotContains(t, body, "__SHELL__")
	return build, shell
}

func TestServiceWorker(t *testing.T) {
	dist := fstest.MapFS{}
	for _, f := range distShell {
		dist[f] = &fstest.MapFile{Data: []byte(f), ModTime: fixedClock()}
	}
	ts := newTestServer(t, options{Dist: dist})
	get := func(p string) (*http.Response, string) { return do(t, ts, "GET", p, "") }

	build, shell := servedWorker(t, get)
	assert.Equal(t, shellFiles(), shell)
	assert.Regexp(t, `^[0-9a-f]{12}$`, build)
	for _, p := range shell {
		res, _ := get(p)
		assert.Equal(t, http.StatusOK, res.StatusCode, "shell file %s is served", p)
	}

	again, _ := servedWorker(t, get)
	assert.Equal(t, build, again, "the same files: the same build")

	dist["etag-cache.wasm"].ModTime = fixedClock().Add(time.Second) // make build again
	rebuilt, _ := servedWorker(t, get)
	assert.NotEqual(t, build, rebuilt, "a new module: a new build, so the browser installs a new worker")

	delete(dist, "inspector.js")
	missing, _ := servedWorker(t, get)
	assert.NotEqual(t, rebuilt, missing)

	res, _ := get("/demo/sw.js")
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "only at /sw.js, filled in (its scope is the site)")
}

// TestShellHoldsThePage: every file the page loads is in the shell, so that it starts offline; the shell names no
// file the page does not have.
func TestShellHoldsThePage(t *testing.T) {
	var page []string
	require.NoError(t, fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch p {
		case "static/index.html":
			page = append(page, "/")
		case "static/sw.js", "static/blank.html": // the worker itself; the tests' blank page
		default:
			page = append(page, "/demo/"+p[len("static/"):])
		}
		return nil
	}))
	slices.Sort(page)
	want := slices.Clone(pageShell)
	slices.Sort(want)
	assert.Equal(t, want, page)
}
