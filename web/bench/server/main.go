// Command server is the loopback server of `make bench`.
//
// It serves, from one origin: dist/ (the module, with a long-lived cache
// header so repeat visits take it from the browser cache), the bench pages of
// web/bench/pages, Dexie's ESM build from web/bench/node_modules, the floor
// module (web/bench/floor, built by the driver), and a JSON API whose bodies
// have a chosen size, carry a strong ETag and answer a matching If-None-Match
// with 304. It counts the API requests it sees so the driver can ask how many
// reached the network.
//
// Static files are sent brotli-compressed, as the README tells deployments to
// serve the module, when the request accepts br and -br holds a precompressed
// copy (DIR/<url path>.br, written by the driver with node's zlib at quality
// 11: Go's standard library has no brotli encoder). API bodies are never
// compressed: their sizes are the variable the bench chooses.
//
// Pages are sent with COOP/COEP so the page is cross-origin isolated: that
// gives performance.now() its fine (5 µs) resolution instead of 100 µs.
//
// It prints its base URL (http://127.0.0.1:PORT) as the first line of stdout
// and serves until killed.
package main

import (
	"flag"
	"fmt"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	dist := flag.String("dist", "dist", "directory holding the built module (make build)")
	root := flag.String("root", "web/bench", "the web/bench directory (pages/, peer/, node_modules/)")
	floor := flag.String("floor", "web/bench/out/floor", "directory holding the floor module (floor.wasm)")
	br := flag.String("br", "", "directory of brotli copies of the static files, DIR/<url path>.br (none when empty)")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("bench server: listen %s: %v", *addr, err)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, newMux(dirs{dist: *dist, root: *root, floor: *floor, br: *br})))
}

// dirs are the directories the server serves files from.
type dirs struct {
	dist, root, floor string
	br                string // brotli copies, DIR/<url path>.br; "" for none
}

// newMux wires the routes; see the package comment.
func newMux(d dirs) *http.ServeMux {
	api := newAPI()
	mux := http.NewServeMux()
	long, hour := "public, max-age=31536000, immutable", "public, max-age=3600"
	for _, r := range []struct{ prefix, dir, cacheControl string }{
		{"/dist/", d.dist, long},
		{"/pages/", filepath.Join(d.root, "pages"), hour},
		{"/peer/", filepath.Join(d.root, "peer"), hour},
		{"/vendor/dexie/", filepath.Join(d.root, "node_modules", "dexie", "dist"), long},
		{"/floor/", d.floor, hour},
	} {
		br := ""
		if d.br != "" {
			br = filepath.Join(d.br, filepath.FromSlash(strings.Trim(r.prefix, "/")))
		}
		mux.Handle(r.prefix, static(r.prefix, r.dir, br, r.cacheControl))
	}
	mux.HandleFunc("/api/blob", api.blob)
	mux.HandleFunc("/api/item/", api.item)
	mux.HandleFunc("/_stats", api.stats)
	mux.HandleFunc("/_reset", api.reset)
	return mux
}

// static serves dir under prefix with the given Cache-Control and the
// isolation headers; a file that has a copy <name>.br in br goes out as that
// copy with Content-Encoding: br when the request accepts br.
func static(prefix, dir, br, cacheControl string) http.Handler {
	fs := http.StripPrefix(prefix, http.FileServer(http.Dir(dir)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", cacheControl)
		h.Set("Vary", "Accept-Encoding") // a cache must not hand the br copy to a client that did not ask for it
		isolate(h)
		if br != "" && acceptsBrotli(r.Header.Get("Accept-Encoding")) && serveBrotli(w, r, prefix, br) {
			return
		}
		fs.ServeHTTP(w, r)
	})
}

// serveBrotli serves br/<name>.br for the request's path below prefix, and
// reports false (having written nothing) when there is no such copy.
func serveBrotli(w http.ResponseWriter, r *http.Request, prefix, br string) bool {
	name := path.Clean("/" + strings.TrimPrefix(r.URL.Path, prefix)) // rooted: no ".." escapes br
	f, err := os.Open(filepath.Join(br, filepath.FromSlash(name)) + ".br")
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Content-Encoding", "br")
	// ServeContent answers conditional and range requests; both refer to the br bytes, as HTTP says they must.
	http.ServeContent(w, r, name, st.ModTime(), f)
	return true
}

// contentType is the media type of a static file by its extension; the
// streaming compile needs application/wasm, a module script a JS type.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		return "application/wasm"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// acceptsBrotli reports whether an Accept-Encoding value allows br (RFC 9110
// section 12.5.3: listed, or covered by "*", with a non-zero q).
func acceptsBrotli(accept string) bool {
	star := false
	for _, item := range strings.Split(accept, ",") {
		coding, params, _ := strings.Cut(item, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "br" && coding != "*" {
			continue
		}
		ok := true
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(p, "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				ok = err == nil && q > 0
			}
		}
		if coding == "br" {
			return ok // an explicit br entry decides, whatever "*" says
		}
		star = ok
	}
	return star
}

// isolate sets the headers that make a page cross-origin isolated.
func isolate(h http.Header) {
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Embedder-Policy", "require-corp")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}
