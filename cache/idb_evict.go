//go:build js && wasm

package cache

import (
	"context"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
)

// walk runs an ascending cursor over index (within rng; nil means all) and
// calls visit for each record with its primary key ("" if not a string).
// visit says whether to delete the record and whether to stop. It runs inside
// the cursor's success callback, so it must only issue requests, never await.
func walk(ctx context.Context, entries *idb.ObjectStore, index string, rng *idb.KeyRange,
	visit func(key string, rec js.Value) (del, stop bool)) error {
	idx, err := entries.Index(index)
	if err != nil {
		return err
	}
	var req *idb.CursorWithValueRequest
	if rng == nil {
		req, err = idx.OpenCursor(idb.CursorNext)
	} else {
		req, err = idx.OpenCursorRange(rng, idb.CursorNext)
	}
	if err != nil {
		return err
	}
	return req.Iter(ctx, func(c *idb.CursorWithValue) error {
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
}

// readBytes reads the byte total from the meta store; 0 when absent or
// unreadable.
func readBytes(ctx context.Context, meta *idb.ObjectStore) (int64, error) {
	req, err := meta.Get(js.ValueOf(totalsKey))
	if err != nil {
		return 0, err
	}
	v, err := req.Await(ctx)
	if err != nil {
		return 0, err
	}
	return totalBytes(v), nil
}

// totalBytes reads the byte total from the meta record v; a missing or
// malformed record counts as 0.
func totalBytes(v js.Value) int64 { return countField(v, "bytes") }

// writeBytes issues the write of the byte total (never below zero).
func writeBytes(meta *idb.ObjectStore, bytes int64) error {
	if bytes < 0 {
		bytes = 0
	}
	_, err := meta.PutKey(js.ValueOf(totalsKey), js.ValueOf(map[string]any{"bytes": float64(bytes)}))
	return err
}

// addBytes adds delta to the byte total within the caller's transaction.
func addBytes(ctx context.Context, meta *idb.ObjectStore, delta int64) error {
	if delta == 0 {
		return nil
	}
	b, err := readBytes(ctx, meta)
	if err != nil {
		return err
	}
	return writeBytes(meta, b+delta)
}

// evictOldest deletes up to n least-recently-validated entries other than
// keep, after a QuotaExceededError.
func (s *IDBStore) evictOldest(ctx context.Context, db *idb.Database, keep string, n int) ([]Eviction, error) {
	tx, entries, meta, err := stores(db, idb.TransactionReadWrite, true)
	if err != nil {
		return nil, err
	}
	var evs []Eviction
	var freed int64
	err = walk(ctx, entries, byValidated, nil, func(k string, rec js.Value) (del, stop bool) {
		if k == keep {
			return false, false
		}
		evs = append(evs, recordEviction(k, rec, ReasonQuota))
		freed += recordSize(rec)
		return true, len(evs) >= n
	})
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, nil
	}
	if err := addBytes(ctx, meta, -freed); err != nil {
		return nil, err
	}
	return evs, commit(ctx, tx)
}

// Clear removes every entry of namespace, through the namespace index, and
// returns how many there were.
func (s *IDBStore) Clear(ctx context.Context, namespace string) (int, error) {
	var n int
	err := s.do(ctx, "clear", namespace, func(ctx context.Context, db *idb.Database) error {
		n = 0
		tx, entries, meta, err := stores(db, idb.TransactionReadWrite, true)
		if err != nil {
			return err
		}
		rng, err := idb.NewKeyRangeOnly(js.ValueOf(namespace))
		if err != nil {
			return err
		}
		var freed int64
		err = walk(ctx, entries, byNamespace, rng, func(_ string, rec js.Value) (del, stop bool) {
			n++
			freed += recordSize(rec)
			return true, false
		})
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if err := addBytes(ctx, meta, -freed); err != nil {
			return err
		}
		return commit(ctx, tx)
	})
	return n, err
}

// ClearAll removes every entry.
func (s *IDBStore) ClearAll(ctx context.Context) error {
	return s.do(ctx, "clear all", "", func(ctx context.Context, db *idb.Database) error {
		tx, entries, meta, err := stores(db, idb.TransactionReadWrite, true)
		if err != nil {
			return err
		}
		if _, err := entries.Clear(); err != nil {
			return err
		}
		if err := writeBytes(meta, 0); err != nil {
			return err
		}
		return commit(ctx, tx)
	})
}

// Stats returns the number of records (all namespaces and versions) and the
// byte total this package keeps alongside them.
func (s *IDBStore) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.do(ctx, "stats", "", func(ctx context.Context, db *idb.Database) error {
		_, entries, meta, err := stores(db, idb.TransactionReadOnly, true)
		if err != nil {
			return err
		}
		req, err := entries.Count()
		if err != nil {
			return err
		}
		n, err := req.Await(ctx)
		if err != nil {
			return err
		}
		b, err := readBytes(ctx, meta)
		st = Stats{Entries: int(n), Bytes: b}
		return err
	})
	return st, err
}

// Sweep deletes every other-version entry (two ranges of the version index:
// below and above the current version) and every expired one (the
// validatedAt index up to now - TTL, inclusive), in one transaction that
// visits only the entries it deletes, and returns them.
func (s *IDBStore) Sweep(ctx context.Context) ([]Eviction, error) {
	var evs []Eviction
	err := s.do(ctx, "sweep", "", func(ctx context.Context, db *idb.Database) error {
		evs = nil
		tx, entries, meta, err := stores(db, idb.TransactionReadWrite, true)
		if err != nil {
			return err
		}
		ver := js.ValueOf(s.opts.AppVersion)
		below, err := idb.NewKeyRangeUpperBound(ver, true)
		if err != nil {
			return err
		}
		above, err := idb.NewKeyRangeLowerBound(ver, true)
		if err != nil {
			return err
		}
		expired, err := idb.NewKeyRangeUpperBound(js.ValueOf(float64(expiryBoundMillis(s.opts.Now(), s.opts.TTL))), false)
		if err != nil {
			return err
		}
		var freed int64
		for _, pass := range []struct {
			index string
			rng   *idb.KeyRange
			r     Reason
		}{{byVersion, below, ReasonVersion}, {byVersion, above, ReasonVersion}, {byValidated, expired, ReasonTTL}} {
			err := walk(ctx, entries, pass.index, pass.rng, func(k string, rec js.Value) (del, stop bool) {
				evs = append(evs, recordEviction(k, rec, pass.r))
				freed += recordSize(rec)
				return true, false
			})
			if err != nil {
				return err
			}
		}
		if len(evs) == 0 {
			return nil
		}
		if err := addBytes(ctx, meta, -freed); err != nil {
			return err
		}
		return commit(ctx, tx)
	})
	return evs, err
}
