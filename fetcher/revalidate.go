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
// Retry.MaxAttempts; the final failure marks the key stale and emits one
// error event. The stored entry is kept throughout (stale-if-error).
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
			c.emitError(u, err)
		}
	})
}

func (c *Client) revalidateLoop(key, u string, hdr map[string]string, old *cache.Entry) error {
	for attempt := 0; ; attempt++ {
		_, _, _, err := c.flight.do(c.ctx, key, func(ctx context.Context) (*outcome, error) {
			return c.sync(ctx, key, u, hdr, old, false)
		})
		if err == nil {
			return nil
		}
		if !retryable(err) || attempt+1 >= c.opts.Retry.MaxAttempts || c.ctx.Err() != nil {
			return err
		}
		if serr := c.opts.Sleep(c.ctx, c.opts.Retry.delay(attempt)); serr != nil {
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
