//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/etagcache/etag-cache/internal/jsutil"
)

// promise runs fn on a goroutine of its own and returns a Promise of its
// result, so no js.FuncOf callback ever blocks. A panic in fn becomes a
// rejection with an EtagCacheError, and the module keeps serving.
func promise(fn func() (any, error)) js.Value {
	executor := js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			var v any
			err := jsutil.Safely(func() (err error) {
				v, err = fn()
				return err
			})
			if err != nil {
				reject.Invoke(toJSError(err))
				return
			}
			resolve.Invoke(v)
		}()
		return nil
	})
	p := js.Global().Get("Promise").New(executor) // runs the executor synchronously
	executor.Release()
	return p
}

// rejected is a Promise already rejected with err.
func rejected(err error) js.Value {
	return js.Global().Get("Promise").Call("reject", toJSError(err))
}
