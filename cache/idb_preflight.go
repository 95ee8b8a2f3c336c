//go:build js && wasm

package cache

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall/js"

	"github.com/etagcache/etag-cache/internal/jsutil"
)

// preflight checks, before an open that may upgrade it, that an existing
// database named name at a version below ours was made by this package:
// upgrading another program's database would change its version under it
// (an upgrade that fails still commits the new version), and go-indexeddb
// gives the upgrade callback no way to abort. It opens such a database
// without a version, which never upgrades, and looks at its object stores.
// It returns errForeign for someone else's database; nil when the database
// is absent, ours, at our version or above (open checks those), or when the
// browser cannot list databases.
func preflight(ctx context.Context, f js.Value, name string) error {
	list, err := jsutil.Try(func() js.Value { return f.Call("databases") })
	if err != nil {
		return nil
	}
	dbs, err := jsutil.Await(ctx, list)
	if err != nil {
		return nil
	}
	version := int64(0)
	_ = jsutil.Safely(func() error {
		for i, n := 0, dbs.Length(); i < n; i++ {
			if d := dbs.Index(i); d.Get("name").Type() == js.TypeString && d.Get("name").String() == name {
				version = countValue(d.Get("version"))
			}
		}
		return nil
	})
	if version == 0 || version >= schemaVersion {
		return nil
	}
	req, err := jsutil.Try(func() js.Value { return f.Call("open", name) })
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	var onOK, onErr js.Func
	onOK = js.FuncOf(func(js.Value, []js.Value) any {
		done <- nil
		return nil
	})
	onErr = js.FuncOf(func(js.Value, []js.Value) any {
		done <- errors.New("open failed")
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	req.Set("onsuccess", onOK)
	req.Set("onerror", onErr)
	select {
	case err = <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	db := req.Get("result")
	defer func() { _ = jsutil.Safely(func() error { db.Call("close"); return nil }) }()
	var names []string
	_ = jsutil.Safely(func() error {
		stores := db.Get("objectStoreNames")
		for i, n := 0, stores.Length(); i < n; i++ {
			names = append(names, stores.Call("item", i).String())
		}
		return nil
	})
	if len(names) != 2 || !slices.Contains(names, entriesStore) || !slices.Contains(names, metaStore) {
		return fmt.Errorf("%w: %s", errForeign, strings.Join(names, ", "))
	}
	return nil
}
