//go:build js && wasm

package cache

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
)

// stores opens a transaction on the entries store (and the meta store when
// withMeta) and returns the stores.
func stores(db *idb.Database, mode idb.TransactionMode, withMeta bool) (tx *idb.Transaction, entries, meta *idb.ObjectStore, err error) {
	if withMeta {
		tx, err = db.Transaction(mode, entriesStore, metaStore)
	} else {
		tx, err = db.Transaction(mode, entriesStore)
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %w", errNoTransaction, err)
	}
	if entries, err = tx.ObjectStore(entriesStore); err != nil {
		return nil, nil, nil, err
	}
	if withMeta {
		if meta, err = tx.ObjectStore(metaStore); err != nil {
			return nil, nil, nil, err
		}
	}
	return tx, entries, meta, nil
}

// errNoTransaction marks a failure to start a transaction: on an open
// connection that means it was closed under us (Chromium throws a plain
// Error, "The database connection is closing", not a named DOMException).
var errNoTransaction = errors.New("cannot start a transaction")

// getRecord reads the record under key; undefined when there is none.
func getRecord(ctx context.Context, entries *idb.ObjectStore, key string) (js.Value, error) {
	req, err := entries.Get(js.ValueOf(key))
	if err != nil {
		return js.Undefined(), err
	}
	return req.Await(ctx)
}

// commit ends a readwrite transaction and waits for it to be durable. It
// must follow the last request without any other wait in between.
func commit(ctx context.Context, tx *idb.Transaction) error {
	if err := tx.Commit(); err != nil {
		return err
	}
	return tx.Await(ctx)
}

// judge decodes rec and applies the policy: the entry, or why it must go.
func (s *IDBStore) judge(key string, rec js.Value) (*Entry, Reason) {
	e, err := decodeRecord(key, rec)
	if err != nil {
		return nil, ReasonCorrupt
	}
	if r := verdict(e, s.opts.Options, s.opts.Now()); r != "" {
		return nil, r
	}
	return e, ""
}

// Judge decides, without touching IndexedDB, whether rec -- the value a
// JavaScript get read under key from Database (undefined for none) -- may be
// served: the entry, whose Body is the record's ArrayBuffer, or the reason
// it may not (ReasonAbsent, ReasonCorrupt, ReasonVersion, ReasonTTL). Get
// applies the same rules; callers take Get's path for anything Judge
// refuses, and Get deletes what must go. It is synchronous and never panics.
func (s *IDBStore) Judge(key string, rec js.Value) (*Entry, Reason) {
	if rec.IsUndefined() {
		return nil, ReasonAbsent
	}
	return s.judge(key, rec)
}

// Get returns the entry stored under key; its Body is a *JSBody over the
// stored ArrayBuffer (no copy into Go). A miss is a *MissError; an expired,
// other-version or undecodable record is deleted and the miss says so.
func (s *IDBStore) Get(ctx context.Context, key string) (*Entry, error) {
	var out *Entry
	err := s.do(ctx, "get", key, func(ctx context.Context, db *idb.Database) error {
		out = nil
		_, entries, _, err := stores(db, idb.TransactionReadOnly, false)
		if err != nil {
			return err
		}
		rec, err := getRecord(ctx, entries, key)
		if err != nil {
			return err
		}
		if rec.IsUndefined() {
			return &MissError{Key: key, Reason: ReasonAbsent}
		}
		e, r := s.judge(key, rec)
		if r == "" {
			out = e
			return nil
		}
		out, err = s.evictBad(ctx, db, key)
		return err
	})
	return out, err
}

// evictBad deletes the record under key if, read again in a readwrite
// transaction, it still must not be served (another tab may have replaced
// it meanwhile, then it is returned).
func (s *IDBStore) evictBad(ctx context.Context, db *idb.Database, key string) (*Entry, error) {
	tx, entries, meta, err := stores(db, idb.TransactionReadWrite, true)
	if err != nil {
		return nil, err
	}
	rec, err := getRecord(ctx, entries, key)
	if err != nil {
		return nil, err
	}
	if rec.IsUndefined() {
		return nil, &MissError{Key: key, Reason: ReasonAbsent}
	}
	e, r := s.judge(key, rec)
	if r == "" {
		return e, nil
	}
	ev, err := deleteRecord(ctx, entries, meta, key, rec, r)
	if err != nil {
		return nil, err
	}
	if err := commit(ctx, tx); err != nil {
		return nil, err
	}
	return nil, &MissError{Key: key, Reason: r, Evicted: &ev}
}

// deleteRecord deletes rec, stored under key, and takes its size off the
// byte total, within the caller's transaction.
func deleteRecord(ctx context.Context, entries, meta *idb.ObjectStore, key string, rec js.Value, r Reason) (Eviction, error) {
	if _, err := entries.Delete(js.ValueOf(key)); err != nil {
		return Eviction{}, err
	}
	return recordEviction(key, rec, r), addBytes(ctx, meta, -recordSize(rec))
}

// Put stores e under e.Key, replacing what was there, then evicts
// least-recently-validated entries (never e) until MaxEntries and MaxBytes
// hold, all in one transaction. e must carry a key; it is stored under the
// store's AppVersion (naming another one is an error); an entry larger than MaxBytes alone is ErrTooLarge and nothing
// changes. A *JSBody is stored as is; other bodies are copied into a new
// ArrayBuffer. When the browser refuses the write (QuotaExceededError) Put
// evicts 1, then 4, then 16 least-recently-validated entries, retrying after
// each; then it gives up with ErrQuota. The evictions made are returned even
// with an error, so they can be reported.
func (s *IDBStore) Put(ctx context.Context, e *Entry) ([]Eviction, error) {
	if err := s.opts.checkPut(e); err != nil {
		return nil, err
	}
	rec, size := encodeRecord(e, s.opts.AppVersion)
	put := func() ([]Eviction, error) {
		var evs []Eviction
		err := s.do(ctx, "put", e.Key, func(ctx context.Context, db *idb.Database) (err error) {
			evs, err = s.putOnce(ctx, db, e.Key, rec, size)
			return err
		})
		return evs, err
	}
	evict := func(n int) ([]Eviction, error) {
		var evs []Eviction
		err := s.do(ctx, "evict", e.Key, func(ctx context.Context, db *idb.Database) (err error) {
			evs, err = s.evictOldest(ctx, db, e.Key, n)
			return err
		})
		return evs, err
	}
	return putWithQuotaRetry(ctx, e.Key, put, evict, isQuota)
}

// putOnce is one attempt of Put: one readwrite transaction that reads the old
// record's size and the totals, writes the record, evicts for capacity and
// writes the new byte total.
func (s *IDBStore) putOnce(ctx context.Context, db *idb.Database, key string, rec js.Value, size int64) ([]Eviction, error) {
	tx, entries, meta, err := stores(db, idb.TransactionReadWrite, true)
	if err != nil {
		return nil, err
	}
	// The reads are issued together and awaited after: one round trip to
	// IndexedDB, not three. count() may walk the whole store, so it
	// is only asked for when MaxEntries needs it.
	oldReq, err := entries.Get(js.ValueOf(key))
	if err != nil {
		return nil, err
	}
	var countReq *idb.UintRequest
	if s.opts.MaxEntries > 0 {
		if countReq, err = entries.Count(); err != nil {
			return nil, err
		}
	}
	totalsReq, err := meta.Get(js.ValueOf(totalsKey))
	if err != nil {
		return nil, err
	}
	old, err := oldReq.Await(ctx)
	if err != nil {
		return nil, err
	}
	var count uint
	if countReq != nil {
		if count, err = countReq.Await(ctx); err != nil {
			return nil, err
		}
	}
	totals, err := totalsReq.Await(ctx)
	if err != nil {
		return nil, err
	}
	bytes := totalBytes(totals)
	if _, err := entries.PutKey(js.ValueOf(key), rec); err != nil {
		return nil, err
	}
	if testHookPut != nil {
		if err := testHookPut(tx); err != nil {
			return nil, err
		}
	}
	n := int(count) // 0 without MaxEntries, where overCapacity ignores it
	if old.IsUndefined() {
		n++
	}
	bytes += size - recordSize(old)
	var evs []Eviction
	if s.opts.overCapacity(n, bytes) {
		err = walk(ctx, entries, byValidated, nil, func(k string, rec js.Value) (del, stop bool) {
			if k == key {
				return false, false
			}
			evs = append(evs, recordEviction(k, rec, ReasonCapacity))
			n--
			bytes -= recordSize(rec)
			return true, !s.opts.overCapacity(n, bytes)
		})
		if err != nil {
			return nil, err
		}
	}
	if err := writeBytes(meta, bytes); err != nil {
		return nil, err
	}
	if err := commit(ctx, tx); err != nil {
		return nil, err
	}
	return evs, nil
}

// testHookPut, when set (by tests only), runs inside every put's transaction
// after the write was issued; an error it returns fails the put (net/http's
// testHook pattern: the production type carries no test state).
var testHookPut func(tx *idb.Transaction) error

// Touch applies a 304's revalidation to the entry under key, in one readwrite
// transaction that never copies the body out of JavaScript, and returns the
// updated entry. Body and content headers stay. An entry past its TTL is
// refreshed too (the server just confirmed it); one of another app version
// or one that does not decode is deleted and reported as a miss. A missing
// key is a *MissError.
func (s *IDBStore) Touch(ctx context.Context, key string, r Revalidation) (*Entry, error) {
	var out *Entry
	err := s.do(ctx, "touch", key, func(ctx context.Context, db *idb.Database) error {
		tx, entries, meta, err := stores(db, idb.TransactionReadWrite, true)
		if err != nil {
			return err
		}
		rec, err := getRecord(ctx, entries, key)
		if err != nil {
			return err
		}
		if rec.IsUndefined() {
			return &MissError{Key: key, Reason: ReasonAbsent}
		}
		e, derr := decodeRecord(key, rec)
		reason := ReasonCorrupt
		if derr == nil && e.AppVersion != s.opts.AppVersion {
			reason = ReasonVersion
		}
		if derr != nil || reason == ReasonVersion {
			ev, err := deleteRecord(ctx, entries, meta, key, rec, reason)
			if err != nil {
				return err
			}
			if err := commit(ctx, tx); err != nil {
				return err
			}
			return &MissError{Key: key, Reason: reason, Evicted: &ev}
		}
		r.apply(e, s.opts.Now())
		rec.Set("validatedAt", float64(floorMillis(e.ValidatedAt)))
		rec.Set("meta", metaOf(e, e.AppVersion).encode())
		if _, err := entries.PutKey(js.ValueOf(key), rec); err != nil {
			return err
		}
		if err := commit(ctx, tx); err != nil {
			return err
		}
		out = e
		return nil
	})
	return out, err
}

// Delete removes the entry under key and reports whether there was one.
func (s *IDBStore) Delete(ctx context.Context, key string) (bool, error) {
	var found bool
	err := s.do(ctx, "delete", key, func(ctx context.Context, db *idb.Database) error {
		tx, entries, meta, err := stores(db, idb.TransactionReadWrite, true)
		if err != nil {
			return err
		}
		rec, err := getRecord(ctx, entries, key)
		if err != nil {
			return err
		}
		if found = !rec.IsUndefined(); !found {
			return nil
		}
		if _, err := deleteRecord(ctx, entries, meta, key, rec, ReasonManual); err != nil {
			return err
		}
		return commit(ctx, tx)
	})
	return found, err
}
