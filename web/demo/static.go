package main

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// pageFiles serves the demo page's own files (demo.js, demo.css) under /demo/;
// sw.js only at /sw.js, filled in (serviceworker.go).
func pageFiles() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	files := http.StripPrefix("/demo/", noCache(http.FileServerFS(sub)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if path.Clean(r.URL.Path) == "/demo/sw.js" {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// servePage serves index.html at /.
func servePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeFileFS(w, r, staticFS, "static/index.html")
}

// readOnly answers 405 to anything but GET and HEAD.
func readOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

// distTypes are the media types of the files `make build` writes; set here so
// they do not depend on the machine's mime tables (.ts is video/mp2t on some).
var distTypes = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".ts":   "text/plain; charset=utf-8",
	".json": "application/json",
	".map":  "application/json",
}

// distFiles serves the built files at the site root with `Cache-Control:
// no-cache` and an ETag from size and modification time, so a reload after
// `make build` is a cheap 304 but never stale.
//
// Production should instead put a content hash or version in the file names
// (or the URL path) and serve them with `Cache-Control: public,
// max-age=31536000, immutable`, etag-cache.wasm as application/wasm
// (compressed with brotli or gzip), and cache them in the app shell (e.g. a
// service worker) if the app must start offline.
func distFiles(dist fs.FS) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		ctype, known := distTypes[path.Ext(name)]
		if dist == nil || !known || !fs.ValidPath(name) {
			http.NotFound(w, r)
			return
		}
		f, err := dist.Open(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		rs, seekable := f.(io.ReadSeeker)
		if err != nil || st.IsDir() || !seekable {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", fmt.Sprintf(`"%x-%x"`, st.ModTime().UnixNano(), st.Size()))
		http.ServeContent(w, r, name, st.ModTime(), rs)
	})
}
