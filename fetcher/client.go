package fetcher

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/httprules"

	"github.com/etagcache/etag-cache/internal/errs"
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
	opts      Options
	flight    flightGroup
	stats     counters
	wg        sync.WaitGroup
	timers    sync.WaitGroup  // the outbox's backoff timer (outbox.go)
	ctx       context.Context // background work; cancelled by Close
	cancel    context.CancelFunc
	storage   string         // "indexeddb" or "memory" when Open chose the store
	ownsStore bool           // Open opened the store, so Close closes it
	fallback  *fallbackStore // Open's IndexedDB store that may fall back to memory

	// writeMu is held while a write is sent at once and through a replay
	// of the outbox (outbox.go): one at a time in a tab.
	writeMu sync.Mutex

	mu           sync.Mutex
	sending      bool              // a write is being sent at once
	flushing     bool              // a replay runs
	flushAgain   bool              // a replay was asked for while one ran
	flushDue     time.Time         // when the backoff timer's replay is due; zero for none
	lastQueued   time.Time         // QueuedAt of the last write (queueTime)
	written      map[string]string // URL -> ETag a successful write of this tab returned, until its copy is refreshed
	revalidating map[string]bool   // keys with a background revalidation loop running
	failed       map[string]bool   // keys whose last exchange failed (served Stale)
	warned       map[string]bool   // origins already warned about (etag-not-exposed)
}

// New validates opts and returns a Client on the store opts.Store, which the
// caller keeps ownership of. Open builds a Client and its store from a
// Config instead.
func New(opts Options) (*Client, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{
		opts: o, ctx: ctx, cancel: cancel,
		revalidating: map[string]bool{}, failed: map[string]bool{}, warned: map[string]bool{},
		written: map[string]string{},
	}
	c.flight.wg, c.flight.ctx = &c.wg, ctx
	o.Connectivity.onOnline(c.kickFlush)
	return c, nil
}

// GetOption changes one Get call.
type GetOption func(*getConfig)

type getConfig struct {
	header map[string]string
	mode   Mode
}

// WithHeader adds request headers to one Get, over Options.Header. They do
// not change the cache key; a stored response whose Vary names one of them
// is served only to requests with the same values (another variant is
// fetched and stored beside it), and concurrent Gets of one URL share one
// request only when all their headers agree.
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
// response if its status is cacheable and it is not no-store. WithMode
// changes that (see Mode). Errors: ErrNetwork, ErrTimeout, *HTTPStatusError
// (with an error event), ErrNotCached (ModeOnlyIfCached), a *ConfigError
// for an unknown Mode, ErrClosed once Close has been called (also for a get
// it cut short), or ctx's.
//
// ctx is the caller's way to give up (an abort): Get then returns ctx's
// error at once, and the request it waited for is cancelled when no other
// caller waits for it too. An already-ended ctx sends nothing.
func (c *Client) Get(ctx context.Context, rawURL string, opt ...GetOption) (*Result, error) {
	key, u, err := c.opts.Store.Key(c.opts.Namespace, "GET", rawURL)
	if err != nil {
		return nil, fmt.Errorf("fetcher: get %q: %w", rawURL, err)
	}
	var g getConfig
	for _, o := range opt {
		o(&g)
	}
	if !g.mode.valid() {
		return nil, &ConfigError{Errs: []error{fmt.Errorf("unknown Mode %d", int(g.mode))}}
	}
	hdr := c.requestHeader(g.header)
	if c.ctx.Err() != nil {
		return nil, fmt.Errorf("fetcher: get %q: %w", u, ErrClosed)
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("fetcher: get %q: %w", u, ctx.Err())
	}

	e, ekey, err := c.lookup(ctx, key, hdr)
	var miss *cache.MissError
	switch {
	case c.ctx.Err() != nil, errors.Is(err, cache.ErrClosed):
		return nil, fmt.Errorf("fetcher: get %q: %w", u, ErrClosed)
	case err == nil && e != nil:
		switch g.mode {
		case ModeNoCache:
			return c.getNoCache(ctx, ekey, u, hdr, e)
		case ModeReload:
			c.stats.misses.Add(1)
			return c.fetch(ctx, ekey, u, hdr, e, true)
		}
		return c.serveCached(ekey, u, hdr, e, g.mode == ModeDefault), nil
	case errs.Into(err, &miss):
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
	if g.mode == ModeOnlyIfCached {
		return nil, fmt.Errorf("fetcher: get %q: %w", u, ErrNotCached)
	}
	return c.fetch(ctx, key, u, hdr, nil, g.mode == ModeReload)
}

// fetch answers a Get from the network: a miss (old nil), or a reload, whose
// request carries no validators and whose answer is compared with old to
// tell an update from a confirmation. A failure is an error event, reported
// once however many callers shared the request.
func (c *Client) fetch(ctx context.Context, key, u string, hdr map[string]string, old *cache.Entry, reload bool) (*Result, error) {
	fkey := flightKey(key, hdr)
	if reload {
		fkey = reloadKey(fkey)
	}
	out, _, call, err := c.flight.do(ctx, fkey, func(cctx context.Context) (*outcome, error) {
		return c.sync(cctx, key, u, hdr, old, reload)
	})
	if err != nil {
		if c.ctx.Err() != nil && ctx.Err() == nil {
			// Close cut the exchange short: not a network failure (an app
			// would show "offline"), and no error event.
			return nil, fmt.Errorf("fetcher: get %q: %w", u, ErrClosed)
		}
		if ctx.Err() == nil && (call == nil || call.claimReport()) {
			c.emitError(u, err)
		}
		return nil, fmt.Errorf("fetcher: get %q: %w", u, err)
	}
	return out.result, nil
}

// lookup reads the entry a request with hdr may be served for key (the
// URL's key): the one stored under key when its Vary values match hdr's,
// else the variant stored under VariantKey of hdr's values for the same
// names (RFC 9111 §4.1). It returns the entry, the key it is stored under,
// and a miss error when there is none.
func (c *Client) lookup(ctx context.Context, key string, hdr map[string]string) (*cache.Entry, string, error) {
	e, err := c.opts.Store.Get(ctx, key)
	if err != nil || e == nil || httprules.VaryMatches(e.Vary, hdr) {
		return e, key, err
	}
	vkey := cache.VariantKey(key, httprules.VaryValues(httprules.VaryNames(e.Vary), hdr))
	v, err := c.opts.Store.Get(ctx, vkey)
	if err != nil {
		return nil, vkey, err
	}
	if v == nil || !httprules.VaryMatches(v.Vary, hdr) {
		return nil, vkey, cache.ErrMiss
	}
	return v, vkey, nil
}

// flightKey is the flight group's key of a request for key with hdr:
// concurrent requests share one exchange only when all their headers agree,
// so that a response varying on any of them (Vary) answers only its own.
func flightKey(key string, hdr map[string]string) string {
	if len(hdr) == 0 {
		return key
	}
	names := make([]string, 0, len(hdr))
	for n := range hdr {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(key)
	for _, n := range names {
		b.WriteString("\x01")
		b.WriteString(strings.ToLower(n))
		b.WriteByte(':')
		b.WriteString(hdr[n])
	}
	return b.String()
}

// serveCached returns e as a cache result and, with revalidate, starts its
// revalidation if due.
func (c *Client) serveCached(key, u string, hdr map[string]string, e *cache.Entry, revalidate bool) *Result {
	c.stats.hits.Add(1)
	now := c.opts.Now()
	f := httprules.FreshnessOf(e.Header, e.ValidatedAt)
	res := resultFromEntry(e, SourceCache)
	c.mu.Lock()
	failed := c.failed[key]
	running := c.revalidating[key]
	c.mu.Unlock()
	res.Stale = failed || (f.Explicit && f.Lifetime > 0 && !f.IsFresh(e.ValidatedAt, now))
	if e.Pending != "" {
		// An optimistic copy: its write's answer refreshes it. Only a copy
		// whose write is gone (a tab that closed between sending and
		// refreshing) is asked about, unconditionally.
		if revalidate {
			c.background(func(ctx context.Context) { c.orphanedPatch(ctx, key, u, hdr, e) })
		}
		return res
	}
	if revalidate && c.revalidationDue(e, f) {
		c.revalidate(key, u, hdr, e)
		running = true
	}
	res.Revalidating = running
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
	key, u, err := c.opts.Store.Key(c.opts.Namespace, "GET", rawURL)
	if err != nil {
		return fmt.Errorf("fetcher: invalidate %q: %w", rawURL, err)
	}
	c.forget(key)
	deleted, err := c.opts.Store.Delete(ctx, key)
	if err != nil {
		return fmt.Errorf("fetcher: invalidate %q: %w", u, err)
	}
	if deleted {
		c.emitEvictions([]cache.Eviction{{Key: key, URL: u, Namespace: c.opts.Namespace, Reason: cache.ReasonManual}})
	}
	return nil
}

// Clear deletes every stored entry of the client's namespace, or with all
// every entry of the store, and returns how many there were. The client
// forgets what it knew of those entries (a failed revalidation no longer
// marks a refetched copy stale).
func (c *Client) Clear(ctx context.Context, all bool) (int, error) {
	c.mu.Lock()
	clear(c.failed)
	c.mu.Unlock()
	if !all {
		n, err := c.opts.Store.Clear(ctx, c.opts.Namespace)
		if err != nil {
			return n, fmt.Errorf("fetcher: clear: %w", err)
		}
		return n, nil
	}
	st, err := c.opts.Store.Stats(ctx)
	if err == nil {
		err = c.opts.Store.ClearAll(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("fetcher: clear all: %w", err)
	}
	return st.Entries, nil
}

// Sweep deletes every expired and other-version entry of the store, emits an
// evict event for each and returns how many there were. A failure other
// than a closed store is also emitted, as an error event of kind storage.
// Open runs it once after start-up.
func (c *Client) Sweep(ctx context.Context) (int, error) {
	evs, err := c.opts.Store.Sweep(ctx)
	c.emitEvictions(evs)
	if err != nil && !errors.Is(err, cache.ErrClosed) && c.ctx.Err() == nil {
		c.emitError("", &storageError{fmt.Errorf("fetcher: sweep: %w", err)})
	}
	return len(evs), err
}

// Key returns the storage key of rawURL in the client's namespace (and the
// normalized URL), as Get derives it.
func (c *Client) Key(rawURL string) (key, normalizedURL string, err error) {
	return c.opts.Store.Key(c.opts.Namespace, "GET", rawURL)
}

// forget drops what the client remembers of key.
func (c *Client) forget(key string) {
	c.mu.Lock()
	delete(c.failed, key)
	c.mu.Unlock()
}

// Storage is "indexeddb" or "memory" for a Client built by Open (where its
// entries live now: IndexedDB that became unusable falls back to memory),
// "" for one built by New.
func (c *Client) Storage() string {
	if c.fallback != nil && c.fallback.inMemory() {
		return string(StorageMemory)
	}
	return c.storage
}

// Wait blocks until every background revalidation (with its retries), the
// start-up sweep and every request whose callers stopped waiting has
// finished.
func (c *Client) Wait() { c.wg.Wait() }

// Close cancels background work (revalidations, the start-up sweep), waits
// for it to end and, for a Client built by Open, closes the store. Gets after
// Close fail with a network error for anything not stored.
func (c *Client) Close() error {
	c.cancel()
	c.timers.Wait()
	c.wg.Wait()
	if c.ownsStore {
		return c.opts.Store.Close()
	}
	return nil
}
