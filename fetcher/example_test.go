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
		Store: store, Transport: server, AppVersion: "v1",
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
