package cache

import (
	"errors"
	"fmt"
	"time"
)

// DefaultDBName is the IndexedDB database name callers use unless they keep
// several caches apart.
const DefaultDBName = "etag-cache"

// DefaultOpTimeout bounds every IndexedDB operation when
// IDBOptions.OpTimeout is zero.
const DefaultOpTimeout = 5 * time.Second

// IDBOptions configure the IndexedDB store (OpenIndexedDB, js/wasm only).
type IDBOptions struct {
	Options
	// DBName is the IndexedDB database name; required, callers normally pass
	// DefaultDBName.
	DBName string
	// OpTimeout is the deadline of every IndexedDB operation (open included),
	// on top of the caller's context; 0 means DefaultOpTimeout (5s), negative
	// is an error.
	OpTimeout time.Duration
}

// withDefaults validates o and fills in its defaults.
func (o IDBOptions) withDefaults() (IDBOptions, error) {
	base, err := o.Options.withDefaults()
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	if o.DBName == "" {
		errs = append(errs, errors.New("cache: invalid options: DBName is empty"))
	}
	if o.OpTimeout < 0 {
		errs = append(errs, fmt.Errorf("cache: invalid options: OpTimeout %v is negative", o.OpTimeout))
	}
	if len(errs) > 0 {
		return o, errors.Join(errs...)
	}
	o.Options = base
	if o.OpTimeout == 0 {
		o.OpTimeout = DefaultOpTimeout
	}
	return o, nil
}
