//go:build js && wasm

package cache

import (
	"context"
	"syscall/js"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"
)

// walk runs an ascending cursor over index (within rng; nil means all) and
// calls visit for each record with its primary key ("" if not a string).
// visit says whether to delete the record and whether to stop. It runs inside
// the cursor's success callback, so it must only issue requests, never await.
func walk(ctx context.Context, entries *idb.ObjectStore, index string, rng *idb.KeyRange,
	visit func(key string, rec js.Value) (del, stop bool)) error {
	var req *idb.CursorWithValueRequest
	var err error
	if index == "" {
		if rng == nil {
			req, err = entries.OpenCursor(idb.CursorNext)
		} else {
			req, err = entries.OpenCursorRange(rng, idb.CursorNext)
		}
	} else {
		var idx *idb.Index
		if idx, err = entries.Index(index); err != nil {
			return err
		}
		if rng == nil {
			req, err = idx.OpenCursor(idb.CursorNext)
		} else {
			req, err = idx.OpenCursorRange(rng, idb.CursorNext)
		}
	}
	if err != nil {
		return err
	}
	err = req.Iter(ctx, func(c *idb.CursorWithValue) error {
		pk, err := c.PrimaryKey()
		if err != nil {
			return err
		}
		rec, err := c.Value()
		if err != nil {
			return err
		}
		key := ""
		if pk.Type() == js.TypeString {
			key = pk.String()
		}
		del, stop := visit(key, rec)
		if del {
			if _, err := c.Delete(); err != nil {
				return err
			}
		}
		if stop {
			return idb.ErrCursorStopIter
		}
		return nil
	})
	if err == nil {
		err = ctx.Err() // Iter, too, returns nil when ctx ends first
	}
	return err
}

// evictOldest deletes least-recently-validated entries other than keep until
// at least need bytes are freed (at least one entry), after a
// QuotaExceededError. It returns the evictions, the bytes they freed and a
// restore that puts the deleted records back, in one transaction, under the
// keys nobody has written since.
func (s *IDBStore) evictOldest(ctx context.Context, keep string, need int64) ([]Eviction, int64, func() error, error) {
	var (
		evs   []Eviction
		freed int64
		keys  []string
		recs  []js.Value
	)
	err := s.do(ctx, "evict", keep, idb.TransactionReadWrite, true, func(ctx context.Context, t *txn) error {
		evs, freed, keys, recs = nil, 0, nil, nil
		err := walk(ctx, t.entries, byValidated, nil, func(k string, rec js.Value) (del, stop bool) {
			if k == keep || k == "" {
				return false, false
			}
			evs = append(evs, recordEviction(k, rec, ReasonQuota))
			keys, recs = append(keys, k), append(recs, rec)
			freed += recordSize(rec)
			return true, freed >= need
		})
		if err != nil || len(evs) == 0 {
			return err
		}
		return t.addBytes(ctx, -freed)
	})
	if err != nil || len(evs) == 0 {
		return nil, 0, nil, err
	}
	restore := func() error {
		// Not ctx: a put cancelled after evicting must still put back.
		return s.do(context.WithoutCancel(ctx), "restore", keep, idb.TransactionReadWrite, true, func(ctx context.Context, t *txn) error {
			var back int64
			for i, k := range keys {
				cur, err := t.get(ctx, k)
				if err != nil {
					return err
				}
				if !cur.IsUndefined() {
					continue // written again since: the newer record stays
				}
				if _, err := t.entries.PutKey(js.ValueOf(k), recs[i]); err != nil {
					return err
				}
				back += recordSize(recs[i])
			}
			return t.addBytes(ctx, back)
		})
	}
	return evs, freed, restore, nil
}

// Clear removes every entry of namespace, of every app version -- the key
// range that starts with KeyPrefix(namespace), exactly what the namespace's
// reads can reach -- and returns how many there were.
func (s *IDBStore) Clear(ctx context.Context, namespace string) (int, error) {
	var n int
	err := s.do(ctx, "clear", namespace, idb.TransactionReadWrite, true, func(ctx context.Context, t *txn) error {
		n = 0
		prefix := KeyPrefix(namespace)
		rng, err := idb.NewKeyRangeBound(js.ValueOf(prefix), js.ValueOf(prefix+"\uffff"), false, false)
		if err != nil {
			return err
		}
		var freed int64
		err = walk(ctx, t.entries, "", rng, func(_ string, rec js.Value) (del, stop bool) {
			n++
			freed += recordSize(rec)
			return true, false
		})
		if err != nil || n == 0 {
			return err
		}
		return t.addBytes(ctx, -freed)
	})
	return n, err
}

// ClearAll removes every entry.
func (s *IDBStore) ClearAll(ctx context.Context) error {
	return s.do(ctx, "clear all", "", idb.TransactionReadWrite, true, func(ctx context.Context, t *txn) error {
		if _, err := t.entries.Clear(); err != nil {
			return err
		}
		return t.setBytes(0, float64(s.opts.Now().UnixMilli()))
	})
}

// List describes the entries of namespace, of every app version, in key
// order, without reading their bodies into Go; records that do not decode
// are left out (a Get of them evicts them). It changes nothing.
func (s *IDBStore) List(ctx context.Context, namespace string) ([]Info, error) {
	var out []Info
	err := s.do(ctx, "list", namespace, idb.TransactionReadOnly, false, func(ctx context.Context, t *txn) error {
		out = nil
		prefix := KeyPrefix(namespace)
		rng, err := idb.NewKeyRangeBound(js.ValueOf(prefix), js.ValueOf(prefix+"\uffff"), false, false)
		if err != nil {
			return err
		}
		now := s.opts.Now()
		return walk(ctx, t.entries, "", rng, func(k string, rec js.Value) (del, stop bool) {
			if e, err := decodeRecord(k, rec); err == nil { // the body stays in JS
				out = append(out, infoOf(e, e.Size(), s.opts.Options, now))
			}
			return false, false
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Stats returns the number of records (all namespaces and versions) and the
// byte total this package keeps alongside them.
func (s *IDBStore) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.do(ctx, "stats", "", idb.TransactionReadOnly, true, func(ctx context.Context, t *txn) error {
		n, err := t.count(ctx)
		if err != nil {
			return err
		}
		b, err := t.bytes(ctx)
		st = Stats{Entries: n, Bytes: b}
		return err
	})
	return st, err
}

// recountEvery is how often the start-up sweep recounts the byte total from
// the records' sizes: a walk of the size index (no bodies read), one JS <-> Go
// hop a record, so not on every page load of a large cache.
const recountEvery = 24 * time.Hour

// Sweep deletes every entry of the store's app version past its TTL (the
// validatedAt index up to now - TTL, inclusive) and every entry of an app
// version no open store uses (two ranges of the version index: below and
// above the current version; what is in use is what the Web Locks of the
// database's stores say, and where they are unavailable every other version
// goes), in one transaction that visits only the entries it deletes, and
// returns them. Once a day it also recounts the byte total from the
// records' sizes, repairing it if anything (another program, a bug) made it
// drift.
func (s *IDBStore) Sweep(ctx context.Context) ([]Eviction, error) {
	inUse, known := versionsInUse(ctx, s.opts.DBName)
	if !known {
		inUse = map[string]bool{}
	}
	var evs []Eviction
	err := s.do(ctx, "sweep", "", idb.TransactionReadWrite, true, func(ctx context.Context, t *txn) error {
		evs = nil
		ver := js.ValueOf(s.opts.AppVersion)
		below, err := idb.NewKeyRangeUpperBound(ver, true)
		if err != nil {
			return err
		}
		above, err := idb.NewKeyRangeLowerBound(ver, true)
		if err != nil {
			return err
		}
		now := s.opts.Now()
		expired, err := idb.NewKeyRangeUpperBound(js.ValueOf(float64(expiryBoundMillis(now, s.opts.TTL))), false)
		if err != nil {
			return err
		}
		totals, err := t.totals(ctx)
		if err != nil {
			return err
		}
		var freed int64
		for _, pass := range []struct {
			index string
			rng   *idb.KeyRange
			r     Reason
		}{{byVersion, below, ReasonVersion}, {byVersion, above, ReasonVersion}, {byValidated, expired, ReasonTTL}} {
			err := walk(ctx, t.entries, pass.index, pass.rng, func(k string, rec js.Value) (del, stop bool) {
				v := rec.Get("version")
				if pass.r == ReasonVersion && v.Type() == js.TypeString && inUse[v.String()] {
					return false, false // a tab of that release is open
				}
				if pass.r == ReasonTTL && (v.Type() != js.TypeString || v.String() != s.opts.AppVersion) {
					return false, false // another version's entries expire by that version's TTL
				}
				evs = append(evs, recordEviction(k, rec, pass.r))
				freed += recordSize(rec)
				return true, false
			})
			if err != nil {
				return err
			}
		}
		bytes := countField(totals, "bytes") - freed
		recounted := float64(countField(totals, "recountedAt"))
		if now.Sub(time.UnixMilli(int64(recounted))) >= recountEvery {
			if bytes, err = recount(ctx, t.entries); err != nil {
				return err
			}
			recounted = float64(now.UnixMilli())
		}
		return t.setBytes(bytes, recounted)
	})
	if err != nil {
		return nil, err
	}
	return evs, nil
}

// recount sums the sizes of every record through the size index's keys,
// reading no record.
func recount(ctx context.Context, entries *idb.ObjectStore) (int64, error) {
	idx, err := entries.Index(bySize)
	if err != nil {
		return 0, err
	}
	req, err := idx.OpenKeyCursor(idb.CursorNext)
	if err != nil {
		return 0, err
	}
	var sum int64
	err = req.Iter(ctx, func(c *idb.Cursor) error {
		k, err := c.Key()
		if err != nil {
			return err
		}
		sum += countValue(k)
		return nil
	})
	if err == nil {
		err = ctx.Err()
	}
	return sum, err
}
