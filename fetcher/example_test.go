package fetcher_test

import (
	"context"
	"fmt"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/fetcher"
)

// A stored response is served at once and revalidated in the background with
// its ETag; the server's 304 confirms it.
func Example() {
	server := fetcher.TransportFunc(func(ctx context.Context, req *fetcher.Request) (*fetcher.Response, error) {
		if req.Header["If-None-Match"] == `"v1"` {
			return &fetcher.Response{Status: 304, Body: cache.Bytes(nil)}, nil
		}
		return &fetcher.Response{Status: 200, Header: map[string]string{"etag": `"v1"`}, Body: cache.Bytes(`{"grade":"A"}`)}, nil
	})
	store, _ := cache.NewMemory(cache.Options{AppVersion: "v1"})
	c, _ := fetcher.New(fetcher.Options{
		Store: store, Transport: server,
		Events: func(e fetcher.Event) { fmt.Println("event:", e.Type, e.Status) },
	})
	ctx := context.Background()
	for range 2 {
		r, err := c.Get(ctx, "https://api.school.example/grades/1")
		if err != nil {
			fmt.Println(err)
			return
		}
		c.Wait()
		fmt.Println(r.Source, r.ETag, string(r.Body.Bytes()))
	}
	// Output:
	// network "v1" {"grade":"A"}
	// event: revalidated 304
	// cache "v1" {"grade":"A"}
}

// Open builds the whole cache as the JavaScript face uses it: in a Go-WASM
// app (GOOS=js GOARCH=wasm) entries go to IndexedDB, falling back to memory
// with a warning; outside the browser this example asks for memory. The
// start-up sweep runs a few seconds after Open; Close stops it and closes the
// store.
func ExampleOpen() {
	api := fetcher.TransportFunc(func(ctx context.Context, req *fetcher.Request) (*fetcher.Response, error) {
		if req.Header["If-None-Match"] == `"t7"` {
			return &fetcher.Response{Status: 304, Body: cache.Bytes(nil)}, nil
		}
		return &fetcher.Response{Status: 200, Header: map[string]string{"etag": `"t7"`, "content-type": "application/json"},
			Body: cache.Bytes(`[{"period":1,"subject":"Urdu"}]`)}, nil
	})
	ctx := context.Background()
	c, err := fetcher.Open(ctx, fetcher.Config{
		Version:   "v3",
		Namespace: "teacher-12",
		Storage:   fetcher.StorageMemory, // leave it "" (auto) in the browser
		Transport: api,                   // leave it nil in the browser: fetch
		Events:    func(e fetcher.Event) { fmt.Println("event:", e.Type, e.Status) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	for range 2 {
		r, err := c.Get(ctx, "https://school.example/api/timetable/")
		if err != nil {
			fmt.Println(err)
			return
		}
		c.Wait() // only so that the output is in order
		fmt.Println(r.Source, string(r.Body.Bytes()))
	}
	// Output:
	// network [{"period":1,"subject":"Urdu"}]
	// event: revalidated 304
	// cache [{"period":1,"subject":"Urdu"}]
}
