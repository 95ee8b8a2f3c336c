//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/etagcache/etag-cache/fetcher"
)

// The cached-read path: JavaScript asks key(url) once per URL, reads the
// record with one readonly get on database().db, and hands it to judge; Go
// decides and starts the revalidation, all synchronously. Anything judge
// refuses goes through get, the general path. See fetcher.Client.ServeRecord.

// Verdicts of judge: judgeMiss, or judgeFresh or judgeStale with
// judgeRevalidating added when the read started (or found running) a
// background revalidation.
const (
	judgeMiss         = 0 // not servable: take get
	judgeFresh        = 1 // serve the record
	judgeStale        = 2 // serve the record, marked stale
	judgeRevalidating = 4 // flag: its revalidation is under way
)

// key implements handle.key(url) -> string | null: the storage key of an
// absolute URL, null for a URL the cache refuses (get then rejects it).
func (h *handle) key(args []js.Value) js.Value {
	url, err := urlArg(args)
	if err != nil {
		return js.Null()
	}
	k, _, err := h.client.Key(url)
	if err != nil {
		return js.Null()
	}
	return js.ValueOf(k)
}

// judge implements handle.judge(key, record, mode?) -> a verdict: judgeMiss,
// or judgeFresh or judgeStale, plus judgeRevalidating. mode is get's cache
// mode; without it (the default read: nothing more to cross) the record is
// judged as 'default'. It never throws.
func (h *handle) judge(args []js.Value) js.Value {
	if len(args) < 2 || args[0].Type() != js.TypeString {
		return js.ValueOf(judgeMiss)
	}
	var opt []fetcher.GetOption
	if len(args) > 2 && args[2].Type() == js.TypeString {
		m, ok := fetcher.ParseMode(args[2].String())
		if !ok {
			return js.ValueOf(judgeMiss)
		}
		opt = append(opt, fetcher.WithMode(m))
	}
	res, ok := h.client.ServeRecord(args[0].String(), args[1], opt...)
	if !ok {
		return js.ValueOf(judgeMiss)
	}
	v := judgeFresh
	if res.Stale {
		v = judgeStale
	}
	if res.Revalidating {
		v |= judgeRevalidating
	}
	return js.ValueOf(v)
}

// database implements handle.database() -> {db, store} | null: the
// IndexedDB connection (an IDBDatabase) and object store to read records
// from; null when entries are not in IndexedDB or it is not connected.
func (h *handle) database(_ []js.Value) js.Value {
	db, store := h.client.Database()
	if db.IsUndefined() {
		return js.Null()
	}
	return obj(map[string]any{"db": db, "store": store})
}
