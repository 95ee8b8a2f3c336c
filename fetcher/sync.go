package fetcher

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/httprules"
)

// syncOutcome is the result of one network exchange for a key.
type syncOutcome struct {
	result *Result
}

// syncOnce makes one request for key and applies the answer to the store.
// With old (a stored entry) it is a revalidation (RFC 9111 §4.3): the stored
// ETag is sent verbatim in If-None-Match, else its Last-Modified in
// If-Modified-Since, else the request is unconditional and the body hash
// decides. Without old it is a plain fetch. It emits update, revalidated,
// evict and warning events, but not error events: callers report failures.
func (c *Client) syncOnce(ctx context.Context, key, u string, hdr map[string]string, old *cache.Entry) (*syncOutcome, error) {
	req := &Request{Method: "GET", URL: u, Header: maps.Clone(hdr), Credentials: c.opts.Credentials}
	conditional := false
	if old != nil {
		c.stats.revalidations.Add(1)
		switch {
		case old.ETag != "":
			req.Header["If-None-Match"] = old.ETag
			conditional = true
		case old.LastModified != "":
			req.Header["If-Modified-Since"] = old.LastModified
			conditional = true
		}
	}
	resp, err := c.roundTrip(ctx, req)
	if err != nil {
		return nil, err
	}
	if resp.Header == nil {
		resp.Header = map[string]string{}
	}
	if resp.Body == nil {
		resp.Body = cache.Bytes(nil)
	}
	switch {
	case resp.Status == 304 && conditional:
		return c.applyNotModified(ctx, key, u, resp, old)
	case c.cacheable(resp.Status):
		return c.applyFull(ctx, key, u, resp, old)
	case old == nil && resp.Status >= 200 && resp.Status < 300:
		// Not cacheable but a success (204, 203 ...): hand it over unstored.
		return &syncOutcome{result: c.unstored(u, key, resp)}, nil
	}
	return nil, &HTTPStatusError{URL: u, Status: resp.Status}
}

// roundTrip sends req with the client's deadline, mapping a passed deadline
// to ErrTimeout and any other transport failure to ErrNetwork.
func (c *Client) roundTrip(ctx context.Context, req *Request) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	resp, err := c.opts.Transport.RoundTrip(ctx, req)
	switch {
	case err == nil && resp == nil:
		return nil, fmt.Errorf("fetcher: %s: transport returned no response: %w", req.URL, ErrNetwork)
	case err == nil:
		return resp, nil
	case errors.Is(err, ErrTimeout), errors.Is(err, ErrNetwork):
		return nil, err
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, fmt.Errorf("fetcher: %s: %w (%w)", req.URL, ErrTimeout, err)
	}
	return nil, fmt.Errorf("fetcher: %s: %w (%w)", req.URL, ErrNetwork, err)
}

// applyNotModified handles a 304 (RFC 9111 §4.3.4): the stored metadata is
// refreshed from the 304's headers, the body and content headers are kept.
func (c *Client) applyNotModified(ctx context.Context, key, u string, resp *Response, old *cache.Entry) (*syncOutcome, error) {
	c.stats.notModified.Add(1)
	now := c.opts.Now()
	e, err := c.opts.Store.Touch(ctx, key, cache.Revalidation{
		ValidatedAt: now, ETag: resp.Header["etag"], LastModified: resp.Header["last-modified"],
		Header: httprules.MetadataHeaders(resp.Header),
	})
	if err != nil {
		if !errors.Is(err, cache.ErrMiss) {
			return nil, &storageError{fmt.Errorf("fetcher: touch %q: %w", u, err)}
		}
		// Removed meanwhile (Invalidate, eviction): the old copy is still
		// what the server confirmed.
		cp := *old
		cp.ValidatedAt = now
		e = &cp
	}
	c.emit(Event{Type: EventRevalidated, URL: u, Status: 304, ValidatedAt: now})
	return &syncOutcome{result: resultFromEntry(e, SourceNetwork)}, nil
}

// applyFull handles a response with a cacheable status: it is stored unless
// no-store, and compared with old to decide between update and revalidated.
func (c *Client) applyFull(ctx context.Context, key, u string, resp *Response, old *cache.Entry) (*syncOutcome, error) {
	now := c.opts.Now()
	body := resp.Body.Bytes() // the one copy into Go memory, on the network path only
	e := &cache.Entry{
		Key: key, URL: u, Method: "GET", Namespace: c.opts.Namespace, AppVersion: c.opts.AppVersion,
		ETag: resp.Header["etag"], LastModified: resp.Header["last-modified"], Status: resp.Status,
		Header: httprules.StoredHeaders(resp.Header), StoredAt: now, ValidatedAt: now,
		Body: resp.Body, Hash: httprules.Fingerprint(body),
	}
	c.checkValidatorsVisible(u, e, old)
	changed := old == nil || !sameRepresentation(old, e)

	if httprules.ParseCacheControl(resp.Header["cache-control"]).NoStore {
		if old != nil {
			if _, err := c.opts.Store.Delete(ctx, key); err != nil {
				c.emitError(u, &storageError{fmt.Errorf("fetcher: delete %q: %w", u, err)})
			}
		}
		res := resultFromEntry(e, SourceNetwork)
		res.StoredAt, res.ValidatedAt = time.Time{}, time.Time{} // never stored
		if old != nil && changed {
			c.stats.updates.Add(1)
			c.emit(Event{Type: EventUpdate, URL: u, Result: res})
		}
		return &syncOutcome{result: res}, nil
	}

	if !changed {
		t, err := c.opts.Store.Touch(ctx, key, cache.Revalidation{ValidatedAt: now, Header: httprules.MetadataHeaders(resp.Header)})
		if err == nil {
			c.emit(Event{Type: EventRevalidated, URL: u, Status: resp.Status, ValidatedAt: now})
			return &syncOutcome{result: resultFromEntry(t, SourceNetwork)}, nil
		}
		if !errors.Is(err, cache.ErrMiss) {
			return nil, &storageError{fmt.Errorf("fetcher: touch %q: %w", u, err)}
		}
		// Removed meanwhile: store the fresh copy below, without an update.
	}

	evs, err := c.opts.Store.Put(ctx, e)
	c.emitEvictions(evs)
	if err != nil {
		c.emitError(u, &storageError{fmt.Errorf("fetcher: put %q: %w", u, err)})
	}
	res := resultFromEntry(e, SourceNetwork)
	if old != nil && changed {
		c.stats.updates.Add(1)
		c.emit(Event{Type: EventUpdate, URL: u, Result: res})
	}
	return &syncOutcome{result: res}, nil
}
