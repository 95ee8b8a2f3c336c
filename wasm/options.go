//go:build js && wasm

package main

import (
	"math"
	"syscall/js"
	"time"

	"github.com/etagcache/etag-cache/cache"
)

// openOptions are the options of api.open, checked and converted from JS.
type openOptions struct {
	version       string
	ttl           time.Duration
	dbName        string
	namespace     string
	maxEntries    int
	maxBytes      int64
	storage       string // "auto", "indexeddb" or "memory"
	headers       map[string]string
	credentials   string
	origin        string
	minRevalidate time.Duration
	timeout       time.Duration
	onEvent       js.Value // a function, or undefined
}

// parseOpenOptions reads api.open's argument. Every field is type-checked:
// a wrong type is a TypeError, never a panic or a silent default.
func parseOpenOptions(v js.Value) (openOptions, error) {
	o := openOptions{dbName: cache.DefaultDBName, storage: "auto", onEvent: js.Undefined()}
	if v.Type() != js.TypeObject {
		return o, badArg("options must be an object with a version")
	}
	var err error
	get := func(name string, dst *string) {
		if err == nil {
			err = optString(v, name, dst)
		}
	}
	get("version", &o.version)
	get("dbName", &o.dbName)
	get("namespace", &o.namespace)
	get("storage", &o.storage)
	get("credentials", &o.credentials)
	get("origin", &o.origin)
	if err != nil {
		return o, err
	}
	if o.version == "" {
		return o, badArg("options.version is required (a non-empty string)")
	}
	if o.dbName == "" {
		return o, badArg("options.dbName must not be empty")
	}
	switch o.storage {
	case "auto", "indexeddb", "memory":
	default:
		return o, badArg(`options.storage must be "auto", "indexeddb" or "memory"`)
	}
	switch o.credentials {
	case "", "omit", "same-origin", "include":
	default:
		return o, badArg(`options.credentials must be "omit", "same-origin" or "include"`)
	}
	var n float64
	if n, err = optNumber(v, "ttl"); err != nil {
		return o, err
	}
	o.ttl = millis(n)
	if n, err = optNumber(v, "maxEntries"); err != nil {
		return o, err
	}
	o.maxEntries = int(n)
	if n, err = optNumber(v, "maxBytes"); err != nil {
		return o, err
	}
	o.maxBytes = int64(n)
	if n, err = optNumber(v, "minRevalidateInterval"); err != nil {
		return o, err
	}
	o.minRevalidate = millis(n)
	if n, err = optNumber(v, "timeout"); err != nil {
		return o, err
	}
	o.timeout = millis(n)
	if o.headers, err = optHeaders(v.Get("headers"), "options.headers"); err != nil {
		return o, err
	}
	if f := v.Get("onEvent"); f.Type() == js.TypeFunction {
		o.onEvent = f
	} else if !absent(f) {
		return o, badArg("options.onEvent must be a function")
	}
	return o, nil
}

func absent(v js.Value) bool { return v.IsUndefined() || v.IsNull() }

func optString(obj js.Value, name string, dst *string) error {
	v := obj.Get(name)
	if absent(v) {
		return nil
	}
	if v.Type() != js.TypeString {
		return badArg("options." + name + " must be a string")
	}
	*dst = v.String()
	return nil
}

// optNumber reads a finite, non-negative number; absent is 0.
func optNumber(obj js.Value, name string) (float64, error) {
	v := obj.Get(name)
	if absent(v) {
		return 0, nil
	}
	if v.Type() != js.TypeNumber {
		return 0, badArg("options." + name + " must be a number")
	}
	f := v.Float()
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1<<53 {
		return 0, badArg("options." + name + " must be a finite, non-negative number")
	}
	return f, nil
}

func millis(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// optHeaders reads a plain {name: value} object of strings.
func optHeaders(v js.Value, what string) (map[string]string, error) {
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
