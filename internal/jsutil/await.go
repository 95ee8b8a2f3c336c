//go:build js && wasm

// Package jsutil holds the few syscall/js helpers the browser-side packages
// share: awaiting a Promise with a deadline, and reading JS errors.
package jsutil

import (
	"context"
	"errors"
	"syscall/js"
)

// ErrRejected wraps every rejection Await reports.
var ErrRejected = errors.New("promise rejected")

// JSError is a JavaScript exception or rejection value turned into a Go error.
type JSError struct {
	Name    string // the JS error's name ("TypeError", "AbortError", ...), "" if it had none
	Message string
	Value   js.Value
}

func (e *JSError) Error() string {
	if e.Name == "" {
		return e.Message
	}
	return e.Name + ": " + e.Message
}

// Is makes errors.Is(err, ErrRejected) hold.
func (e *JSError) Is(target error) bool { return target == ErrRejected }

// ErrorFrom describes a thrown or rejected JS value without panicking on
// unusual shapes (a string, null, an object without name).
func ErrorFrom(v js.Value) *JSError {
	e := &JSError{Value: v}
	switch v.Type() {
	case js.TypeObject, js.TypeFunction:
		if n := v.Get("name"); n.Type() == js.TypeString {
			e.Name = n.String()
		}
		if m := v.Get("message"); m.Type() == js.TypeString {
			e.Message = m.String()
		}
	case js.TypeString:
		e.Message = v.String()
	default:
		e.Message = v.Type().String()
	}
	if e.Message == "" {
		e.Message = "rejected"
	}
	return e
}

// Await waits for p to settle and returns its value, a *JSError for a
// rejection, or ctx.Err() when ctx ends first. A non-thenable p is returned
// as is. Await must not run on the JS event loop's goroutine (inside a
// js.FuncOf callback); call it from a goroutine of its own.
func Await(ctx context.Context, p js.Value) (js.Value, error) {
	if p.Type() != js.TypeObject || p.Get("then").Type() != js.TypeFunction {
		return p, nil
	}
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var onOK, onErr js.Func
	onOK = js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{v: v}
		return nil
	})
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{err: ErrorFrom(v)}
		return nil
	})
	p.Call("then", onOK, onErr)
	select {
	case r := <-ch:
		onOK.Release()
		onErr.Release()
		return r.v, r.err
	case <-ctx.Done():
		// The callbacks may still fire later; they must stay valid, so they are
		// released when the promise settles.
		go func() {
			<-ch
			onOK.Release()
			onErr.Release()
		}()
		return js.Undefined(), ctx.Err()
	}
}

// Try calls fn and returns its value, or the error Safely makes of a panic
// (a JS exception thrown inside fn arrives as a *JSError).
func Try(fn func() js.Value) (v js.Value, err error) {
	err = Safely(func() error {
		v = fn()
		return nil
	})
	return v, err
}
