//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/fetcher"
)

// mutate implements handle.mutate(url, init) -> Promise<{queued, id, url,
// status?, etag?, headers?, body?}>. init is what the JS face built from
// cache.mutate's options: {method, headers?, body?: ArrayBuffer, ifMatch:
// 'auto' | false | string, invalidates?: string[] (absolute), patch?:
// ArrayBuffer (the optimistic body), queue: boolean}. Rejects TypeError for a
// bad init, ConflictError (412, with current: a raw result or null),
// HttpStatusError (with status, headers and body), NetworkError /
// TimeoutError (unreachable with queue false).
func (h *handle) mutate(args []js.Value) js.Value {
	url, err := urlArg(args)
	if err != nil {
		return rejected(err)
	}
	if len(args) < 2 || args[1].Type() != js.TypeObject {
		return rejected(badArg("mutate(url, init): init must be an object"))
	}
	init := args[1]
	w := fetcher.Write{URL: url}
	if m := init.Get("method"); m.Type() == js.TypeString {
		w.Method = m.String()
	} else {
		return rejected(badArg("init.method must be a string"))
	}
	if w.Header, err = headersFromJS(init.Get("headers"), "init.headers"); err != nil {
		return rejected(err)
	}
	if w.Body, err = bytesArg(init.Get("body"), "init.body"); err != nil {
		return rejected(err)
	}
	if w.Patch, err = bytesArg(init.Get("patch"), "init.patch"); err != nil {
		return rejected(err)
	}
	switch im := init.Get("ifMatch"); {
	case absent(im) || (im.Type() == js.TypeString && im.String() == "auto"):
		w.IfMatchMode = fetcher.IfMatchAuto
	case im.Type() == js.TypeBoolean && !im.Bool():
		w.IfMatchMode = fetcher.IfMatchNone
	case im.Type() == js.TypeString:
		w.IfMatchMode, w.IfMatch = fetcher.IfMatchValue, im.String()
	default:
		return rejected(badArg("init.ifMatch must be 'auto', false or a string"))
	}
	if inv := init.Get("invalidates"); !absent(inv) {
		if !js.Global().Get("Array").Call("isArray", inv).Bool() {
			return rejected(badArg("init.invalidates must be an array of URLs"))
		}
		for i, n := 0, inv.Length(); i < n; i++ {
			v := inv.Index(i)
			if v.Type() != js.TypeString {
				return rejected(badArg("init.invalidates must be an array of URLs"))
			}
			w.Invalidates = append(w.Invalidates, v.String())
		}
	}
	if q := init.Get("queue"); q.Type() == js.TypeBoolean && !q.Bool() {
		w.NoQueue = true
	}
	return promise(func() (any, error) {
		r, err := h.client.Mutate(context.Background(), w)
		if err != nil {
			return nil, err
		}
		o := obj(map[string]any{"queued": r.Queued, "id": r.ID, "url": r.URL})
		if !r.Queued {
			o.Set("status", r.Status)
			o.Set("etag", r.ETag)
			o.Set("headers", obj(stringsAny(r.Header)))
			o.Set("body", bodyToJS(r.Body))
		}
		return o, nil
	})
}

// bytesArg reads an optional ArrayBuffer argument; nil when absent.
func bytesArg(v js.Value, name string) ([]byte, error) {
	if absent(v) {
		return nil, nil
	}
	if v.Type() != js.TypeObject || !v.InstanceOf(js.Global().Get("ArrayBuffer")) {
		return nil, badArg(name + " must be an ArrayBuffer")
	}
	return cache.NewJSBody(v).Bytes(), nil
}

// outbox implements handle.outbox() -> Promise<Array<{id, url, method,
// queuedAt, attempts, state, lastError}>> (lastError null before any).
func (h *handle) outbox(_ []js.Value) js.Value {
	return promise(func() (any, error) {
		ms, err := h.client.Outbox(context.Background())
		if err != nil {
			return nil, err
		}
		arr := js.Global().Get("Array").New(len(ms))
		for i, m := range ms {
			var last any
			if m.LastError != "" {
				last = m.LastError
			}
			arr.SetIndex(i, obj(map[string]any{
				"id": m.ID, "url": m.URL, "method": m.Method, "queuedAt": float64(m.QueuedAt.UnixMilli()),
				"attempts": m.Attempts, "state": string(m.State), "lastError": last,
			}))
		}
		return arr, nil
	})
}

// flush implements handle.flush() -> Promise<undefined>: replay the pending
// writes now.
func (h *handle) flush(_ []js.Value) js.Value {
	return promise(func() (any, error) { return nil, h.client.Flush(context.Background()) })
}

// retry implements handle.retry(id) -> Promise<undefined>.
func (h *handle) retry(args []js.Value) js.Value {
	if len(args) == 0 || args[0].Type() != js.TypeString {
		return rejected(badArg("retry(id): id must be a string"))
	}
	id := args[0].String()
	return promise(func() (any, error) { return nil, h.client.Retry(context.Background(), id) })
}

// discard implements handle.discard(id) -> Promise<undefined>.
func (h *handle) discard(args []js.Value) js.Value {
	if len(args) == 0 || args[0].Type() != js.TypeString {
		return rejected(badArg("discard(id): id must be a string"))
	}
	id := args[0].String()
	return promise(func() (any, error) { return nil, h.client.Discard(context.Background(), id) })
}

// clearOutbox implements handle.clearOutbox() -> Promise<number>.
func (h *handle) clearOutbox(_ []js.Value) js.Value {
	return promise(func() (any, error) { return h.client.ClearOutbox(context.Background()) })
}

// writeEvent is the detail of a queued, sent, conflict or failed event:
// {id, url, method} and status (sent, failed), current (conflict: a raw
// result or null), message (conflict, failed).
func writeEvent(ev fetcher.Event) js.Value {
	d := obj(map[string]any{"id": ev.ID, "url": ev.URL, "method": ev.Method})
	switch ev.Type {
	case fetcher.EventSent:
		d.Set("status", ev.Status)
	case fetcher.EventConflict:
		cur := js.Null()
		if ev.Result != nil {
			cur = resultToJS(ev.Result)
		}
		d.Set("current", cur)
		d.Set("message", ev.Message)
	case fetcher.EventFailed:
		d.Set("status", ev.Status)
		d.Set("message", ev.Message)
	}
	return d
}
