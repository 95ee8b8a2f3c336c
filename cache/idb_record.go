//go:build js && wasm

package cache

import (
	"errors"
	"fmt"
	"math"
	"syscall/js"

	"github.com/etagcache/etag-cache/internal/jsutil"
)

// recordSchema is the "schema" field of every record this package writes.
// A record with another value does not decode (ReasonCorrupt) and is
// replaced on the next fetch. Schema 1 kept every field as its own property;
// schema 2 moved what only Go reads into one JSON string (see meta); schema 3
// keys records by app version too and drops the namespace property (the key
// range of a namespace replaces its index).
const recordSchema = 3

// errCorrupt marks a stored record that does not decode.
var errCorrupt = errors.New("corrupt record")

// encodeRecord turns e into the plain JS object stored under e.Key, with the
// store's app version:
//
//	{schema: 3, version, validatedAt, size, meta: "<JSON>", body: ArrayBuffer}
//
// version, validatedAt and size are what the indexes need; meta holds the
// rest (see meta), key, namespace and version included.
func encodeRecord(e *Entry, version string) (rec js.Value, size int64) {
	body := bodyBuffer(e.Body)
	size = int64(body.Get("byteLength").Int())
	rec = js.Global().Get("Object").New()
	rec.Set("schema", recordSchema)
	rec.Set("version", version)
	rec.Set("validatedAt", float64(floorMillis(e.ValidatedAt)))
	rec.Set("size", float64(size))
	rec.Set("meta", metaOf(e, version).encode())
	rec.Set("body", body)
	return rec, size
}

// decodeRecord turns a stored record read under key back into an Entry whose
// Body is a *JSBody over the stored ArrayBuffer. A missing field, a wrong
// type, a meta that does not decode, identity fields that do not all agree
// with key (the meta's key, namespace, version, method and URL, and the
// record's version), or a body that is not an ArrayBuffer of the recorded
// size is an error wrapping errCorrupt; it never panics. It reads five
// properties of the record, two of them strings.
func decodeRecord(key string, rec js.Value) (e *Entry, err error) {
	if perr := jsutil.Safely(func() error {
		e, err = decodeFields(key, rec)
		return nil
	}); perr != nil {
		return nil, fmt.Errorf("%w: %w", errCorrupt, perr)
	}
	return e, err
}

// decodeFields is decodeRecord without the panic guard.
func decodeFields(key string, rec js.Value) (*Entry, error) {
	if rec.Type() != js.TypeObject {
		return nil, fmt.Errorf("%w: record is a %v", errCorrupt, rec.Type())
	}
	if s := countField(rec, "schema"); s != recordSchema {
		return nil, fmt.Errorf("%w: schema %d, want %d", errCorrupt, s, recordSchema)
	}
	mv := rec.Get("meta")
	if mv.Type() != js.TypeString {
		return nil, fmt.Errorf("%w: meta is %v, want string", errCorrupt, mv.Type())
	}
	m, err := decodeMeta(mv.String())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errCorrupt, err)
	}
	if m.Key != key {
		return nil, fmt.Errorf("%w: meta names key %q, stored under %q", errCorrupt, m.Key, key)
	}
	if !identityKey(key, joinKey(m.Namespace, m.Version, m.Method, m.URL), m.Vary) {
		return nil, fmt.Errorf("%w: namespace %q, version %q, method %q and URL %q do not make key %q",
			errCorrupt, m.Namespace, m.Version, m.Method, m.URL, key)
	}
	if v := rec.Get("version"); v.Type() != js.TypeString || v.String() != m.Version {
		return nil, fmt.Errorf("%w: the record's version is not its meta's %q", errCorrupt, m.Version)
	}
	va, ok := intField(rec, "validatedAt", -maxSafeInt, maxSafeInt)
	if !ok {
		return nil, fmt.Errorf("%w: validatedAt is not a whole number of ms", errCorrupt)
	}
	size, ok := intField(rec, "size", 0, maxSafeInt)
	if !ok {
		return nil, fmt.Errorf("%w: size is not a byte count", errCorrupt)
	}
	body := rec.Get("body")
	if body.Type() != js.TypeObject || !body.InstanceOf(js.Global().Get("ArrayBuffer")) {
		return nil, fmt.Errorf("%w: body is not an ArrayBuffer", errCorrupt)
	}
	n := body.Get("byteLength").Int()
	if int64(n) != size {
		return nil, fmt.Errorf("%w: body of %d bytes, size field %d", errCorrupt, n, size)
	}
	e := m.entry()
	e.ValidatedAt = fromMillis(va)
	e.Body = wrapJSBody(body, n)
	return e, nil
}

// intField reads obj[name] as a whole number within [lo, hi].
func intField(obj js.Value, name string, lo, hi int64) (int64, bool) {
	v := obj.Get(name)
	if v.Type() != js.TypeNumber {
		return 0, false
	}
	f := v.Float()
	if math.IsNaN(f) || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, false
	}
	return int64(f), true
}

// recordSize is the "size" field of a stored record when it holds a valid
// size, else 0: what the byte total counted for it.
func recordSize(rec js.Value) int64 { return countField(rec, "size") }

// countField reads obj[name] as a whole, non-negative, safe integer; 0 when
// obj is not an object or the field is missing or holds anything else.
func countField(obj js.Value, name string) int64 {
	if obj.Type() != js.TypeObject {
		return 0
	}
	return countValue(obj.Get(name))
}

// countValue reads v as a whole, non-negative, safe integer; 0 for anything
// else.
func countValue(v js.Value) int64 {
	if v.Type() != js.TypeNumber {
		return 0
	}
	f := v.Float()
	if math.IsNaN(f) || f < 0 || f > maxSafeInt || f != math.Trunc(f) {
		return 0
	}
	return int64(f)
}

// recordEviction describes a stored record being removed, as far as its
// fields can be read.
func recordEviction(key string, rec js.Value, r Reason) Eviction {
	ev := Eviction{Key: key, Reason: r}
	_ = jsutil.Safely(func() error {
		if mv := rec.Get("meta"); mv.Type() == js.TypeString {
			if m, err := decodeMeta(mv.String()); err == nil {
				ev.URL, ev.Namespace = m.URL, m.Namespace
			}
		}
		return nil
	})
	return ev
}
