// Command demo serves the etag-cache demo: the page, the built library files
// from -dist, a service worker keeping the page's shell, and a sample grades
// API that behaves like a Django REST Framework endpoint sending ETags. The
// page's network switch (Fast, Slow 3G, Offline) is applied here, to every
// response the server sends that browser (network.go).
//
//	go run ./web/demo -addr 127.0.0.1:8080 -latency 0 -dist dist
//
// The first line on stdout is the URL it listens on (useful with -addr
// 127.0.0.1:0); everything else goes to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("demo", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "127.0.0.1:8080", "listen address (port 0 picks a free port)")
	var latency msDuration
	fl.Var(&latency, "latency", "extra delay of every sample-API response: a duration (2s) or milliseconds (2000); on top of the page's network switch")
	dist := fl.String("dist", "dist", "directory holding the built files of `make build`")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fl.Args())
	}
	logger := log.New(stderr, "demo: ", log.LstdFlags)
	if _, err := os.Stat(*dist + "/etag-cache.wasm"); err != nil {
		logger.Printf("warning: %s/etag-cache.wasm not found; run `make build` first (the page will say so too)", *dist)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(stdout, "http://%s/\n", ln.Addr())
	srv := &http.Server{
		Handler:           newServer(options{Dist: os.DirFS(*dist), Latency: time.Duration(latency)}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// msDuration is a flag value taking a Go duration ("2s") or a bare number of
// milliseconds ("2000"); negative values are refused.
type msDuration time.Duration

func (d *msDuration) String() string { return time.Duration(*d).String() }

func (d *msDuration) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		ms, errMs := strconv.ParseFloat(s, 64)
		if errMs != nil || math.IsNaN(ms) || math.IsInf(ms, 0) {
			return fmt.Errorf("%q is neither a duration (2s) nor milliseconds (2000)", s)
		}
		v = time.Duration(ms * float64(time.Millisecond))
	}
	if v < 0 {
		return errors.New("must not be negative")
	}
	*d = msDuration(v)
	return nil
}
