//go:build js && wasm

package cache

// FailNextPuts makes the next n puts of s fail as if the browser had thrown
// QuotaExceededError on the write (the transaction is aborted).
func FailNextPuts(s *IDBStore, n int) { s.quotaFailures.Store(int32(n)) }
