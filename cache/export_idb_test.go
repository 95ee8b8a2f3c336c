//go:build js && wasm

package cache

import (
	"sync/atomic"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/etagcache/etag-cache/internal/jsutil"
)

// FailNextPuts makes the next n puts fail as if the browser had thrown
// QuotaExceededError on the write: the real transaction is aborted and the
// error is a real DOMException. The returned function removes the hook.
func FailNextPuts(n int) (restore func()) {
	var left atomic.Int32
	left.Store(int32(n))
	testHookSpace = func() (int64, int64, bool) { return 0, 0, false } // unknown: start at quotaMargin
	testHookPut = func(tx *idb.Transaction) error {
		if left.Add(-1) < 0 {
			return nil
		}
		_ = tx.Abort()
		ex := js.Global().Get("DOMException").New("test hook: quota exceeded", "QuotaExceededError")
		return jsutil.ErrorFrom(ex)
	}
	return func() { testHookPut, testHookSpace = nil, nil }
}
