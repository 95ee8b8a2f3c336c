//go:build js && wasm

package main

import (
	"syscall/js"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/fetcher"
	"github.com/etagcache/etag-cache/internal/jsutil"
)

// obj builds a plain JS object from simple Go values.
func obj(m map[string]any) js.Value {
	o := js.Global().Get("Object").New()
	for k, v := range m {
		o.Set(k, v)
	}
	return o
}

func jsTime(t time.Time) any {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixMilli())
}

// resultToJS is the raw result of the wasm contract. The body goes to JS as
// an ArrayBuffer; a body read from IndexedDB (or fetched) is handed on as the
// js.Value it already is, with no copy through Go memory.
func resultToJS(r *fetcher.Result) js.Value {
	hdr := js.Global().Get("Object").New()
	for k, v := range r.Header {
		hdr.Set(k, v)
	}
	return obj(map[string]any{
		"url":          r.URL,
		"status":       r.Status,
		"etag":         r.ETag,
		"lastModified": r.LastModified,
		"source":       string(r.Source),
		"stale":        r.Stale,
		"revalidating": r.Revalidating,
		"pending":      r.Pending,
		"storedAt":     jsTime(r.StoredAt),
		"validatedAt":  jsTime(r.ValidatedAt),
		"contentType":  r.Header["content-type"],
		"headers":      hdr,
		"body":         bodyToJS(r.Body),
	})
}

func bodyToJS(b cache.Body) js.Value {
	if jb, ok := b.(*cache.JSBody); ok {
		return jb.JSValue()
	}
	return cache.NewJSBodyFrom(b).JSValue()
}

// emit is the fetcher's event sink: it turns each event into the detail
// object of the wasm contract and hands it to the JS onEvent callback.
func (h *handle) emit(ev fetcher.Event) {
	var d js.Value
	switch ev.Type {
	case fetcher.EventUpdate:
		if ev.Result == nil {
			return
		}
		d = resultToJS(ev.Result)
	case fetcher.EventRevalidated:
		// 304, or 200 when the server re-sent the same representation.
		d = obj(map[string]any{"url": ev.URL, "status": ev.Status, "validatedAt": jsTime(ev.ValidatedAt)})
	case fetcher.EventError:
		d = obj(map[string]any{"url": ev.URL, "kind": string(ev.Kind), "message": ev.Message, "retrying": ev.Retrying})
		if ev.Status != 0 {
			d.Set("status", ev.Status)
		}
	case fetcher.EventEvict:
		d = obj(map[string]any{"url": ev.URL, "reason": string(ev.Reason)})
	case fetcher.EventWarning:
		d = obj(map[string]any{"url": ev.URL, "code": ev.Code, "message": ev.Message})
	case fetcher.EventQueued, fetcher.EventSent, fetcher.EventConflict, fetcher.EventFailed:
		d = writeEvent(ev)
	default:
		return
	}
	h.emitJS(string(ev.Type), d)
}

// emitJS calls onEvent(type, detail); an exception thrown by the listener is
// logged, never propagated into Go.
func (h *handle) emitJS(typ string, detail js.Value) {
	if h.onEvent.Type() != js.TypeFunction {
		return
	}
	jsutil.Retained(0) // the detail object and its values
	err := jsutil.Safely(func() error {
		h.onEvent.Invoke(typ, detail)
		return nil
	})
	if err != nil {
		js.Global().Get("console").Call("error", "etag-cache: onEvent threw", typ)
	}
}
