// Command server is the loopback server of `make bench`.
//
// It serves, from one origin: dist/ (the module, with a long-lived cache
// header so repeat visits take it from the browser cache), the bench pages of
// web/bench/pages, Dexie's ESM build from web/bench/node_modules, and a JSON
// API whose bodies have a chosen size, carry a strong ETag and answer a
// matching If-None-Match with 304. It counts the API requests it sees so the
// driver can ask how many reached the network.
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
	"net"
	"net/http"
	"os"
	"path/filepath"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	dist := flag.String("dist", "dist", "directory holding the built module (make build)")
	root := flag.String("root", "web/bench", "the web/bench directory (pages/, peer/, node_modules/)")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("bench server: listen %s: %v", *addr, err)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, newMux(*dist, *root)))
}

// newMux wires the routes; see the package comment.
func newMux(dist, root string) *http.ServeMux {
	api := newAPI()
	mux := http.NewServeMux()
	mux.Handle("/dist/", static("/dist/", dist, "public, max-age=31536000, immutable"))
	mux.Handle("/pages/", static("/pages/", filepath.Join(root, "pages"), "public, max-age=3600"))
	mux.Handle("/peer/", static("/peer/", filepath.Join(root, "peer"), "public, max-age=3600"))
	mux.Handle("/vendor/dexie/", static("/vendor/dexie/",
		filepath.Join(root, "node_modules", "dexie", "dist"), "public, max-age=31536000, immutable"))
	mux.HandleFunc("/api/blob", api.blob)
	mux.HandleFunc("/api/item/", api.item)
	mux.HandleFunc("/_stats", api.stats)
	mux.HandleFunc("/_reset", api.reset)
	return mux
}

// static serves dir under prefix with the given Cache-Control and the
// isolation headers.
func static(prefix, dir, cacheControl string) http.Handler {
	fs := http.StripPrefix(prefix, http.FileServer(http.Dir(dir)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", cacheControl)
		isolate(h)
		fs.ServeHTTP(w, r)
	})
}

// isolate sets the headers that make a page cross-origin isolated.
func isolate(h http.Header) {
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Embedder-Policy", "require-corp")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}
