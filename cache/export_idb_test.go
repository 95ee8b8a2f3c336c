//go:build js && wasm

package cache

// FailNextPuts makes the next n puts of s fail as if the browser had thrown
// QuotaExceededError on the write (the transaction is aborted).
func FailNextPuts(s *IDBStore, n int) { s.quotaFailures.Store(int32(n)) }

// SetCollector makes the body-bytes bound of JSBody call collect after
// every n bytes, until the returned function restores the defaults.
func SetCollector(n int64, f func()) (restore func()) {
	oldN, oldF := gcAfter, collect
	gcAfter, collect = n, f
	pinnedBytes.Store(0)
	return func() { gcAfter, collect = oldN, oldF }
}
