package fetcher

import (
	"context"
	"fmt"
	"strconv"

	"github.com/etagcache/etag-cache/cache"
)

// Mode says how one Get uses the stored copy and the network, the way
// fetch's RequestInit.cache does (Fetch Standard, "request's cache mode";
// RFC 9111 §5.2.1 names the request directives they stand for).
type Mode int

// Modes of Get.
const (
	// ModeDefault: a stored copy at once, revalidated in the background
	// when due; a miss fetches.
	ModeDefault Mode = iota
	// ModeNoCache: the stored copy is revalidated with the server before
	// Get returns (RFC 9111 §5.2.1.4, request no-cache): a 304 answers with
	// it refreshed, a 200 replaces it. When the exchange fails the stored
	// copy is returned, Stale, with an error event; a miss fetches.
	ModeNoCache
	// ModeReload: an unconditional request (no validators), its response
	// stored as usual; a failure is returned, never the stored copy.
	ModeReload
	// ModeForceCache: any stored copy of this version and namespace within
	// the TTL, with no revalidation even when past its freshness (then
	// Stale); a miss fetches.
	ModeForceCache
	// ModeOnlyIfCached: as ModeForceCache, but a miss is ErrNotCached and
	// nothing is ever sent.
	ModeOnlyIfCached
)

var modeNames = [...]string{
	ModeDefault: "default", ModeNoCache: "no-cache", ModeReload: "reload",
	ModeForceCache: "force-cache", ModeOnlyIfCached: "only-if-cached",
}

// String returns the mode's fetch name ("no-cache", ...).
func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// ParseMode returns the mode of a fetch cache-mode name; ok is false for any
// other string ("no-store" included: a private cache that stores nothing
// has no use for it).
func ParseMode(s string) (m Mode, ok bool) {
	for i, n := range modeNames {
		if n == s {
			return Mode(i), true
		}
	}
	return ModeDefault, false
}

func (m Mode) valid() bool { return m >= 0 && int(m) < len(modeNames) }

// WithMode sets the refresh mode of one Get (default ModeDefault).
func WithMode(m Mode) GetOption {
	return func(g *getConfig) { g.mode = m }
}

// reloadKey is the flight key of a reload of key: a reload shares a request
// only with other reloads, since a revalidation in flight carries
// validators and would answer it with the stored copy.
func reloadKey(key string) string { return key + "\x00reload" }

// getNoCache revalidates the stored e before answering (ModeNoCache). The
// exchange is the one a background revalidation runs, through the flight
// group, so it shares a request in flight for key. On failure the stored
// copy is served Stale (stale-if-error, RFC 9111 §4.2.4; the Client's
// offline policy), key is marked failed and the failure is reported at
// once as an error event -- unless ctx ended (the caller gave up: its error)
// or the client closed.
func (c *Client) getNoCache(ctx context.Context, key, u string, hdr map[string]string, e *cache.Entry) (*Result, error) {
	out, _, call, err := c.flight.do(ctx, flightKey(key, hdr), func(cctx context.Context) (*outcome, error) {
		return c.sync(cctx, key, u, hdr, e, false)
	})
	if err == nil {
		return out.result, nil
	}
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("fetcher: get %q: %w", u, ctx.Err())
	case c.ctx.Err() != nil:
		return nil, fmt.Errorf("fetcher: get %q: %w", u, ErrClosed)
	}
	c.mu.Lock()
	c.failed[key] = true
	c.mu.Unlock()
	if call == nil || call.claimReport() {
		c.emitError(u, err)
	}
	c.stats.hits.Add(1)
	res := resultFromEntry(e, SourceCache)
	res.Stale = true
	return res, nil
}
