//go:build js && wasm

package cache

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
)

// txn is one transaction on the entries store, and the meta store when the
// operation needs the byte total.
type txn struct {
	tx      *idb.Transaction
	entries *idb.ObjectStore
	meta    *idb.ObjectStore // nil without withMeta
}

// errNoTransaction marks a failure to start a transaction: on an open
// connection that means it was closed under us (Chromium throws a plain
// Error, "The database connection is closing", not a named DOMException).
var errNoTransaction = errors.New("cannot start a transaction")

// begin starts a transaction of mode on db.
func begin(db *idb.Database, mode idb.TransactionMode, withMeta bool) (*txn, error) {
	var t txn
	var err error
	if withMeta {
		t.tx, err = db.Transaction(mode, entriesStore, metaStore)
	} else {
		t.tx, err = db.Transaction(mode, entriesStore)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoTransaction, err)
	}
	if t.entries, err = t.tx.ObjectStore(entriesStore); err != nil {
		return nil, err
	}
	if withMeta {
		if t.meta, err = t.tx.ObjectStore(metaStore); err != nil {
			return nil, err
		}
	}
	return &t, nil
}

// abort aborts the transaction if it is still running: none of its writes
// happen. Errors (already finished) are of no interest.
func (t *txn) abort() { _ = safely(t.tx.Abort) }

// commit ends a readwrite transaction and waits for it to be durable. It
// must follow the last request without any other wait in between.
func (t *txn) commit(ctx context.Context) error {
	if err := t.tx.Commit(); err != nil {
		return err
	}
	if err := t.tx.Await(ctx); err != nil {
		return err
	}
	return ctx.Err()
}

// await waits for req within ctx. go-indexeddb's Await returns (undefined,
// nil) when ctx ends before the request settles; read as "absent", that
// once let a cancelled put write a byte total of one record. Here the end of
// ctx is an error, and the caller's transaction is aborted.
func await(ctx context.Context, req *idb.Request) (js.Value, error) {
	v, err := req.Await(ctx)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		return js.Undefined(), err
	}
	return v, nil
}

// get reads the record under key; undefined when there is none.
func (t *txn) get(ctx context.Context, key string) (js.Value, error) {
	req, err := t.entries.Get(js.ValueOf(key))
	if err != nil {
		return js.Undefined(), err
	}
	return await(ctx, req)
}

// count counts the records.
func (t *txn) count(ctx context.Context) (int, error) {
	req, err := t.entries.Count()
	if err != nil {
		return 0, err
	}
	v, err := await(ctx, req.Request)
	if err != nil {
		return 0, err
	}
	if v.Type() != js.TypeNumber {
		return 0, fmt.Errorf("count() gave %v", v.Type())
	}
	return v.Int(), nil
}

// totals reads the meta record holding the byte total.
func (t *txn) totals(ctx context.Context) (js.Value, error) {
	req, err := t.meta.Get(js.ValueOf(totalsKey))
	if err != nil {
		return js.Undefined(), err
	}
	return await(ctx, req)
}

// bytes reads the byte total: 0 when absent or malformed.
func (t *txn) bytes(ctx context.Context) (int64, error) {
	v, err := t.totals(ctx)
	return countField(v, "bytes"), err
}

// setBytes issues the write of the byte total (never below zero) and keeps
// the time of the last recount.
func (t *txn) setBytes(bytes int64, recounted float64) error {
	if bytes < 0 {
		bytes = 0
	}
	v := map[string]any{"bytes": float64(bytes)}
	if recounted > 0 {
		v["recountedAt"] = recounted
	}
	_, err := t.meta.PutKey(js.ValueOf(totalsKey), js.ValueOf(v))
	return err
}

// addBytes adds delta to the byte total.
func (t *txn) addBytes(ctx context.Context, delta int64) error {
	if delta == 0 {
		return nil
	}
	v, err := t.totals(ctx)
	if err != nil {
		return err
	}
	return t.setBytes(countField(v, "bytes")+delta, float64(countField(v, "recountedAt")))
}
