package fetcher

import (
	"context"
	"errors"

	"github.com/etagcache/etag-cache/cache"
)

// WarnStorageFallback is the code of the warning Open emits when IndexedDB is
// unavailable and entries are kept in memory instead.
const WarnStorageFallback = "storage-fallback"

// Open builds the whole cache from cfg: it validates cfg (a *ConfigError
// lists every problem), opens the store cfg.Storage asks for -- IndexedDB in
// the browser, falling back to memory with a storage-fallback warning event
// unless IndexedDB was demanded (then an error matching
// cache.ErrUnavailable) -- builds the Client on it and schedules the start-up
// sweep. The Client owns the store: Close closes it. This is what the
// JavaScript face runs, so a Go-WASM app that calls Open gets the same cache.
func Open(ctx context.Context, cfg Config) (*Client, error) {
	copts, opts, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	store, storage, fallback, err := openStore(ctx, cfg, copts)
	if err != nil {
		return nil, err
	}
	var fb *fallbackStore
	if storage == string(StorageIndexedDB) && cfg.Storage != StorageIndexedDB {
		fb = &fallbackStore{copts: copts, primary: store}
		store = fb
	}
	opts.Store = store
	opts.lock = outboxLock(cfg.DBName)
	c, err := New(opts)
	if err != nil {
		_ = store.Close()
		return nil, err
	}
	c.storage, c.ownsStore, c.fallback = storage, true, fb
	if fb != nil {
		fb.onFallback = func(err error) {
			c.emit(Event{Type: EventWarning, Code: WarnStorageFallback,
				Message: "IndexedDB became unusable; caching in memory for this page only: " + err.Error()})
		}
	}
	if fallback != nil {
		c.emit(Event{Type: EventWarning, Code: WarnStorageFallback,
			Message: "IndexedDB is unavailable; caching in memory for this page only: " + fallback.Error()})
	}
	c.kickFlush() // writes an earlier page queued
	if cfg.SweepDelay >= 0 {
		delay := cfg.SweepDelay
		if delay == 0 {
			delay = DefaultSweepDelay
		}
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			if c.opts.Sleep(c.ctx, delay) != nil {
				return // closed first
			}
			_, _ = c.Sweep(c.ctx)
		}()
	}
	return c, nil
}

// openStore opens the store cfg asks for and says which it is ("indexeddb"
// or "memory"); fallback is why IndexedDB was not used when it was asked for
// with StorageAuto.
func openStore(ctx context.Context, cfg Config, copts cache.Options) (s Store, storage string, fallback, err error) {
	if cfg.Storage != StorageMemory {
		s, err := openIndexedDB(ctx, cfg.DBName, copts)
		switch {
		case err == nil:
			return s, string(StorageIndexedDB), nil, nil
		case cfg.Storage == StorageIndexedDB || !errors.Is(err, cache.ErrUnavailable):
			return nil, "", nil, err
		}
		fallback = err
	}
	m, err := cache.NewMemory(copts)
	if err != nil {
		return nil, "", nil, err
	}
	return m, string(StorageMemory), fallback, nil
}
