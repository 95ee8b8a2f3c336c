//go:build js && wasm

package fetcher

import "github.com/etagcache/etag-cache/internal/jsutil"

// defaultBackground starts f on a goroutine after one JavaScript task
// (setTimeout 0). A goroutine started during a cached read would otherwise
// run before Go yields to JavaScript, building the revalidation's fetch
// before the read's Promise settles and the page renders (~0.8 ms a read,
// make bench). jsutil.AfterTask schedules it without making a js.Func per
// read.
func defaultBackground(f func()) {
	jsutil.AfterTask(func() { go f() })
}
