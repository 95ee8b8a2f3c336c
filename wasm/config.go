//go:build js && wasm

package main

import (
	"math"
	"syscall/js"
	"time"

	"github.com/etagcache/etag-cache/fetcher"
)

// configFromJS converts api.open's options object into a fetcher.Config.
// It checks types only -- a value of the wrong type is a TypeError, never a
// panic or a silent default; fetcher.Open judges the values (ranges, modes,
// required fields) and its *fetcher.ConfigError becomes a TypeError too.
// onEvent is the JS callback for events (undefined when absent).
func configFromJS(v js.Value) (cfg fetcher.Config, onEvent js.Value, err error) {
	onEvent = js.Undefined()
	if v.Type() != js.TypeObject {
		return cfg, onEvent, badArg("options must be an object with a version")
	}
	r := jsReader{obj: v}
	cfg.Version = r.str("version")
	cfg.Namespace = r.str("namespace")
	cfg.DBName = r.str("dbName")
	cfg.Storage = fetcher.Storage(r.str("storage"))
	cfg.Credentials = r.str("credentials")
	cfg.Origin = r.str("origin")
	cfg.TTL = r.millis("ttl")
	cfg.MaxEntries = int(r.num("maxEntries"))
	cfg.MaxBytes = int64(r.num("maxBytes"))
	cfg.MinRevalidateInterval = r.millis("minRevalidateInterval")
	cfg.Timeout = r.millis("timeout")
	if r.err == nil {
		cfg.Header, r.err = headersFromJS(v.Get("headers"), "options.headers")
	}
	if r.err == nil && !absent(v.Get("dbName")) && cfg.DBName == "" {
		r.err = badArg("options.dbName must name a database")
	}
	if f := v.Get("onEvent"); f.Type() == js.TypeFunction {
		onEvent = f
	} else if r.err == nil && !absent(f) {
		r.err = badArg("options.onEvent must be a function")
	}
	return cfg, onEvent, r.err
}

// jsReader reads typed optional fields of a JS object, keeping the first
// type error.
type jsReader struct {
	obj js.Value
	err error
}

// str reads a string field; absent is "".
func (r *jsReader) str(name string) string {
	v := r.obj.Get(name)
	if r.err != nil || absent(v) {
		return ""
	}
	if v.Type() != js.TypeString {
		r.err = badArg("options." + name + " must be a string")
		return ""
	}
	return v.String()
}

// num reads a finite number field; absent is 0. Whole-number and range rules
// are Open's, except what a float cannot carry into Go (NaN, infinities,
// beyond 2^53).
func (r *jsReader) num(name string) float64 {
	v := r.obj.Get(name)
	if r.err != nil || absent(v) {
		return 0
	}
	if v.Type() != js.TypeNumber {
		r.err = badArg("options." + name + " must be a number")
		return 0
	}
	f := v.Float()
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1<<53 {
		r.err = badArg("options." + name + " must be a finite number")
		return 0
	}
	if f != math.Trunc(f) && (name == "maxEntries" || name == "maxBytes") {
		r.err = badArg("options." + name + " must be a whole number")
		return 0
	}
	return f
}

// millis reads a number of milliseconds as a Duration.
func (r *jsReader) millis(name string) time.Duration {
	return time.Duration(r.num(name) * float64(time.Millisecond))
}

func absent(v js.Value) bool { return v.IsUndefined() || v.IsNull() }

// headersFromJS reads a plain {name: value} object of strings.
func headersFromJS(v js.Value, what string) (map[string]string, error) {
	if absent(v) {
		return nil, nil
	}
	if v.Type() != js.TypeObject {
		return nil, badArg(what + " must be an object of strings")
	}
	keys := js.Global().Get("Object").Call("keys", v)
	h := make(map[string]string, keys.Length())
	for i := 0; i < keys.Length(); i++ {
		k := keys.Index(i).String()
		val := v.Get(k)
		if val.Type() != js.TypeString {
			return nil, badArg(what + "[" + k + "] must be a string")
		}
		h[k] = val.String()
	}
	return h, nil
}
