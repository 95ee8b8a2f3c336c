//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/etagcache/etag-cache/fetcher"
)

// openCache implements api.open(options) -> Promise<handle>.
func openCache(args []js.Value) js.Value {
	opt := js.Undefined()
	if len(args) > 0 {
		opt = args[0]
	}
	cfg, onEvent, err := configFromJS(opt)
	if err != nil {
		return rejected(err)
	}
	return promise(func() (any, error) {
		h := &handle{onEvent: onEvent, conn: fetcher.NewConnectivity(true)}
		cfg.Events = h.emit
		cfg.Connectivity = h.conn
		c, err := fetcher.Open(context.Background(), cfg)
		if err != nil {
			return nil, err
		}
		h.client = c
		return h.object(), nil
	})
}

// handle is one cache as JS sees it: the fetcher.Client that Open built and
// the JS callback that receives its events.
type handle struct {
	client  *fetcher.Client
	onEvent js.Value
	funcs   []js.Func
	// conn is the browser's word on the network, which the JS face passes
	// on (navigator.onLine when the handle arrives, then each online and
	// offline event of the window): retries wait while it says offline.
	conn *fetcher.Connectivity
}

// object builds the JS handle: {get, adopt, invalidate, clear, stats,
// entries, close, setOnline, storage} and the synchronous cached-read path
// {key, judge, database}.
func (h *handle) object() js.Value {
	o := js.Global().Get("Object").New()
	h.method(o, "key", h.key)
	h.method(o, "judge", h.judge)
	h.method(o, "database", h.database)
	h.method(o, "get", h.get)
	h.method(o, "adopt", h.adopt)
	h.method(o, "invalidate", h.invalidate)
	h.method(o, "clear", h.clear)
	h.method(o, "stats", h.stats)
	h.method(o, "entries", h.entries)
	h.method(o, "close", h.close)
	h.method(o, "setOnline", h.setOnline)
	h.method(o, "mutate", h.mutate)
	h.method(o, "outbox", h.outbox)
	h.method(o, "flush", h.flush)
	h.method(o, "retry", h.retry)
	h.method(o, "discard", h.discard)
	h.method(o, "clearOutbox", h.clearOutbox)
	o.Set("storage", h.client.Storage())
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
