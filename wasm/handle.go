//go:build js && wasm

package main

import (
	"context"
	"errors"
	"sync/atomic"
	"syscall/js"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/fetcher"
)

// store is what a handle needs of a cache store beyond fetcher.Store.
type store interface {
	fetcher.Store
	Clear(ctx context.Context, namespace string) (int, error)
	ClearAll(ctx context.Context) error
	Stats(ctx context.Context) (cache.Stats, error)
	Sweep(ctx context.Context) ([]cache.Eviction, error)
	Close() error
}

// sweepDelay keeps the start-up sweep away from the first reads.
const sweepDelay = 3 * time.Second

// openCache implements api.open(options).
func openCache(args []js.Value) js.Value {
	opt := js.Undefined()
	if len(args) > 0 {
		opt = args[0]
	}
	o, err := parseOpenOptions(opt)
	if err != nil {
		return rejected(err)
	}
	return promise(func() (any, error) {
		h, err := newHandle(o)
		if err != nil {
			return nil, err
		}
		return h.object(), nil
	})
}

// handle is one cache as JS sees it: a store, a fetcher.Client on top, and
// the JS callback that receives events.
type handle struct {
	opts    openOptions
	store   store
	kind    string // "indexeddb" or "memory"
	client  *fetcher.Client
	onEvent js.Value
	funcs   []js.Func

	handedOut atomic.Int64 // body bytes handed to JS since the last collection
	gcAfter   int64        // gcAfterBytes; tests lower it
	gc        func()       // collect; tests count calls
}

func newHandle(o openOptions) (*handle, error) {
	h := &handle{opts: o, onEvent: o.onEvent, gcAfter: gcAfterBytes, gc: collect}
	copts := cache.Options{AppVersion: o.version, TTL: o.ttl, MaxEntries: o.maxEntries, MaxBytes: o.maxBytes}
	var fallback error
	if o.storage != "memory" {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		s, err := cache.OpenIndexedDB(ctx, cache.IDBOptions{Options: copts, DBName: o.dbName})
		cancel()
		switch {
		case err == nil:
			h.store, h.kind = s, "indexeddb"
		case o.storage == "indexeddb" || !errors.Is(err, cache.ErrUnavailable):
			return nil, err
		default:
			fallback = err
		}
	}
	if h.store == nil {
		m, err := cache.NewMemory(copts)
		if err != nil {
			return nil, badArg(err.Error())
		}
		h.store, h.kind = m, "memory"
	}
	c, err := fetcher.New(fetcher.Options{
		Store:                 h.store,
		AppVersion:            o.version,
		Namespace:             o.namespace,
		TTL:                   o.ttl,
		MinRevalidateInterval: o.minRevalidate,
		Timeout:               o.timeout,
		Header:                o.headers,
		Credentials:           o.credentials,
		Origin:                o.origin,
		Events:                h.emit,
		Background:            afterJSTask,
	})
	if err != nil {
		h.store.Close()
		return nil, badArg(err.Error())
	}
	h.client = c
	if fallback != nil {
		h.emitJS("warning", obj(map[string]any{
			"code":    "storage-fallback",
			"message": "IndexedDB is unavailable; caching in memory for this page only: " + fallback.Error(),
		}))
	}
	time.AfterFunc(sweepDelay, h.sweep)
	return h, nil
}

// sweep evicts expired and other-version entries once after start-up.
func (h *handle) sweep() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	evs, err := h.store.Sweep(ctx)
	for _, ev := range evs {
		h.emitJS("evict", obj(map[string]any{"url": ev.URL, "reason": string(ev.Reason)}))
	}
	if err != nil && !errors.Is(err, cache.ErrClosed) {
		h.emitJS("error", obj(map[string]any{"url": "", "kind": string(fetcher.KindStorage), "message": err.Error()}))
	}
}

// object builds the JS handle: {get, invalidate, clear, stats, close, storage}.
func (h *handle) object() js.Value {
	o := js.Global().Get("Object").New()
	h.method(o, "get", h.get)
	h.method(o, "invalidate", h.invalidate)
	h.method(o, "clear", h.clear)
	h.method(o, "stats", h.stats)
	h.method(o, "close", h.close)
	o.Set("storage", h.kind)
	return o
}

func (h *handle) method(o js.Value, name string, fn func(args []js.Value) js.Value) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any { return fn(args) })
	h.funcs = append(h.funcs, f)
	o.Set(name, f)
}

// urlArg reads the URL argument: a non-empty string (absolute; the wrapper
// resolves relative ones). Whether it parses is checked by the fetcher.
func urlArg(args []js.Value) (string, error) {
	if len(args) == 0 || args[0].Type() != js.TypeString || args[0].String() == "" {
		return "", badArg("url must be a non-empty string")
	}
	return args[0].String(), nil
}
