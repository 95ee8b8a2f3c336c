//go:build js && wasm

package cache

import (
	"context"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
)

// judge decodes rec and applies the policy: the entry, or why it may not be
// served.
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
// stored ArrayBuffer (no copy into Go). A miss is a *MissError: an expired or
// undecodable record is deleted and the miss says so; a record of another app
// version is left alone.
func (s *IDBStore) Get(ctx context.Context, key string) (*Entry, error) {
	var out *Entry
	var reason Reason
	err := s.do(ctx, "get", key, idb.TransactionReadOnly, false, func(ctx context.Context, t *txn) error {
		rec, err := t.get(ctx, key)
		if err != nil {
			return err
		}
		if rec.IsUndefined() {
			return &MissError{Key: key, Reason: ReasonAbsent}
		}
		out, reason = s.judge(key, rec)
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case reason == "":
		return out, nil
	case reason == ReasonVersion:
		return nil, &MissError{Key: key, Reason: reason}
	}
	return s.evictBad(ctx, key)
}

// evictBad deletes the record under key if, read again in a readwrite
// transaction, it still must not be served (another tab may have replaced
// it meanwhile, then it is returned).
func (s *IDBStore) evictBad(ctx context.Context, key string) (*Entry, error) {
	var out *Entry
	var miss *MissError
	err := s.do(ctx, "evict", key, idb.TransactionReadWrite, true, func(ctx context.Context, t *txn) error {
		out, miss = nil, nil
		rec, err := t.get(ctx, key)
		if err != nil {
			return err
		}
		if rec.IsUndefined() {
			return &MissError{Key: key, Reason: ReasonAbsent}
		}
		e, r := s.judge(key, rec)
		switch r {
		case "":
			out = e
			return nil
		case ReasonVersion:
			miss = &MissError{Key: key, Reason: r}
			return nil
		}
		ev, err := deleteRecord(ctx, t, key, rec, r)
		if err != nil {
			return err
		}
		miss = &MissError{Key: key, Reason: r, Evicted: &ev}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if miss != nil {
		return nil, miss
	}
	return out, nil
}

// deleteRecord deletes rec, stored under key, and takes its size off the
// byte total, within t.
func deleteRecord(ctx context.Context, t *txn, key string, rec js.Value, r Reason) (Eviction, error) {
	if _, err := t.entries.Delete(js.ValueOf(key)); err != nil {
		return Eviction{}, err
	}
	return recordEviction(key, rec, r), t.addBytes(ctx, -recordSize(rec))
}

// Put stores e under e.Key, replacing what was there, then evicts
// least-recently-validated entries (never e) until MaxEntries and MaxBytes
// hold, all in one transaction. e must carry the key of its namespace,
// method and URL; it is stored under the store's AppVersion (naming another
// one is an error); an entry larger than MaxBytes alone is ErrTooLarge and
// nothing changes. A *JSBody is stored as is; other bodies are copied into a
// new ArrayBuffer. When the browser refuses the write for lack of space, see
// putWithQuota.
func (s *IDBStore) Put(ctx context.Context, e *Entry) ([]Eviction, error) {
	if err := s.opts.checkPut(e); err != nil {
		return nil, err
	}
	rec, size := encodeRecord(e, s.opts.AppVersion)
	put := func() ([]Eviction, error) {
		var evs []Eviction
		err := s.do(ctx, "put", e.Key, idb.TransactionReadWrite, true, func(ctx context.Context, t *txn) (err error) {
			evs, err = s.putOnce(ctx, t, e.Key, rec, size)
			return err
		})
		return evs, err
	}
	return s.putWithQuota(ctx, e.Key, size, put)
}

// putOnce is one attempt of Put within t: it reads the old record's size and
// the totals, writes the record, evicts for capacity and writes the new byte
// total.
func (s *IDBStore) putOnce(ctx context.Context, t *txn, key string, rec js.Value, size int64) ([]Eviction, error) {
	// The reads are issued together and awaited after: one round trip to
	// IndexedDB, not three. count() may walk the whole store, so it is only
	// asked for when MaxEntries needs it.
	oldReq, err := t.entries.Get(js.ValueOf(key))
	if err != nil {
		return nil, err
	}
	var countReq *idb.UintRequest
	if s.opts.MaxEntries > 0 {
		if countReq, err = t.entries.Count(); err != nil {
			return nil, err
		}
	}
	totalsReq, err := t.meta.Get(js.ValueOf(totalsKey))
	if err != nil {
		return nil, err
	}
	old, err := await(ctx, oldReq)
	if err != nil {
		return nil, err
	}
	n := 0 // without MaxEntries overCapacity ignores it
	if countReq != nil {
		c, err := await(ctx, countReq.Request)
		if err != nil {
			return nil, err
		}
		n = c.Int()
	}
	totals, err := await(ctx, totalsReq)
	if err != nil {
		return nil, err
	}
	bytes := countField(totals, "bytes")
	if _, err := t.entries.PutKey(js.ValueOf(key), rec); err != nil {
		return nil, err
	}
	if testHookPut != nil {
		if err := testHookPut(t.tx); err != nil {
			return nil, err
		}
	}
	if old.IsUndefined() {
		n++
	}
	bytes += size - recordSize(old)
	var evs []Eviction
	if s.opts.overCapacity(n, bytes) {
		err = walk(ctx, t.entries, byValidated, nil, func(k string, rec js.Value) (del, stop bool) {
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
	return evs, t.setBytes(bytes, float64(countField(totals, "recountedAt")))
}

// testHookPut, when set (by tests only), runs inside every put's transaction
// after the write was issued; an error it returns fails the put (net/http's
// testHook pattern: the production type carries no test state).
var testHookPut func(tx *idb.Transaction) error

// Touch applies a 304's revalidation to the entry under key, in one readwrite
// transaction that never copies the body out of JavaScript, and returns the
// updated entry. Body and content headers stay. An entry past its TTL is
// refreshed too (the server just confirmed it); one that does not decode is
// deleted and reported as a miss; one of another app version is a miss that
// leaves it alone. A missing key is a *MissError.
func (s *IDBStore) Touch(ctx context.Context, key string, r Revalidation) (*Entry, error) {
	var out *Entry
	var miss *MissError
	err := s.do(ctx, "touch", key, idb.TransactionReadWrite, true, func(ctx context.Context, t *txn) error {
		out, miss = nil, nil
		rec, err := t.get(ctx, key)
		if err != nil {
			return err
		}
		if rec.IsUndefined() {
			return &MissError{Key: key, Reason: ReasonAbsent}
		}
		e, derr := decodeRecord(key, rec)
		switch {
		case derr != nil:
			ev, err := deleteRecord(ctx, t, key, rec, ReasonCorrupt)
			if err != nil {
				return err
			}
			miss = &MissError{Key: key, Reason: ReasonCorrupt, Evicted: &ev}
			return nil
		case e.AppVersion != s.opts.AppVersion:
			miss = &MissError{Key: key, Reason: ReasonVersion}
			return nil
		}
		r.apply(e, s.opts.Now())
		rec.Set("validatedAt", float64(floorMillis(e.ValidatedAt)))
		rec.Set("meta", metaOf(e, e.AppVersion).encode())
		if _, err := t.entries.PutKey(js.ValueOf(key), rec); err != nil {
			return err
		}
		out = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	if miss != nil {
		return nil, miss
	}
	return out, nil
}

// Delete removes the entry under key and its variants (VariantKey) and
// reports whether there was any.
func (s *IDBStore) Delete(ctx context.Context, key string) (bool, error) {
	var found bool
	err := s.do(ctx, "delete", key, idb.TransactionReadWrite, true, func(ctx context.Context, t *txn) error {
		rec, err := t.get(ctx, key)
		if err != nil {
			return err
		}
		var freed int64
		if found = !rec.IsUndefined(); found {
			if _, err := t.entries.Delete(js.ValueOf(key)); err != nil {
				return err
			}
			freed = recordSize(rec)
		}
		// The key's variants (VariantKey): the range of keys key + NUL + ....
		rng, err := idb.NewKeyRangeBound(js.ValueOf(key+variantSep), js.ValueOf(key+variantSep+"\uffff"), false, false)
		if err != nil {
			return err
		}
		err = walk(ctx, t.entries, "", rng, func(_ string, rec js.Value) (del, stop bool) {
			found = true
			freed += recordSize(rec)
			return true, false
		})
		if err != nil {
			return err
		}
		return t.addBytes(ctx, -freed)
	})
	return found, err
}
