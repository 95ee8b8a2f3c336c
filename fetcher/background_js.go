//go:build js && wasm

package fetcher

import "syscall/js"

// defaultBackground starts f on a goroutine after one JavaScript task
// (setTimeout 0). A goroutine started during a cached read would otherwise
// run before Go yields to JavaScript, building the revalidation's fetch
// before the read's Promise settles and the page renders (~0.8 ms a read,
// make bench).
func defaultBackground(f func()) {
	var cb js.Func
	cb = js.FuncOf(func(js.Value, []js.Value) any {
		cb.Release()
		go f()
		return nil
	})
	js.Global().Call("setTimeout", cb, 0)
}
