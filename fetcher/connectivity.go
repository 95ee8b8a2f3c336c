package fetcher

import (
	"context"
	"sync"
)

// Connectivity is a hint of whether the network can be reached: in the
// browser, navigator.onLine and the window's online/offline events, which
// the wasm bindings feed into SetOnline. Background retries consult it: while
// it says offline no retry is sent, and the waiting ones resume when it says
// online again. It is only a hint -- the first attempt of a revalidation and
// every foreground fetch are sent whatever it says, and their failures are
// what count (navigator.onLine is true behind a dead Wi-Fi hotspot).
//
// The zero value is online. A nil *Connectivity is always online. It is
// safe for concurrent use.
type Connectivity struct {
	mu      sync.Mutex
	offline bool
	back    chan struct{} // closed when it comes back online; nil while online
	waiting int           // goroutines blocked in wait (tests synchronise on it)
	online  []func()      // called on each return to online (the outbox replay)
}

// onOnline registers f, called by SetOnline (after it let go of the lock)
// each time the hint returns to online; f must not block.
func (c *Connectivity) onOnline(f func()) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.online = append(c.online, f)
}

// NewConnectivity returns a Connectivity that starts online or offline.
func NewConnectivity(online bool) *Connectivity {
	c := &Connectivity{}
	c.SetOnline(online)
	return c
}

// Online reports the hint.
func (c *Connectivity) Online() bool {
	if c == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.offline
}

// SetOnline records the hint; going online wakes every waiting retry.
func (c *Connectivity) SetOnline(online bool) {
	c.mu.Lock()
	var call []func()
	defer func() {
		c.mu.Unlock()
		for _, f := range call {
			f()
		}
	}()
	switch {
	case online && c.offline:
		c.offline = false
		close(c.back)
		c.back = nil
		call = c.online
	case !online && !c.offline:
		c.offline = true
		c.back = make(chan struct{})
	}
}

// wait returns nil at once while online, else when SetOnline(true) is
// called, or ctx's error when ctx ends first.
func (c *Connectivity) wait(ctx context.Context) error {
	if c == nil {
		return ctx.Err()
	}
	c.mu.Lock()
	back := c.back
	if back == nil {
		c.mu.Unlock()
		return ctx.Err()
	}
	c.waiting++
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.waiting--
		c.mu.Unlock()
	}()
	select {
	case <-back:
		return ctx.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}
