package cache_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/etagcache/etag-cache/cache"
)

func ExampleNewMemory() {
	ctx := context.Background()
	now := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	store, err := cache.NewMemory(cache.Options{
		AppVersion: "2025.03",
		TTL:        24 * time.Hour,
		Now:        func() time.Time { return now },
	})
	if err != nil {
		panic(err)
	}
	defer store.Close()

	key, url, _ := store.Key("student-42", "GET", "https://api.example.edu:443/grades#latest")
	_, err = store.Put(ctx, &cache.Entry{
		Key: key, URL: url, Method: "GET", Namespace: "student-42", AppVersion: "2025.03",
		ETag: `W/"7f3a"`, Status: 200, StoredAt: now, ValidatedAt: now,
		Header: map[string]string{"content-type": "application/json"},
		Body:   cache.Bytes(`{"math":"A"}`),
	})
	if err != nil {
		panic(err)
	}
	e, _ := store.Get(ctx, key)
	fmt.Println(e.URL, e.ETag, string(e.Body.Bytes()))

	now = now.Add(25 * time.Hour) // past the TTL: never served again
	_, err = store.Get(ctx, key)
	var miss *cache.MissError
	if errors.As(err, &miss) {
		fmt.Println("miss:", miss.Reason, "evicted:", miss.Evicted != nil)
	}
	// Output:
	// https://api.example.edu/grades W/"7f3a" {"math":"A"}
	// miss: ttl evicted: true
}
