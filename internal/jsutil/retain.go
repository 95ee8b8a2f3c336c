//go:build js && wasm

package jsutil

import (
	"runtime"
	"sync"
	"syscall/js"
)

// Go's references to JavaScript values pin them: syscall/js keeps every
// referenced value (an object, a string, an ArrayBuffer) in wasm_exec.js's
// table until Go's garbage collector finalizes the js.Value, and the
// collector runs by Go's own heap growth, which a browser-bound program
// barely causes. Without a nudge a thousand cached reads of 1 MB bodies
// could pin a gigabyte of ArrayBuffers on a phone (measured: renderer RSS
// 171 -> 582 MB after 300 reads of a 1 MB body), and the Go heap grows in
// 4 MB arenas that linear memory never gives back. So the code that takes
// references reports them here, and after enough of them Go collects, once
// the current JavaScript task is over (never in the middle of a read).

// Bounds between collections: body bytes referenced, and operations that
// take references (a judged record, a fetch, an IndexedDB transaction, an
// event handed to JavaScript: each a few dozen small values).
const (
	gcAfterBytes = 32 << 20
	gcAfterOps   = 64
)

var retained struct {
	mu        sync.Mutex
	bytes     int64
	ops       int
	scheduled bool
	collect   func() // runtime.GC; tests count calls
	after     func(func())
}

// Retained notes one operation that took references to JavaScript values,
// n of them bytes of ArrayBuffers, and schedules a collection once the
// bounds are passed. Safe for concurrent use; cheap.
func Retained(n int) {
	retained.mu.Lock()
	retained.bytes += int64(n)
	retained.ops++
	due := !retained.scheduled && (retained.bytes >= gcAfterBytes || retained.ops >= gcAfterOps)
	if due {
		retained.scheduled = true
		retained.bytes, retained.ops = 0, 0
	}
	after := retained.after
	retained.mu.Unlock()
	if !due {
		return
	}
	if after == nil {
		after = AfterTask
	}
	after(collectNow)
}

func collectNow() {
	retained.mu.Lock()
	retained.scheduled = false
	retained.bytes, retained.ops = 0, 0 // what was retained until now is collected now
	collect := retained.collect
	retained.mu.Unlock()
	if collect == nil {
		collect = runtime.GC
	}
	collect()
}

var (
	taskOnce sync.Once
	taskFunc js.Func
	taskFns  []func()
	taskMu   sync.Mutex
)

// AfterTask runs f after the current JavaScript task (setTimeout 0), on the
// event loop's goroutine (f must not block), through one js.Func made once:
// no js.Func is created or released per call. Calls made within one task
// share one setTimeout and run in order.
func AfterTask(f func()) {
	taskOnce.Do(func() {
		taskFunc = js.FuncOf(func(js.Value, []js.Value) any {
			taskMu.Lock()
			fns := taskFns
			taskFns = nil
			taskMu.Unlock()
			for _, f := range fns {
				f()
			}
			return nil
		})
	})
	taskMu.Lock()
	taskFns = append(taskFns, f)
	first := len(taskFns) == 1
	taskMu.Unlock()
	if first {
		js.Global().Call("setTimeout", taskFunc, 0)
	}
}

// SetCollector replaces the collection with collect, run by after instead of
// after the JS task, until the returned function restores the defaults
// (tests).
func SetCollector(collect func(), after func(func())) (restore func()) {
	retained.mu.Lock()
	defer retained.mu.Unlock()
	oc, oa := retained.collect, retained.after
	retained.collect, retained.after = collect, after
	retained.bytes, retained.ops, retained.scheduled = 0, 0, false
	return func() {
		retained.mu.Lock()
		defer retained.mu.Unlock()
		retained.collect, retained.after = oc, oa
	}
}
