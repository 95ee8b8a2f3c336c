package fetcher

import (
	"context"
	"errors"
	"fmt"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/httprules"
)

// EntryInfo describes one stored entry without its body, for tools that
// look inside the cache (Entries).
type EntryInfo struct {
	cache.Info
	// Stale: it would be served stale now -- past its explicit freshness
	// lifetime (max-age, Expires) or its TTL, or its last revalidation
	// failed.
	Stale bool
}

// lister is a store that can describe a namespace's entries (both stores of
// package cache are).
type lister interface {
	List(ctx context.Context, namespace string) ([]cache.Info, error)
}

// errCannotList is Entries' error for a store without List.
var errCannotList = errors.New("fetcher: the store cannot list its entries")

// Entries describes the entries of the client's namespace, of every app
// version, in key order, without their bodies. It changes nothing: no entry
// is evicted, revalidated or counted as read.
func (c *Client) Entries(ctx context.Context) ([]EntryInfo, error) {
	l, ok := c.opts.Store.(lister)
	if !ok {
		return nil, errCannotList
	}
	infos, err := l.List(ctx, c.opts.Namespace)
	if err != nil {
		return nil, fmt.Errorf("fetcher: entries: %w", err)
	}
	now := c.opts.Now()
	out := make([]EntryInfo, len(infos))
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, in := range infos {
		f := httprules.FreshnessOf(in.Header, in.ValidatedAt)
		out[i] = EntryInfo{Info: in, Stale: in.Expired || c.failed[in.Key] ||
			(f.Explicit && f.Lifetime > 0 && !f.IsFresh(in.ValidatedAt, now))}
	}
	return out, nil
}
