package fetcher

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/httprules"
)

// outcomeKind says what an exchange did to the stored copy of a URL, which
// decides the event subscribers get.
type outcomeKind int

const (
	// outcomeFetched: a response for a key with nothing to compare against
	// (stored, or handed over unstored), or a no-store response repeating the
	// stored one: no event.
	outcomeFetched outcomeKind = iota
	// outcomeUpdated: a revalidation brought a different representation: an
	// update event.
	outcomeUpdated
	// outcomeConfirmed: the server confirmed the stored copy (304, or a 200
	// with the same representation): a revalidated event.
	outcomeConfirmed
)

// outcome is what one network exchange for a key did. The engine only
// produces it; report turns it into events and counters, in one place.
type outcome struct {
	kind     outcomeKind
	result   *Result
	status   int              // the HTTP status that confirmed the copy (outcomeConfirmed)
	evicted  []cache.Eviction // entries the store removed to make room
	stored   error            // a failed write; the result is served anyway
	warnings []Event          // diagnostics about the response (etag-not-exposed, too-large)
}

// sync runs one exchange for key and reports its outcome. It is what the
// flight group runs, so concurrent callers share one request and one report.
func (c *Client) sync(ctx context.Context, key, u string, hdr map[string]string, old *cache.Entry, reload bool) (*outcome, error) {
	out, err := c.exchange(ctx, key, u, hdr, old, reload)
	if err != nil {
		return nil, err
	}
	c.report(key, u, out)
	return out, nil
}

// exchange makes one request for key and applies the answer to the store.
// With old (a stored entry) it is a revalidation (RFC 9111 §4.3): the stored
// ETag is sent verbatim in If-None-Match, else its Last-Modified in
// If-Modified-Since, else the request is unconditional and the body
// fingerprint decides. Without old it is a plain fetch. A reload
// (ModeReload) is a fetch that knows old: unconditional whatever old holds
// (and marked Reload, so the browser's HTTP cache adds no validators of its
// own), its answer compared with old for the event. A failed request, a
// status that is neither cacheable nor (for a fetch) 2xx, and a failed
// refresh of the stored entry are errors; a failed write is not (the
// response is served unstored, see outcome.stored).
func (c *Client) exchange(ctx context.Context, key, u string, hdr map[string]string, old *cache.Entry, reload bool) (*outcome, error) {
	req := &Request{Method: "GET", URL: u, Header: maps.Clone(hdr), Credentials: c.opts.Credentials, Reload: reload}
	conditional := false
	if old != nil && !reload {
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
	if resp.Status == 304 && conditional && !confirms(old, resp.Header) {
		// A 304 naming another representation than the stored one (its
		// ETag or Last-Modified differs): nothing is updated, and the
		// representation is fetched once, unconditionally.
		req = &Request{Method: "GET", URL: u, Header: maps.Clone(hdr), Credentials: c.opts.Credentials}
		conditional = false
		if resp, err = c.roundTrip(ctx, req); err != nil {
			return nil, err
		}
		if resp.Header == nil {
			resp.Header = map[string]string{}
		}
		if resp.Body == nil {
			resp.Body = cache.Bytes(nil)
		}
	}
	switch {
	case resp.Status == 304 && conditional:
		return c.notModified(ctx, key, u, resp, old)
	case c.cacheable(resp.Status):
		return c.full(ctx, key, u, hdr, resp, old, c.opts.Now())
	case (old == nil || reload) && resp.Status >= 200 && resp.Status < 300:
		// Not cacheable but a success (204, 203 ...): hand it over unstored
		// (a reload asked for the network's answer, whatever is stored).
		return &outcome{kind: outcomeFetched, result: c.unstored(u, key, resp)}, nil
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

// notModified applies a 304 (RFC 9111 §4.3.4): the stored metadata is
// refreshed from the 304's headers, the body and content headers are kept.
func (c *Client) notModified(ctx context.Context, key, u string, resp *Response, old *cache.Entry) (*outcome, error) {
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
	return &outcome{kind: outcomeConfirmed, status: 304, result: resultFromEntry(e, SourceNetwork)}, nil
}

// full applies a response with a cacheable status to a request with hdr,
// received at now: it is stored unless no-store or Vary: *, and compared
// with old to tell an update from a confirmation. A response that varies
// remembers hdr's values of the names its Vary lists and is stored where
// placement says.
func (c *Client) full(ctx context.Context, key, u string, hdr map[string]string, resp *Response, old *cache.Entry, now time.Time) (*outcome, error) {
	body := resp.Body.Bytes() // the one copy into Go memory, on the network path only
	names, varyStar := httprules.ParseVary(resp.Header["vary"])
	e := &cache.Entry{
		Key: key, URL: u, Method: "GET", Namespace: c.opts.Namespace,
		ETag: resp.Header["etag"], LastModified: resp.Header["last-modified"], Status: resp.Status,
		Header: httprules.StoredHeaders(resp.Header), Vary: httprules.VaryValues(names, hdr),
		StoredAt: now, ValidatedAt: now, Body: resp.Body, Hash: httprules.Fingerprint(body),
	}
	out := &outcome{kind: outcomeFetched}
	if w := c.validatorsHidden(u, e, old); w != nil {
		out.warnings = append(out.warnings, *w)
	}
	changed := old == nil || !sameRepresentation(old, e)
	if old != nil && changed {
		out.kind = outcomeUpdated
	}

	if httprules.ParseCacheControl(resp.Header["cache-control"]).NoStore || varyStar {
		// Vary: * -- it varies on something no request shows: never reused
		// (RFC 9111 §4.1), so never stored.
		if old != nil {
			if _, err := c.opts.Store.Delete(ctx, key); err != nil {
				out.stored = fmt.Errorf("fetcher: delete %q: %w", u, err)
			}
		}
		out.result = resultFromEntry(e, SourceNetwork)
		out.result.StoredAt, out.result.ValidatedAt = time.Time{}, time.Time{} // never stored
		return out, nil
	}

	if !changed {
		t, err := c.opts.Store.Touch(ctx, key, cache.Revalidation{ValidatedAt: now, Header: httprules.MetadataHeaders(resp.Header)})
		if err == nil {
			out.kind, out.status, out.result = outcomeConfirmed, resp.Status, resultFromEntry(t, SourceNetwork)
			return out, nil
		}
		if !errors.Is(err, cache.ErrMiss) {
			return nil, &storageError{fmt.Errorf("fetcher: touch %q: %w", u, err)}
		}
		// Removed meanwhile: store the fresh copy below, without an update.
	}

	e.Key = c.placement(ctx, key, e, old)
	evs, err := c.opts.Store.Put(ctx, e)
	out.evicted = evs
	switch {
	case errors.Is(err, cache.ErrTooLarge):
		// It can never be stored: served as it is, reported once, not as a
		// failure on every read.
		if w := c.tooLarge(key, u, e.Size(), err); w != nil {
			out.warnings = append(out.warnings, *w)
		}
	case err != nil:
		out.stored = fmt.Errorf("fetcher: put %q: %w", u, err)
	}
	out.result = resultFromEntry(e, SourceNetwork)
	return out, nil
}

// placement returns the key a new response e for key is stored under. One
// that does not vary, or whose URL key holds nothing, a response that does
// not vary, the same variant, or a variant on other header names (the
// server changed its Vary), goes under the URL's key, replacing what is
// there; another variant goes under its VariantKey, so that both stay. A
// revalidation keeps its entry's key when that still names e's variant.
func (c *Client) placement(ctx context.Context, key string, e, old *cache.Entry) string {
	base := cache.BaseKey(key)
	if len(e.Vary) == 0 {
		return base
	}
	if old != nil && key == cache.VariantKey(base, e.Vary) {
		return key
	}
	there, err := c.opts.Store.Get(ctx, base)
	if err != nil || there == nil || len(there.Vary) == 0 ||
		!slices.Equal(httprules.VaryNames(there.Vary), httprules.VaryNames(e.Vary)) || maps.Equal(there.Vary, e.Vary) {
		return base
	}
	return cache.VariantKey(base, e.Vary)
}
