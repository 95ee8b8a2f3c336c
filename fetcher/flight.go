package fetcher

import (
	"context"
	"sync"
	"sync/atomic"
)

// flightGroup runs at most one call per key at a time; callers that arrive
// while it runs wait for its result instead of starting their own
// (groupcache's singleflight, plus per-caller cancellation). A call runs
// with a context of its own, derived from ctx, that is cancelled when every
// caller waiting for it has stopped waiting: one caller's abort never cuts
// short a request another caller still waits for, and a request nobody
// waits for any more is not left to run to its timeout.
type flightGroup struct {
	// ctx is the parent of every call's context (the client's: Close
	// cancels them all); nil -> context.Background().
	ctx context.Context
	// wg, when set, counts running calls so that Client.Wait covers calls
	// whose callers stopped waiting.
	wg    *sync.WaitGroup
	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	done    chan struct{}
	res     *outcome
	err     error
	cancel  context.CancelFunc
	waiters int // callers waiting for the result; guarded by flightGroup.mu
	// reported is set by the first caller that reports the call's failure,
	// so that a failure shared by several callers is one error event.
	reported atomic.Bool
}

// claimReport reports whether the caller is the first to report the call's
// failure.
func (c *flightCall) claimReport() bool { return c.reported.CompareAndSwap(false, true) }

// do runs fn for key unless a call for key is in flight, then waits for that
// call's result or for ctx to end. fn gets the call's context, which ends
// when the group's does or when every caller has stopped waiting (a caller
// stops when its ctx ends). An already-ended ctx returns at once, without a
// call. shared reports whether the result came from another caller's call;
// call is the call waited for (nil when none was), for claimReport.
func (g *flightGroup) do(ctx context.Context, key string, fn func(ctx context.Context) (*outcome, error)) (res *outcome, shared bool, call *flightCall, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, nil, err
	}
	g.mu.Lock()
	if g.calls == nil {
		g.calls = make(map[string]*flightCall)
	}
	c, ok := g.calls[key]
	if !ok {
		parent := g.ctx
		if parent == nil {
			parent = context.Background()
		}
		var callCtx context.Context
		c = &flightCall{done: make(chan struct{})}
		callCtx, c.cancel = context.WithCancel(parent)
		g.calls[key] = c
		if g.wg != nil {
			g.wg.Add(1)
		}
		go func() {
			defer func() {
				if g.wg != nil {
					defer g.wg.Done()
				}
				g.mu.Lock()
				if g.calls[key] == c {
					delete(g.calls, key)
				}
				g.mu.Unlock()
				c.cancel()
				close(c.done)
			}()
			c.res, c.err = fn(callCtx)
		}()
	}
	c.waiters++
	g.mu.Unlock()
	select {
	case <-c.done:
		return c.res, ok, c, c.err
	case <-ctx.Done():
		g.leave(key, c)
		return nil, ok, c, ctx.Err()
	}
}

// leave records that one caller stopped waiting for c; the last one cancels
// it and takes it out of the group at once, so that a caller arriving after
// that starts a request of its own instead of sharing a cancelled one.
func (g *flightGroup) leave(key string, c *flightCall) {
	g.mu.Lock()
	c.waiters--
	last := c.waiters == 0
	if last && g.calls[key] == c {
		delete(g.calls, key)
	}
	g.mu.Unlock()
	if last {
		c.cancel()
	}
}
