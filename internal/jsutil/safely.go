//go:build js && wasm

package jsutil

import "syscall/js"

// PanicError is a Go panic (not a JS exception) recovered by Safely.
type PanicError struct {
	// Value is what was passed to panic.
	Value any
}

func (e *PanicError) Error() string {
	switch x := e.Value.(type) {
	case error:
		return "panic: " + x.Error()
	case string:
		return "panic: " + x
	}
	return "panic"
}

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Safely runs fn and returns its error, turning a panic into an error: a JS
// exception that syscall/js raised as a panic (a js.Error, e.g. from Call or
// Get on a value that throws) becomes a *JSError, any other panic a
// *PanicError. It is the one place where this module recovers panics, so a
// malformed value from JavaScript or IndexedDB is an error, never a crash.
func Safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if je, ok := r.(js.Error); ok {
				err = ErrorFrom(je.Value)
				return
			}
			err = &PanicError{Value: r}
		}
	}()
	return fn()
}
