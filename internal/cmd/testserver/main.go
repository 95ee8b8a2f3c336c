// Command testserver is the loopback HTTP server the browser tests of
// package fetcher run against. It prints its base URL as the first line of
// stdout and serves until killed:
//
//	go run ./internal/cmd/testserver -addr 127.0.0.1:0
//
// Every path answers CORS requests from any origin (the wasm test page is
// served from another port, so this server is cross-origin), with
// credentials, the conditional request headers allowed and preflights cached
// for 7200 s. Routes:
//
//	/expose/<anything>    a JSON resource with a stable ETag and Last-Modified,
//	                      304 on a matching If-None-Match (weak comparison) or
//	                      If-Modified-Since, and Access-Control-Expose-Headers:
//	                      ETag, Last-Modified
//	/noexpose/<anything>  the same with an ETag only (no Last-Modified, which is
//	                      CORS-safelisted) and no Expose-Headers: JS sees no
//	                      validator at all
//	/stubborn/<anything>  ignores If-None-Match: 200, the same ETag and body
//	                      every time (ETag exposed)
//	/hang                 answers nothing until the client gives up (30 s cap)
//	/bump?path=P          changes the representation at path P (new ETag, body)
//	/log?prefix=P         JSON array of the recorded requests whose path starts
//	                      with P: {method, path, header{lower-case name: value}}
//	/reset                clears the log and every bump
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("testserver: %v", err)
	}
	fmt.Fprintf(os.Stdout, "http://%s\n", l.Addr())
	if err := http.Serve(l, newServer()); err != nil {
		log.Fatalf("testserver: %v", err)
	}
}
