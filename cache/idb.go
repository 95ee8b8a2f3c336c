//go:build js && wasm

package cache

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/etagcache/etag-cache/internal/errs"
	"github.com/etagcache/etag-cache/internal/jsutil"
)

// Schema of the IndexedDB database; see the package documentation.
const (
	schemaVersion = 2         // the database version: app versions live inside records and keys
	entriesStore  = "entries" // records by key (out-of-line keys)
	metaStore     = "meta"    // the byte total, under totalsKey
	totalsKey     = "totals"
	byValidated   = "validatedAt" // index: TTL sweep and least-recently-validated eviction
	byVersion     = "version"     // index: other-version sweep
	bySize        = "size"        // index: recounting the byte total without reading bodies
)

// IDBStore keeps entries in IndexedDB. It has the same behaviour as Memory
// and is safe for concurrent use. Every operation runs in one short
// transaction bounded by the caller's context and OpTimeout; a transaction
// whose operation fails or whose context ends is aborted, never committed
// half done. When another tab deletes the database the connection closes;
// the store reopens it on the next operation and retries that operation
// once. While open, the store holds a shared Web Lock naming its app version,
// so that the start-up sweep of another release's tab leaves this version's
// entries alone.
type IDBStore struct {
	opts IDBOptions

	mu     sync.Mutex
	db     *idb.Database // nil until (re)opened
	raw    js.Value      // db's IDBDatabase, for Database
	closed bool
	lock   *versionLock // nil where Web Locks are unavailable
}

// OpenIndexedDB opens (creating if needed) the database opts.DBName. Invalid
// options are an error; an unusable IndexedDB (undefined, open failing,
// blocked or timing out, a database of that name that is not this package's,
// or one upgraded past this package's schema by a newer program) is an error
// matching ErrUnavailable, after which callers may fall back to NewMemory.
// It never panics.
func OpenIndexedDB(ctx context.Context, opts IDBOptions) (*IDBStore, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &IDBStore{opts: o}
	ctx, cancel := context.WithTimeout(ctx, o.OpTimeout)
	defer cancel()
	if s.db, s.raw, err = s.open(ctx); err != nil {
		return nil, err
	}
	s.lock = lockVersion(lockName(o.DBName, o.AppVersion))
	return s, nil
}

// Key returns the key of a response of namespace to method on rawURL under
// the store's app version (see Key).
func (s *IDBStore) Key(namespace, method, rawURL string) (key, normalizedURL string, err error) {
	return s.opts.key(namespace, method, rawURL)
}

// open opens a connection, creating the schema on first use, and checks
// that the database is this package's.
func (s *IDBStore) open(ctx context.Context) (db *idb.Database, raw js.Value, err error) {
	name := s.opts.DBName
	unavailable := func(err error) error {
		return fmt.Errorf("cache: open IndexedDB %q: %w: %w", name, ErrUnavailable, err)
	}
	f, err := factory()
	if err != nil {
		return nil, js.Undefined(), unavailable(err)
	}
	if err := preflight(ctx, js.Global().Get("indexedDB"), name); err != nil {
		return nil, js.Undefined(), unavailable(err)
	}
	var req *idb.OpenDBRequest
	var upgradeErr error
	// An error returned from go-indexeddb's upgrade callback panics inside a
	// js.FuncOf, ending the Go program; so a failed upgrade (a database
	// another program made) closes the connection instead, which aborts the
	// versionchange transaction, fails the open and leaves that database as
	// it was.
	upgrader := func(db *idb.Database, oldVersion, newVersion uint) error {
		if upgradeErr = upgrade(db, oldVersion, newVersion); upgradeErr != nil {
			_ = safely(db.Close)
		}
		return nil
	}
	err = safely(func() error {
		req, err = f.Open(ctx, name, schemaVersion, upgrader)
		if err != nil {
			return err
		}
		if db, err = req.Await(ctx); err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if upgradeErr != nil {
			err = upgradeErr
		}
		if err != nil {
			return err
		}
		if err := ours(db); err != nil {
			_ = db.Close()
			return err
		}
		raw, err = req.Request.Result()
		return err
	})
	if err != nil {
		if req != nil {
			closeWhenOpened(req)
		}
		return nil, js.Undefined(), unavailable(err)
	}
	return db, raw, nil
}

// errForeign marks a database of our name that another program made.
var errForeign = errors.New("the database holds object stores this package did not make")

// ours checks that db has this package's object stores.
func ours(db *idb.Database) error {
	names, err := db.ObjectStoreNames()
	if err != nil {
		return err
	}
	if !slices.Contains(names, entriesStore) || !slices.Contains(names, metaStore) || len(names) != 2 {
		return fmt.Errorf("%w: %s", errForeign, strings.Join(names, ", "))
	}
	return nil
}

// factory returns the global IDBFactory without idb.Global, which panics
// (and keeps panicking) where indexedDB is undefined.
func factory() (f *idb.Factory, err error) {
	err = safely(func() error {
		v := js.Global().Get("indexedDB")
		if v.Type() != js.TypeObject {
			return errors.New("indexedDB is " + v.Type().String())
		}
		f, err = idb.WrapFactory(v)
		return err
	})
	return f, err
}

// closeWhenOpened closes the connection of an open request we gave up on
// (timed out, blocked), so it cannot block other tabs later.
func closeWhenOpened(req *idb.OpenDBRequest) {
	_ = safely(func() error {
		closeDB := func() {
			if db, err := req.Result(); err == nil {
				_ = db.Close()
			}
		}
		if state, _ := req.ReadyState(); state == "done" {
			closeDB()
			return nil
		}
		return req.ListenSuccess(context.Background(), closeDB)
	})
}

// upgrade creates the schema. A database of schema version 1 (an earlier
// release of this package: records of other shapes, an index by namespace)
// is emptied and rebuilt -- it is a cache, the next fetch fills it again --
// but only when it holds this package's stores: for a database another
// program made it returns errForeign, and open aborts the upgrade. It only
// issues requests: awaiting inside an upgrade callback would freeze the JS
// thread.
func upgrade(db *idb.Database, oldVersion, _ uint) error {
	if oldVersion >= 1 {
		if err := ours(db); err != nil {
			return err
		}
		for _, name := range []string{entriesStore, metaStore} {
			if err := db.DeleteObjectStore(name); err != nil {
				return err
			}
		}
	}
	entries, err := db.CreateObjectStore(entriesStore, idb.ObjectStoreOptions{KeyPath: js.Null()})
	if err != nil {
		return err
	}
	for _, name := range []string{byValidated, byVersion, bySize} {
		if _, err := entries.CreateIndex(name, js.ValueOf(name), idb.IndexOptions{}); err != nil {
			return err
		}
	}
	_, err = db.CreateObjectStore(metaStore, idb.ObjectStoreOptions{KeyPath: js.Null()})
	return err
}

// conn returns the open connection, reopening it if it was dropped.
func (s *IDBStore) conn(ctx context.Context) (*idb.Database, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if s.db == nil {
		db, raw, err := s.open(ctx)
		if err != nil {
			return nil, err
		}
		s.db, s.raw = db, raw
	}
	return s.db, nil
}

// drop forgets db so the next operation reopens.
func (s *IDBStore) drop(db *idb.Database) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == db {
		s.db, s.raw = nil, js.Undefined()
		_ = safely(db.Close)
	}
}

// Database returns the store's open connection as a JavaScript IDBDatabase
// and the name of the object store that holds the records, for a caller that
// reads a record from JavaScript (one readonly get, the cheapest read
// IndexedDB offers) and hands it to Judge. db is undefined while the store is
// not connected (closed, or dropped after another tab deleted the
// database); the next operation through Go reconnects. JavaScript must only
// read through it.
func (s *IDBStore) Database() (db js.Value, store string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil || s.closed {
		return js.Undefined(), entriesStore
	}
	return s.raw, entriesStore
}

// do runs op in one transaction of mode on the entries store (and the meta
// store when withMeta), within the caller's ctx and OpTimeout. A readwrite
// transaction is committed when op returns nil and aborted otherwise, so a
// failed or cancelled operation never leaves half its writes behind. If op
// fails because the connection was closed under it (another tab deleted or
// upgraded the database), it reopens and runs op once more. A *MissError
// from op is returned as is; other errors are wrapped.
func (s *IDBStore) do(ctx context.Context, name, key string, mode idb.TransactionMode, withMeta bool,
	op func(context.Context, *txn) error) error {
	jsutil.Retained(0) // a transaction and its requests: a few dozen references to JS values
	ctx, cancel := context.WithTimeout(ctx, s.opts.OpTimeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		db, err := s.conn(ctx)
		if err != nil {
			return fmt.Errorf("cache: %s %q: %w", name, key, err)
		}
		err = safely(func() error {
			t, err := begin(db, mode, withMeta)
			if err != nil {
				return err
			}
			if err := op(ctx, t); err != nil {
				t.abort()
				return err
			}
			if mode == idb.TransactionReadWrite {
				return t.commit(ctx)
			}
			return nil
		})
		if _, isMiss := errs.As[*MissError](err); err == nil || isMiss {
			return err
		}
		if attempt == 0 && ctx.Err() == nil && connLost(db, err) {
			s.drop(db)
			continue
		}
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return fmt.Errorf("cache: %s %q: %w", name, key, err)
	}
}

// connLost reports whether err came from a closed connection: no transaction
// could be started, or a probe transaction on db cannot be started now (the
// connection closed while op ran).
func connLost(db *idb.Database, err error) bool {
	if errors.Is(err, errNoTransaction) || isDOMError(err, "InvalidStateError") {
		return true
	}
	perr := safely(func() error {
		_, err := db.Transaction(idb.TransactionReadOnly, metaStore)
		return err
	})
	return perr != nil
}

// Close releases the store's version lock and closes the connection; later
// operations return ErrClosed.
func (s *IDBStore) Close() error {
	s.mu.Lock()
	s.closed = true
	db, lock := s.db, s.lock
	s.db, s.raw, s.lock = nil, js.Undefined(), nil
	s.mu.Unlock()
	lock.release()
	if db == nil {
		return nil
	}
	if err := safely(db.Close); err != nil {
		return fmt.Errorf("cache: close %q: %w", s.opts.DBName, err)
	}
	return nil
}

// isDOMError reports whether err is a DOMException (or a thrown JS error)
// named name. Errors thrown synchronously reach Go as generic JS errors, so
// the name is also looked for in the message.
func isDOMError(err error, name string) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, idb.NewDOMException(name)) {
		return true
	}
	if je, ok := errs.As[*jsutil.JSError](err); ok && je.Name == name {
		return true
	}
	return strings.Contains(err.Error(), name)
}

// isQuota reports whether err is the browser refusing a write for space.
func isQuota(err error) bool { return isDOMError(err, "QuotaExceededError") }

// safely runs fn, turning a panic (a JS exception raised through syscall/js,
// or a go-indexeddb panic) into an error.
func safely(fn func() error) error { return jsutil.Safely(fn) }
