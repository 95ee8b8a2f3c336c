//go:build js && wasm

package jsutil

import (
	"context"
	"errors"
	"syscall/js"
)

// ErrNoLocks means the Web Locks API (navigator.locks) is unavailable.
var ErrNoLocks = errors.New("navigator.locks is unavailable")

// Exclusive runs fn while holding the exclusive Web Lock name, which every
// tab of the origin shares: no two tabs run fn for the same name at once. It
// waits for the lock until ctx ends (the request is then aborted, fn not
// run); fn runs on the calling goroutine, never on the JavaScript event loop,
// and the lock is released when it returns. ErrNoLocks where navigator.locks
// is missing (the caller decides what to do without it).
func Exclusive(ctx context.Context, name string, fn func() error) error {
	granted := make(chan struct{})
	var release js.Value
	var p js.Value
	var onGrant js.Func
	err := Safely(func() error {
		locks := js.Global().Get("navigator").Get("locks")
		if locks.Type() != js.TypeObject {
			return ErrNoLocks
		}
		exec := js.FuncOf(func(_ js.Value, args []js.Value) any {
			release = args[0]
			return nil
		})
		held := js.Global().Get("Promise").New(exec) // runs exec now
		exec.Release()
		onGrant = js.FuncOf(func(js.Value, []js.Value) any {
			close(granted)
			return held // the lock is held until held resolves
		})
		opts := js.Global().Get("Object").New()
		if ac := js.Global().Get("AbortController"); ac.Type() == js.TypeFunction {
			controller := ac.New()
			opts.Set("signal", controller.Get("signal"))
			stop := context.AfterFunc(ctx, func() {
				_ = Safely(func() error {
					controller.Call("abort")
					return nil
				})
			})
			p = locks.Call("request", name, opts, onGrant)
			go func() {
				_, _ = Await(context.Background(), p) // settles when released or aborted
				stop()
				onGrant.Release()
			}()
			return nil
		}
		p = locks.Call("request", name, opts, onGrant)
		go func() {
			_, _ = Await(context.Background(), p)
			onGrant.Release()
		}()
		return nil
	})
	if err != nil {
		return err
	}
	select {
	case <-granted:
	case <-ctx.Done():
		// Granted in the same instant is possible: release it unused.
		select {
		case <-granted:
			_ = Safely(func() error {
				release.Invoke()
				return nil
			})
		default:
		}
		return ctx.Err()
	}
	defer func() {
		_ = Safely(func() error {
			release.Invoke()
			return nil
		})
	}()
	return fn()
}
