//go:build js && wasm

package cache

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"github.com/etagcache/etag-cache/internal/jsutil"
)

// App versions in use. Tabs of two releases (a phone during an update) share
// one database; each keeps its own version's entries (the version is part of
// every key). Entries of a version go at the start-up sweep once no tab of
// that version is open any more. Which versions are open is what the Web
// Locks API knows: every open store holds a shared lock named after its
// database and version, released by Close or when the tab goes away.

// lockPrefix starts the names of the version locks of database dbName.
func lockPrefix(dbName string) string {
	return "etag-cache|" + strconv.Itoa(len(dbName)) + ":" + dbName + "|"
}

func lockName(dbName, version string) string { return lockPrefix(dbName) + version }

// versionLock is a shared Web Lock held until release.
type versionLock struct {
	resolve js.Value      // resolves the Promise the lock callback returned: releases the lock
	done    chan struct{} // closed once the lock request settled (the lock is released)
}

// lockVersion requests the shared lock name and holds it until release; nil
// where navigator.locks is unavailable (then other releases' sweeps cannot
// see this version, and delete its entries as before).
func lockVersion(name string) *versionLock {
	l := &versionLock{done: make(chan struct{})}
	err := jsutil.Safely(func() error {
		locks := js.Global().Get("navigator").Get("locks")
		if locks.Type() != js.TypeObject {
			return errNoLocks
		}
		exec := js.FuncOf(func(_ js.Value, args []js.Value) any {
			l.resolve = args[0]
			return nil
		})
		held := js.Global().Get("Promise").New(exec) // runs exec now
		exec.Release()
		var granted js.Func
		granted = js.FuncOf(func(js.Value, []js.Value) any { return held })
		opts := js.Global().Get("Object").New()
		opts.Set("mode", "shared")
		p := locks.Call("request", name, opts, granted)
		go func() {
			_, _ = jsutil.Await(context.Background(), p)
			granted.Release()
			close(l.done)
		}()
		return nil
	})
	if err != nil {
		return nil
	}
	return l
}

// errNoLocks means the Web Locks API is missing.
var errNoLocks = errors.New("navigator.locks is unavailable")

// release gives the lock back and waits (a second at most) until it is, so
// that a sweep right after sees the version as unused.
func (l *versionLock) release() {
	if l == nil {
		return
	}
	_ = jsutil.Safely(func() error {
		l.resolve.Invoke()
		return nil
	})
	select {
	case <-l.done:
	case <-time.After(time.Second):
	}
}

// versionsInUse returns the app versions whose locks on database dbName are
// held or requested; ok is false where that cannot be known (no Web Locks).
func versionsInUse(ctx context.Context, dbName string) (inUse map[string]bool, ok bool) {
	var p js.Value
	err := jsutil.Safely(func() error {
		locks := js.Global().Get("navigator").Get("locks")
		if locks.Type() != js.TypeObject {
			return errNoLocks
		}
		p = locks.Call("query")
		return nil
	})
	if err != nil {
		return nil, false
	}
	snap, err := jsutil.Await(ctx, p)
	if err != nil {
		return nil, false
	}
	prefix := lockPrefix(dbName)
	inUse = map[string]bool{}
	err = jsutil.Safely(func() error {
		for _, list := range []string{"held", "pending"} {
			locks := snap.Get(list)
			for i, n := 0, locks.Length(); i < n; i++ {
				if name := locks.Index(i).Get("name"); name.Type() == js.TypeString {
					if v, found := strings.CutPrefix(name.String(), prefix); found {
						inUse[v] = true
					}
				}
			}
		}
		return nil
	})
	return inUse, err == nil
}
