//go:build js && wasm

package cache

import (
	"sync"
	"syscall/js"

	"github.com/etagcache/etag-cache/internal/jsutil"
)

// JSBody is a Body whose bytes live in a JavaScript ArrayBuffer. The
// IndexedDB store hands one back from Get so a cached read can go from
// IndexedDB to JavaScript (JSValue) without a copy through Go memory; Bytes
// copies into Go only when called, once.
type JSBody struct {
	v    js.Value // an ArrayBuffer
	n    int
	once sync.Once
	b    []byte
}

// NewJSBody wraps an ArrayBuffer, or the bytes an ArrayBuffer view (a
// Uint8Array, DataView...) covers: a view of a whole ArrayBuffer shares it,
// a view of a part of one is copied into a new ArrayBuffer. Any other value
// (undefined, a string, a SharedArrayBuffer) gives an empty body.
func NewJSBody(v js.Value) *JSBody {
	buf := arrayBufferOf(v)
	b := &JSBody{v: buf, n: buf.Get("byteLength").Int()}
	jsutil.Retained(b.n)
	return b
}

// arrayBufferOf returns the ArrayBuffer holding v's bytes, or an empty one.
func arrayBufferOf(v js.Value) js.Value {
	ab := js.Global().Get("ArrayBuffer")
	buf, err := jsutil.Try(func() js.Value {
		if v.Type() != js.TypeObject {
			return ab.New(0)
		}
		if v.InstanceOf(ab) {
			return v
		}
		if !ab.Call("isView", v).Bool() {
			return ab.New(0)
		}
		b, off, n := v.Get("buffer"), v.Get("byteOffset").Int(), v.Get("byteLength").Int()
		if b.InstanceOf(ab) && off == 0 && b.Get("byteLength").Int() == n {
			return b
		}
		return js.Global().Get("Uint8Array").New(b, off, n).Call("slice").Get("buffer")
	})
	if err != nil {
		return ab.New(0)
	}
	return buf
}

// Len implements Body.
func (b *JSBody) Len() int { return b.n }

// Bytes implements Body: it copies the ArrayBuffer into Go memory the first
// time and returns that copy after.
func (b *JSBody) Bytes() []byte {
	b.once.Do(func() {
		b.b = make([]byte, b.n)
		if b.n > 0 {
			js.CopyBytesToGo(b.b, js.Global().Get("Uint8Array").New(b.v))
		}
	})
	return b.b
}

// JSValue returns the ArrayBuffer, to hand to JavaScript without copying.
// JavaScript must not change or transfer it: the body is shared.
func (b *JSBody) JSValue() js.Value { return b.v }

// bodyBuffer returns an ArrayBuffer with body's bytes: a JSBody's own, else a
// new one copied from Go memory.
func bodyBuffer(body Body) js.Value {
	if jb, ok := body.(*JSBody); ok && jb != nil {
		return jb.v
	}
	var p []byte
	if body != nil {
		p = body.Bytes()
	}
	u8 := js.Global().Get("Uint8Array").New(len(p))
	if len(p) > 0 {
		js.CopyBytesToJS(u8, p)
	}
	jsutil.Retained(len(p))
	return u8.Get("buffer")
}

// NewJSBodyFrom returns body as a *JSBody: itself when it is one, else its
// bytes copied into a new ArrayBuffer.
func NewJSBodyFrom(body Body) *JSBody {
	if jb, ok := body.(*JSBody); ok && jb != nil {
		return jb
	}
	buf := bodyBuffer(body)
	return &JSBody{v: buf, n: buf.Get("byteLength").Int()}
}

// wrapJSBody wraps buf, an ArrayBuffer of n bytes the caller checked.
func wrapJSBody(buf js.Value, n int) *JSBody {
	jsutil.Retained(n)
	return &JSBody{v: buf, n: n}
}
