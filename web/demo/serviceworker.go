package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"sync"
)

// The demo's service worker (static/sw.js) keeps the app shell, so that a
// reload while offline still starts the page. It is served at /sw.js (its
// scope is the whole site) with two placeholders filled in: the files of the
// shell and the build they belong to.
//
// The build is a hash of the page's own files (embedded in this binary) and of
// the built files' names, sizes and modification times. A new `make build` or
// a new demo binary so changes sw.js, the browser installs the new worker,
// which caches the new files under a new cache name and deletes the old ones:
// the shell never mixes the JS face of one build with the module of another.

// The shell the service worker caches and serves: the page and its own files
// (embedded), and the built files the page loads (from -dist).
var (
	pageShell = []string{"/", "/demo/demo.css", "/demo/demo.js", "/demo/network-switch.js", "/demo/visit.js", "/demo/shell.js"}
	distShell = []string{"etag-cache.js", "inspector.js", "wasm_exec.js", "etag-cache.wasm"}
)

// shellFiles lists the shell's paths.
func shellFiles() []string {
	files := append([]string{}, pageShell...)
	for _, f := range distShell {
		files = append(files, "/"+f)
	}
	return files
}

// Placeholders of static/sw.js.
const (
	swBuildPlaceholder = `"__BUILD__"`
	swShellPlaceholder = `["__SHELL__"]`
)

var (
	pageHashOnce sync.Once
	pageHash     []byte
)

// pageFilesHash hashes the embedded page files, which change only with the binary.
func pageFilesHash() []byte {
	pageHashOnce.Do(func() {
		h := sha256.New()
		err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := staticFS.ReadFile(p)
			fmt.Fprintf(h, "%s %d\n", p, len(b))
			h.Write(b)
			return err
		})
		if err != nil {
			panic(err) // the embedded tree is fixed at build time
		}
		pageHash = h.Sum(nil)
	})
	return pageHash
}

// shellBuild names the current build of the shell: the page's files and the
// built files' names, sizes and modification times (what their ETags say).
func shellBuild(dist fs.FS) string {
	h := sha256.New()
	h.Write(pageFilesHash())
	for _, name := range distShell {
		if dist == nil {
			fmt.Fprintf(h, "%s none\n", name)
			continue
		}
		st, err := fs.Stat(dist, name)
		if err != nil {
			fmt.Fprintf(h, "%s missing\n", name)
			continue
		}
		fmt.Fprintf(h, "%s %d %d\n", name, st.Size(), st.ModTime().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// serveServiceWorker serves static/sw.js at /sw.js with the shell and the build filled in.
func (s *server) serveServiceWorker(w http.ResponseWriter, _ *http.Request) {
	src, err := staticFS.ReadFile("static/sw.js")
	if err != nil {
		panic(err) // embedded
	}
	build, _ := json.Marshal(shellBuild(s.opts.Dist))
	files, _ := json.Marshal(shellFiles())
	js := strings.Replace(string(src), swBuildPlaceholder, string(build), 1)
	js = strings.Replace(js, swShellPlaceholder, string(files), 1)
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	_, _ = w.Write([]byte(js))
}
