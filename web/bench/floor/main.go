//go:build js && wasm

// Command floor is the floor module of `make bench`: the least a Go program
// that reads IndexedDB through go-indexeddb (the adapter the design card
// fixes) must link. It opens a database, runs one readonly transaction, gets
// one key and hands the value to a JS callback -- nothing else -- so that
// etag-cache.wasm ÷ floor.wasm (brotli) is what the cache, the engine and the
// bindings add on top of syscall/js + go-indexeddb.
//
// Contract with the bench page (web/bench/pages/bench.js, floorModule): the
// database "floor-module" holds object store "entries"; the value under key
// "k" goes to globalThis.__floorModuleResult.
package main

import (
	"context"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
)

func main() {
	ctx := context.Background()
	open, err := idb.Global().Open(ctx, "floor-module", 1, func(db *idb.Database, _, _ uint) error {
		_, err := db.CreateObjectStore("entries", idb.ObjectStoreOptions{})
		return err
	})
	if err != nil {
		panic(err)
	}
	db, err := open.Await(ctx)
	if err != nil {
		panic(err)
	}
	tx, err := db.Transaction(idb.TransactionReadOnly, "entries")
	if err != nil {
		panic(err)
	}
	store, err := tx.ObjectStore("entries")
	if err != nil {
		panic(err)
	}
	req, err := store.Get(js.ValueOf("k"))
	if err != nil {
		panic(err)
	}
	v, err := req.Await(ctx)
	if err != nil {
		panic(err)
	}
	js.Global().Get("__floorModuleResult").Invoke(v)
}
