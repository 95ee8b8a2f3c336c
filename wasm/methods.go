//go:build js && wasm

package main

import (
	"context"
	"syscall/js"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/fetcher"
)

// get implements handle.get(url, init?) -> Promise<raw result>. init is
// {headers?, cache?, signal?}: cache a fetch cache-mode name (fetcher.Mode;
// another string is a TypeError) and signal an AbortSignal, which rejects
// the get with AbortError (NotCachedError is only-if-cached's miss). A get
// without a signal costs what it always did; one with a signal adds one
// js.Func and the listener's add and remove.
func (h *handle) get(args []js.Value) js.Value {
	url, err := urlArg(args)
	if err != nil {
		return rejected(err)
	}
	var hdr map[string]string
	mode := fetcher.ModeDefault
	signal := js.Undefined()
	if len(args) > 1 && !absent(args[1]) {
		init := args[1]
		if init.Type() != js.TypeObject {
			return rejected(badArg("init must be an object"))
		}
		if hdr, err = headersFromJS(init.Get("headers"), "init.headers"); err != nil {
			return rejected(err)
		}
		if mode, err = modeFromJS(init.Get("cache")); err != nil {
			return rejected(err)
		}
		if s := init.Get("signal"); !absent(s) {
			if s.Type() != js.TypeObject || s.Get("aborted").Type() != js.TypeBoolean ||
				s.Get("addEventListener").Type() != js.TypeFunction {
				return rejected(badArg("init.signal must be an AbortSignal"))
			}
			if s.Get("aborted").Bool() {
				return rejected(context.Canceled) // nothing read, nothing sent
			}
			signal = s
		}
	}
	opts := []fetcher.GetOption{fetcher.WithHeader(hdr)}
	if mode != fetcher.ModeDefault {
		opts = append(opts, fetcher.WithMode(mode))
	}
	if signal.IsUndefined() {
		return promise(func() (any, error) {
			r, err := h.client.Get(context.Background(), url, opts...)
			if err != nil {
				return nil, err
			}
			return resultToJS(r), nil
		})
	}
	// The abort event cancels the get's context from the event loop
	// (cancel never blocks); the listener goes when the get settles.
	ctx, cancel := context.WithCancel(context.Background())
	onAbort := js.FuncOf(func(js.Value, []js.Value) any {
		cancel()
		return nil
	})
	signal.Call("addEventListener", "abort", onAbort)
	return promise(func() (any, error) {
		defer func() {
			signal.Call("removeEventListener", "abort", onAbort)
			onAbort.Release()
			cancel()
		}()
		r, err := h.client.Get(ctx, url, opts...)
		if err != nil {
			return nil, err
		}
		return resultToJS(r), nil
	})
}

// modeFromJS reads init.cache: absent is the default mode.
func modeFromJS(v js.Value) (fetcher.Mode, error) {
	if absent(v) {
		return fetcher.ModeDefault, nil
	}
	if v.Type() == js.TypeString {
		if m, ok := fetcher.ParseMode(v.String()); ok {
			return m, nil
		}
	}
	return fetcher.ModeDefault, badArg(`init.cache must be 'default', 'no-cache', 'reload', 'force-cache' or 'only-if-cached'`)
}

// adopt implements handle.adopt(url, {status, headers, body, receivedAt}) ->
// Promise<boolean>: stores a response the JS face fetched itself while the
// module was loading, under the rules of a fetch (fetcher.Client.Adopt).
func (h *handle) adopt(args []js.Value) js.Value {
	url, err := urlArg(args)
	if err != nil {
		return rejected(err)
	}
	if len(args) < 2 || args[1].Type() != js.TypeObject {
		return rejected(badArg("adopt(url, response): response must be an object"))
	}
	r := args[1]
	status, received := r.Get("status"), r.Get("receivedAt")
	if status.Type() != js.TypeNumber || received.Type() != js.TypeNumber {
		return rejected(badArg("adopt: response.status and response.receivedAt must be numbers"))
	}
	hdr, err := headersFromJS(r.Get("headers"), "response.headers")
	if err != nil {
		return rejected(err)
	}
	resp := &fetcher.Response{Status: status.Int(), Header: hdr, Body: cache.NewJSBody(r.Get("body"))}
	at := time.UnixMilli(int64(received.Float()))
	return promise(func() (any, error) {
		return h.client.Adopt(context.Background(), url, resp, at)
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

// setOnline implements handle.setOnline(online: boolean) -> undefined: the
// browser's connectivity hint (navigator.onLine), which background retries
// wait on. Called on the window's online/offline events, never on a read.
// Anything but a boolean is ignored.
func (h *handle) setOnline(args []js.Value) js.Value {
	if len(args) > 0 && args[0].Type() == js.TypeBoolean {
		h.conn.SetOnline(args[0].Bool())
	}
	return js.Undefined()
}

// clear implements handle.clear(all) -> Promise<number>: this namespace, or
// with all === true every namespace of the database.
func (h *handle) clear(args []js.Value) js.Value {
	all := len(args) > 0 && args[0].Type() == js.TypeBoolean && args[0].Bool()
	return promise(func() (any, error) {
		return h.client.Clear(context.Background(), all)
	})
}

// stats implements handle.stats() -> Promise<{entries, bytes, hits, ...,
// pending, failed}>: pending and failed count the namespace's queued writes.
func (h *handle) stats(_ []js.Value) js.Value {
	return promise(func() (any, error) {
		st, err := h.client.Stats(context.Background())
		if err != nil {
			return nil, err
		}
		ob, err := h.client.Outbox(context.Background())
		if err != nil {
			return nil, err
		}
		pending, failed := 0, 0
		for _, m := range ob {
			if m.State == cache.MutationFailed {
				failed++
			} else {
				pending++
			}
		}
		return obj(map[string]any{
			"pending":       pending,
			"failed":        failed,
			"entries":       st.Entries,
			"bytes":         st.Bytes,
			"hits":          st.Hits,
			"misses":        st.Misses,
			"revalidations": st.Revalidations,
			"notModified":   st.NotModified,
			"updates":       st.Updates,
			"errors":        st.Errors,
		}), nil
	})
}

// entries implements handle.entries() -> Promise<Array<{url, namespace,
// version, status, etag, lastModified, size, storedAt, validatedAt, vary,
// stale, expired}>>: the namespace's entries without bodies (times in ms since
// the epoch; vary null when the response does not vary).
func (h *handle) entries(_ []js.Value) js.Value {
	return promise(func() (any, error) {
		infos, err := h.client.Entries(context.Background())
		if err != nil {
			return nil, err
		}
		arr := js.Global().Get("Array").New(len(infos))
		for i, in := range infos {
			vary := js.Null()
			if len(in.Vary) > 0 {
				vary = obj(stringsAny(in.Vary))
			}
			arr.SetIndex(i, obj(map[string]any{
				"url": in.URL, "namespace": in.Namespace, "version": in.AppVersion, "status": in.Status,
				"etag": in.ETag, "lastModified": in.LastModified, "size": float64(in.Size),
				"storedAt": float64(in.StoredAt.UnixMilli()), "validatedAt": float64(in.ValidatedAt.UnixMilli()),
				"vary": vary, "stale": in.Stale, "expired": in.Expired,
			}))
		}
		return arr, nil
	})
}

// stringsAny converts a map of strings for obj.
func stringsAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// close implements handle.close(): the client cancels background work (a
// hanging request must not hold close for its whole timeout and retries),
// and closes its store; the handle's functions are released.
func (h *handle) close(_ []js.Value) js.Value {
	return promise(func() (any, error) {
		err := h.client.Close()
		for _, f := range h.funcs {
			f.Release()
		}
		h.funcs = nil
		return nil, err
	})
}
