package fetcher

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/httprules"
)

// Client serves GET responses from a Store and keeps them fresh with
// conditional requests (stale-while-revalidate). It is safe for concurrent
// use.
//
// Offline and error policy: when a revalidation fails (network error,
// timeout, 5xx, any non-cacheable status) the stored copy keeps being served
// until the TTL removes it, even for responses marked no-cache or
// must-revalidate. RFC 9111 §4.2.4 lets a cache serve stale responses when
// disconnected; for a school app on a flaky 3G link, yesterday's timetable is
// better than an error page. Such results are marked Stale and every failure
// is reported as an error event.
type Client struct {
	opts   Options
	flight flightGroup
	stats  counters
	wg     sync.WaitGroup
	ctx    context.Context // background work; cancelled by Close
	cancel context.CancelFunc

	mu           sync.Mutex
	revalidating map[string]bool // keys with a background revalidation loop running
	failed       map[string]bool // keys whose last revalidation failed
	warned       map[string]bool // origins already warned about (etag-not-exposed)
}

// New validates opts and returns a Client.
func New(opts Options) (*Client, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{
		opts: o, ctx: ctx, cancel: cancel,
		revalidating: map[string]bool{}, failed: map[string]bool{}, warned: map[string]bool{},
	}
	c.flight.wg = &c.wg
	return c, nil
}

// GetOption changes one Get call.
type GetOption func(*getConfig)

type getConfig struct {
	header map[string]string
}

// WithHeader adds request headers to one Get, over Options.Header. They do
// not change the cache key, and concurrent Gets of one URL share one request
// whatever their headers.
func WithHeader(h map[string]string) GetOption {
	return func(g *getConfig) {
		if g.header == nil {
			g.header = map[string]string{}
		}
		maps.Copy(g.header, h)
	}
}

// Get returns the response for the absolute URL rawURL. With a valid stored
// entry it returns at once (Source cache) and, unless the entry is fresh
// (max-age, Expires) or was validated less than MinRevalidateInterval ago,
// starts one background revalidation whose outcome arrives as an event.
// Without one it fetches from the network (Source network) and stores the
// response if its status is cacheable and it is not no-store. Errors:
// ErrNetwork, ErrTimeout, *HTTPStatusError (with an error event), or ctx's.
func (c *Client) Get(ctx context.Context, rawURL string, opt ...GetOption) (*Result, error) {
	key, u, err := cache.Key(c.opts.Namespace, "GET", rawURL)
	if err != nil {
		return nil, fmt.Errorf("fetcher: get %q: %w", rawURL, err)
	}
	var g getConfig
	for _, o := range opt {
		o(&g)
	}
	hdr := maps.Clone(c.opts.Header)
	if hdr == nil {
		hdr = map[string]string{}
	}
	maps.Copy(hdr, g.header)

	e, err := c.opts.Store.Get(ctx, key)
	var miss *cache.MissError
	switch {
	case err == nil && e != nil:
		return c.serveCached(key, u, hdr, e), nil
	case errors.As(err, &miss):
		if miss.Evicted != nil {
			c.emitEvictions([]cache.Eviction{*miss.Evicted})
		}
	case errors.Is(err, cache.ErrMiss), err == nil:
	default:
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetcher: get %q: %w", u, ctx.Err())
		}
		c.emitError(u, &storageError{fmt.Errorf("fetcher: read %q: %w", u, err)})
	}

	c.stats.misses.Add(1)
	out, shared, err := c.flight.do(ctx, key, func() (*syncOutcome, error) {
		return c.syncOnce(c.ctx, key, u, hdr, nil)
	})
	if err != nil {
		if ctx.Err() == nil && !shared {
			c.emitError(u, err)
		}
		return nil, fmt.Errorf("fetcher: get %q: %w", u, err)
	}
	return out.result, nil
}

// serveCached returns e as a cache result and starts its revalidation if due.
func (c *Client) serveCached(key, u string, hdr map[string]string, e *cache.Entry) *Result {
	c.stats.hits.Add(1)
	now := c.opts.Now()
	f := httprules.FreshnessOf(e.Header)
	res := resultFromEntry(e, SourceCache)
	c.mu.Lock()
	failed := c.failed[key]
	c.mu.Unlock()
	res.Stale = failed || (f.Explicit && f.Lifetime > 0 && !f.IsFresh(e.ValidatedAt, now))
	if c.revalidationDue(e, f) {
		c.revalidate(key, u, hdr, e)
	}
	return res
}

// revalidationDue reports whether a cached read of e should ask the server:
// not while it is fresh, nor within MinRevalidateInterval of its last
// validation unless it is no-cache.
func (c *Client) revalidationDue(e *cache.Entry, f httprules.Freshness) bool {
	now := c.opts.Now()
	if f.IsFresh(e.ValidatedAt, now) {
		return false
	}
	if f.AlwaysRevalidate || c.opts.MinRevalidateInterval <= 0 {
		return true
	}
	age := now.Sub(e.ValidatedAt)
	return age < 0 || age >= c.opts.MinRevalidateInterval
}

// Invalidate deletes the stored entry for rawURL and emits evict (manual) if
// there was one.
func (c *Client) Invalidate(ctx context.Context, rawURL string) error {
	key, u, err := cache.Key(c.opts.Namespace, "GET", rawURL)
	if err != nil {
		return fmt.Errorf("fetcher: invalidate %q: %w", rawURL, err)
	}
	c.mu.Lock()
	delete(c.failed, key)
	c.mu.Unlock()
	deleted, err := c.opts.Store.Delete(ctx, key)
	if err != nil {
		return fmt.Errorf("fetcher: invalidate %q: %w", u, err)
	}
	if deleted {
		c.emitEvictions([]cache.Eviction{{Key: key, URL: u, Namespace: c.opts.Namespace, Reason: cache.ReasonManual}})
	}
	return nil
}

// Wait blocks until every background revalidation (with its retries) and
// every request whose callers stopped waiting has finished.
func (c *Client) Wait() { c.wg.Wait() }

// Close cancels background work, waits for it to end and returns nil. Gets
// after Close fail with a network error for anything not stored.
func (c *Client) Close() error {
	c.cancel()
	c.wg.Wait()
	return nil
}

// Stats returns the activity counters.
func (c *Client) Stats() Counters { return c.stats.snapshot() }

// emit delivers ev to the sink. Callers must not hold c.mu.
func (c *Client) emit(ev Event) {
	if c.opts.Events != nil {
		c.opts.Events(ev)
	}
}

func (c *Client) emitError(u string, err error) {
	c.stats.errors.Add(1)
	c.emit(Event{Type: EventError, URL: u, Kind: kindOf(err), Err: err, Message: err.Error(), Status: statusOf(err)})
}

func (c *Client) emitEvictions(evs []cache.Eviction) {
	for _, ev := range evs {
		c.emit(Event{Type: EventEvict, URL: ev.URL, Reason: ev.Reason})
	}
}
