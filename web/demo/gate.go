package main

import (
	"context"
	"sync"
)

// gate holds requests while closed. The zero value is open.
type gate struct {
	mu     sync.Mutex
	closed chan struct{} // non-nil while held; closed to release
}

func (g *gate) set(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case on && g.closed == nil:
		g.closed = make(chan struct{})
	case !on && g.closed != nil:
		close(g.closed)
		g.closed = nil
	}
}

// pass returns when the gate is open or ctx ends.
func (g *gate) pass(ctx context.Context) {
	g.mu.Lock()
	ch := g.closed
	g.mu.Unlock()
	if ch == nil {
		return
	}
	select {
	case <-ch:
	case <-ctx.Done():
	}
}
