package fetcher

import (
	"context"
	"sync"
)

// flightGroup runs at most one call per key at a time; callers that arrive
// while it runs wait for its result instead of starting their own
// (groupcache's singleflight, plus per-caller cancellation).
type flightGroup struct {
	// wg, when set, counts running calls so that Client.Wait covers calls
	// whose callers stopped waiting.
	wg    *sync.WaitGroup
	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	done chan struct{}
	res  *outcome
	err  error
}

// do runs fn for key unless a call for key is in flight, then waits for that
// call's result or for ctx to end. fn itself is not cancelled by a waiter's
// ctx: it runs with the context it was given. shared reports whether the
// result came from another caller's call.
func (g *flightGroup) do(ctx context.Context, key string, fn func() (*outcome, error)) (res *outcome, shared bool, err error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = make(map[string]*flightCall)
	}
	c, ok := g.calls[key]
	if !ok {
		c = &flightCall{done: make(chan struct{})}
		g.calls[key] = c
		if g.wg != nil {
			g.wg.Add(1)
		}
		g.mu.Unlock()
		go func() {
			defer func() {
				if g.wg != nil {
					defer g.wg.Done()
				}
				g.mu.Lock()
				delete(g.calls, key)
				g.mu.Unlock()
				close(c.done)
			}()
			c.res, c.err = fn()
		}()
	} else {
		g.mu.Unlock()
	}
	select {
	case <-c.done:
		return c.res, ok, c.err
	case <-ctx.Done():
		return nil, ok, ctx.Err()
	}
}
