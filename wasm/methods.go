//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/etagcache/etag-cache/fetcher"
)

// get implements handle.get(url, init?) -> Promise<raw result>.
func (h *handle) get(args []js.Value) js.Value {
	url, err := urlArg(args)
	if err != nil {
		return rejected(err)
	}
	var hdr map[string]string
	if len(args) > 1 && !absent(args[1]) {
		if args[1].Type() != js.TypeObject {
			return rejected(badArg("init must be an object"))
		}
		if hdr, err = optHeaders(args[1].Get("headers"), "init.headers"); err != nil {
			return rejected(err)
		}
	}
	return promise(func() (any, error) {
		r, err := h.client.Get(context.Background(), url, fetcher.WithHeader(hdr))
		if err != nil {
			return nil, err
		}
		return h.resultToJS(r), nil
	})
}

// invalidate implements handle.invalidate(url) -> Promise<undefined>.
func (h *handle) invalidate(args []js.Value) js.Value {
	url, err := urlArg(args)
	if err != nil {
		return rejected(err)
	}
	return promise(func() (any, error) {
		return nil, h.client.Invalidate(context.Background(), url)
	})
}

// clear implements handle.clear(all) -> Promise<number>: this namespace, or
// with all === true every namespace of the database.
func (h *handle) clear(args []js.Value) js.Value {
	all := len(args) > 0 && args[0].Type() == js.TypeBoolean && args[0].Bool()
	return promise(func() (any, error) {
		ctx := context.Background()
		if !all {
			return h.store.Clear(ctx, h.opts.namespace)
		}
		st, err := h.store.Stats(ctx)
		if err != nil {
			return nil, err
		}
		return st.Entries, h.store.ClearAll(ctx)
	})
}

// stats implements handle.stats() -> Promise<{entries, bytes, hits, ...}>.
func (h *handle) stats(_ []js.Value) js.Value {
	return promise(func() (any, error) {
		st, err := h.store.Stats(context.Background())
		if err != nil {
			return nil, err
		}
		c := h.client.Stats()
		return obj(map[string]any{
			"entries":       st.Entries,
			"bytes":         st.Bytes,
			"hits":          c.Hits,
			"misses":        c.Misses,
			"revalidations": c.Revalidations,
			"notModified":   c.NotModified,
			"updates":       c.Updates,
			"errors":        c.Errors,
		}), nil
	})
}

// close implements handle.close(): cancels background revalidations (a
// hanging request must not hold close for its whole timeout and retries),
// closes the store and releases the handle's functions.
func (h *handle) close(_ []js.Value) js.Value {
	return promise(func() (any, error) {
		_ = h.client.Close() // always nil; it cancels and waits
		err := h.store.Close()
		for _, f := range h.funcs {
			f.Release()
		}
		h.funcs = nil
		return nil, err
	})
}
