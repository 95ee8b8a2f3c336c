//go:build js && wasm

// Command etag-cache is the WebAssembly module behind web/etag-cache.js.
//
// It is a thin translation layer: it turns JavaScript arguments into Go
// values, calls package fetcher and package cache, and turns results, events
// and errors back into JavaScript. The JS wrapper starts it with one argument,
// the name of a one-shot global callback; main hands that callback the API
// object ({ open }) and the wrapper deletes the global. No other globals.
package main

import (
	"os"
	"syscall/js"
)

func main() {
	if len(os.Args) < 2 {
		js.Global().Get("console").Call("error", "etag-cache: started without an init callback name; load it through etag-cache.js")
		return
	}
	cb := js.Global().Get(os.Args[1])
	if cb.Type() != js.TypeFunction {
		js.Global().Get("console").Call("error", "etag-cache: init callback "+os.Args[1]+" is not a function")
		return
	}
	open := js.FuncOf(func(_ js.Value, args []js.Value) any { return openCache(args) })
	api := js.Global().Get("Object").New()
	api.Set("open", open)
	cb.Invoke(api)
	select {} // serve calls forever; the funcs above are never released
}
