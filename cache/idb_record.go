//go:build js && wasm

package cache

import (
	"errors"
	"fmt"
	"math"
	"syscall/js"

	"github.com/etagcache/etag-cache/internal/jsutil"
)

// recordSchema is the "schema" field of every record this package writes. A
// record with another value does not decode (ReasonCorrupt) and is replaced
// on the next fetch.
const recordSchema = 1

// errCorrupt marks a stored record that does not decode.
var errCorrupt = errors.New("corrupt record")

// maxSafeInt is the largest integer a JS number holds exactly (2^53 - 1).
const maxSafeInt = 1<<53 - 1

// encodeRecord turns e into the plain JS object stored under e.Key.
func encodeRecord(e *Entry) (rec js.Value, size int64) {
	obj := js.Global().Get("Object")
	headers := obj.New()
	for k, v := range e.Header {
		headers.Set(k, v)
	}
	body := bodyBuffer(e.Body)
	size = int64(body.Get("byteLength").Int())
	rec = obj.New()
	for _, f := range []struct {
		name string
		v    any
	}{
		{"schema", recordSchema},
		{"key", e.Key},
		{"url", e.URL},
		{"method", e.Method},
		{"ns", e.Namespace},
		{"version", e.AppVersion},
		{"etag", e.ETag},
		{"lastModified", e.LastModified},
		{"status", e.Status},
		{"headers", headers},
		{"storedAt", float64(floorMillis(e.StoredAt))},
		{"validatedAt", float64(floorMillis(e.ValidatedAt))},
		{"size", float64(size)},
		{"hash", e.Hash},
		{"body", body},
	} {
		rec.Set(f.name, f.v)
	}
	return rec, size
}

// decodeRecord turns a stored record read under key back into an Entry whose
// Body is a *JSBody over the stored ArrayBuffer. Any missing field, wrong
// type or inconsistency is an error wrapping errCorrupt; it never panics.
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
	d := fieldReader{rec: rec}
	if s := d.int("schema", 0, maxSafeInt); d.err == nil && s != recordSchema {
		return nil, fmt.Errorf("%w: schema %d, want %d", errCorrupt, s, recordSchema)
	}
	e := &Entry{
		Key:          d.str("key"),
		URL:          d.str("url"),
		Method:       d.str("method"),
		Namespace:    d.str("ns"),
		AppVersion:   d.str("version"),
		ETag:         d.str("etag"),
		LastModified: d.str("lastModified"),
		Status:       int(d.int("status", 0, 999)),
		StoredAt:     fromMillis(d.int("storedAt", -maxSafeInt, maxSafeInt)),
		ValidatedAt:  fromMillis(d.int("validatedAt", -maxSafeInt, maxSafeInt)),
		Hash:         d.str("hash"),
		Header:       d.headers("headers"),
	}
	size := d.int("size", 0, maxSafeInt)
	body := rec.Get("body")
	if d.err == nil && (body.Type() != js.TypeObject || !body.InstanceOf(js.Global().Get("ArrayBuffer"))) {
		d.fail("body", "ArrayBuffer", body)
	}
	if d.err != nil {
		return nil, d.err
	}
	if e.Key != key {
		return nil, fmt.Errorf("%w: key field %q, stored under %q", errCorrupt, e.Key, key)
	}
	jb := NewJSBody(body)
	if int64(jb.Len()) != size {
		return nil, fmt.Errorf("%w: body of %d bytes, size field %d", errCorrupt, jb.Len(), size)
	}
	e.Body = jb
	return e, nil
}

// fieldReader reads typed fields of a JS object, keeping the first error.
type fieldReader struct {
	rec js.Value
	err error
}

func (d *fieldReader) fail(name, want string, got js.Value) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: field %q is %v, want %s", errCorrupt, name, got.Type(), want)
	}
}

func (d *fieldReader) str(name string) string {
	v := d.rec.Get(name)
	if v.Type() != js.TypeString {
		d.fail(name, "string", v)
		return ""
	}
	return v.String()
}

// int reads an integer number within [lo, hi].
func (d *fieldReader) int(name string, lo, hi int64) int64 {
	v := d.rec.Get(name)
	if v.Type() != js.TypeNumber {
		d.fail(name, "number", v)
		return 0
	}
	f := v.Float()
	if math.IsNaN(f) || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		if d.err == nil {
			d.err = fmt.Errorf("%w: field %q is %v, want an integer in [%d, %d]", errCorrupt, name, f, lo, hi)
		}
		return 0
	}
	return int64(f)
}

func (d *fieldReader) headers(name string) map[string]string {
	v := d.rec.Get(name)
	if v.Type() != js.TypeObject {
		d.fail(name, "object", v)
		return nil
	}
	keys := js.Global().Get("Object").Call("keys", v)
	n := keys.Length()
	if n == 0 {
		return nil
	}
	out := make(map[string]string, n)
	for i := 0; i < n; i++ {
		k := keys.Index(i).String() // Object.keys returns strings only
		hv := v.Get(k)
		if hv.Type() != js.TypeString {
			d.fail(name+"."+k, "string", hv)
			return nil
		}
		out[k] = hv.String()
	}
	return out
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
	v := obj.Get(name)
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
	if rec.Type() == js.TypeObject {
		if v := rec.Get("url"); v.Type() == js.TypeString {
			ev.URL = v.String()
		}
		if v := rec.Get("ns"); v.Type() == js.TypeString {
			ev.Namespace = v.String()
		}
	}
	return ev
}
