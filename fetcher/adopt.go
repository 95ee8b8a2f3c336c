package fetcher

import (
	"context"
	"fmt"
	"time"

	"github.com/etagcache/etag-cache/cache"

	"github.com/etagcache/etag-cache/internal/errs"
)

// Adopt stores a response the caller fetched itself -- the JS face fetches a
// page's first requests while the module is still downloading -- under the
// rules a fetch by Get follows: stored when its status is cacheable and it is
// not no-store, validators kept, evictions and the etag-not-exposed
// diagnostic reported as events. received is when it arrived (its StoredAt
// and ValidatedAt). A URL that already has a servable entry is left alone:
// that entry was stored or validated by this cache since, or by another tab.
// It reports whether the response was stored.
func (c *Client) Adopt(ctx context.Context, rawURL string, resp *Response, received time.Time) (bool, error) {
	key, u, err := c.opts.Store.Key(c.opts.Namespace, "GET", rawURL)
	if err != nil {
		return false, fmt.Errorf("fetcher: adopt %q: %w", rawURL, err)
	}
	if resp == nil || !c.cacheable(resp.Status) {
		return false, nil
	}
	if resp.Header == nil {
		resp.Header = map[string]string{}
	}
	if resp.Body == nil {
		resp.Body = cache.Bytes(nil)
	}
	_, err = c.opts.Store.Get(ctx, key)
	var miss *cache.MissError
	switch {
	case err == nil:
		return false, nil
	case errs.Into(err, &miss):
		if miss.Evicted != nil {
			c.emitEvictions([]cache.Eviction{*miss.Evicted})
		}
	default:
		return false, fmt.Errorf("fetcher: adopt %q: %w", u, err)
	}
	out, err := c.full(ctx, key, u, c.opts.Header, resp, nil, received)
	if err != nil {
		return false, err
	}
	c.report(key, u, out)
	return out.result.StoredAt.Equal(received) && out.stored == nil, nil
}
