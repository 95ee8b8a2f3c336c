package fetcher

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/etagcache/etag-cache/cache"
)

// revalidate starts the background revalidation of key unless one is
// already running. Each attempt goes through the flight group, so it also
// shares a request with a concurrent foreground fetch. Retryable failures
// (network, timeout, 408, 429, 5xx) are retried with backoff up to
// Retry.MaxAttempts, and never while Options.Connectivity says offline: a
// retry waits for it to say online. The stored entry is kept throughout
// (stale-if-error).
//
// Failures are reported when they happen, not after the retries: the first
// failed attempt marks the key stale and emits an error event at once
// (Retrying true when retries follow), so a page can say "offline -- showing
// saved data" within the same turn; the attempts after it emit nothing more
// unless the last one fails too (an error with Retrying false).
func (c *Client) revalidate(key, u string, hdr map[string]string, old *cache.Entry) {
	c.mu.Lock()
	if c.revalidating[key] {
		c.mu.Unlock()
		return
	}
	c.revalidating[key] = true
	c.wg.Add(1)
	c.mu.Unlock()

	c.opts.Background(func() {
		defer c.wg.Done()
		err := c.revalidateLoop(key, u, hdr, old)
		c.mu.Lock()
		delete(c.revalidating, key)
		if err != nil {
			c.failed[key] = true
		}
		c.mu.Unlock()
		if err != nil && c.ctx.Err() == nil {
			c.emitErrorEvent(u, err, false)
		}
	})
}

// revalidateLoop runs the attempts of one revalidation and returns the last
// failure, or nil once one succeeded. The first failure, when retries
// follow, is marked and emitted here; the final one is the caller's.
func (c *Client) revalidateLoop(key, u string, hdr map[string]string, old *cache.Entry) error {
	for attempt := 0; ; attempt++ {
		_, _, _, err := c.flight.do(c.ctx, flightKey(key, hdr), func(ctx context.Context) (*outcome, error) {
			return c.sync(ctx, key, u, hdr, old, false)
		})
		if err == nil {
			return nil
		}
		if !retryable(err) || attempt+1 >= c.opts.Retry.MaxAttempts || c.ctx.Err() != nil {
			return err
		}
		if attempt == 0 {
			c.mu.Lock()
			c.failed[key] = true
			c.mu.Unlock()
			c.emitErrorEvent(u, err, true)
		}
		if c.opts.Sleep(c.ctx, c.opts.Retry.delay(attempt)) != nil {
			return err
		}
		// Not while the browser says it is offline: the request would only
		// fail again. The backoff above has run its course meanwhile, so the
		// retry goes as soon as the network is back.
		if c.opts.Connectivity.wait(c.ctx) != nil {
			return err
		}
	}
}

// delay returns the wait before retry number attempt+1: uniform in
// [0, min(MaxDelay, BaseDelay*2^attempt)) ("full jitter").
func (r RetryPolicy) delay(attempt int) time.Duration {
	ceil := r.MaxDelay
	if attempt < 62 {
		if d := r.BaseDelay << attempt; d > 0 && d < ceil && d>>attempt == r.BaseDelay {
			ceil = d
		}
	}
	rnd := r.Rand
	if rnd == nil {
		rnd = rand.Float64
	}
	f := rnd()
	if f < 0 || f >= 1 {
		f = 0
	}
	return time.Duration(f * float64(ceil))
}
