package fetcher

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/httprules"
)

// Writes: conditional mutations, optimistic patches and the outbox.
//
// A write is sent at once when nothing of the namespace waits in the outbox,
// no write of this tab is in flight and the connectivity hint says online;
// otherwise -- and when sending finds the network unreachable -- it is kept
// in the store's outbox (cache.Outbox) and replayed later, in queue order
// (outbox.go). Every attempt of one write carries the same Idempotency-Key
// (its ID), the first included. Its If-Match is chosen once, when it is
// made: the ETag of the cached copy the user saw, so that a replay onto data
// someone else changed meanwhile is a conflict (412), never a lost update.
//
// The server's answer decides (classify):
//   - 2xx: the write is done. The cached copies it affects -- its URL, the
//     Location and Content-Location of the answer (RFC 9111 §4.4) and
//     Write.Invalidates -- are revalidated; the URL's own copy is fetched
//     unconditionally when it was patched (its validators are the patched
//     copy's). The answer itself is not stored as the URL's representation:
//     a GET may be answered differently (Vary, another serializer), and the
//     refetch costs one background request.
//   - 412: a conflict. The URL is fetched fresh and stored (replacing any
//     patch) and the caller gets it with the ConflictError.
//   - network failure, timeout, 408, 429, 5xx: worth retrying -- a queued
//     write stays pending with backoff; a write sent at once is queued only
//     for an unreachable network (a 5xx answer is the caller's to see).
//   - any other status: refused for good -- the patch is rolled back and a
//     queued write moves to the failed state until Retry or Discard.

// IfMatchMode says where a write's If-Match comes from.
type IfMatchMode int

// If-Match choices.
const (
	// IfMatchAuto: the ETag of the cached copy of the URL (the one the user
	// saw, an optimistic copy's included), none when nothing is cached.
	IfMatchAuto IfMatchMode = iota
	// IfMatchValue: Write.IfMatch as given.
	IfMatchValue
	// IfMatchNone: no If-Match.
	IfMatchNone
)

// Write is one mutation Mutate sends or queues.
type Write struct {
	// Method is POST, PUT, PATCH or DELETE (any case).
	Method string
	// URL is the absolute target URL.
	URL string
	// Header holds the write's own request headers, over Options.Header.
	Header map[string]string
	// Body is the request body (nil for none).
	Body []byte
	// IfMatchMode and IfMatch choose the If-Match header.
	IfMatchMode IfMatchMode
	IfMatch     string
	// Invalidates lists more absolute URLs whose cached copies are
	// revalidated after a success.
	Invalidates []string
	// Patch, when not nil, is the optimistic copy of the URL's cached body:
	// it is stored at once (served with Pending true) until the server has
	// answered. Ignored when nothing is cached for the URL.
	Patch []byte
	// NoQueue makes an unreachable network an ErrNetwork (or ErrTimeout)
	// instead of queueing the write.
	NoQueue bool
}

// WriteResult is what Mutate returns: a write that was sent (Status, Header,
// Body, ETag of the server's answer) or queued (Queued, ID).
type WriteResult struct {
	Queued bool
	ID     string
	URL    string
	Status int
	Header map[string]string
	Body   cache.Body
	ETag   string
}

// ConflictError is a write the server refused with 412 Precondition Failed:
// the record changed since the copy the write was made on. Current is the
// server's copy, fetched fresh and stored (nil, with CurrentErr, when that
// fetch failed).
type ConflictError struct {
	URL        string
	Current    *Result
	CurrentErr error
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("fetcher: %s: conflict: the server's copy changed (HTTP 412)", e.URL)
}

// errNoOutbox is a write that had to be queued on a store without an outbox.
var errNoOutbox = errors.New("fetcher: the store keeps no outbox")

// writeMethods are the methods Mutate sends.
var writeMethods = map[string]bool{"POST": true, "PUT": true, "PATCH": true, "DELETE": true}

// Mutate sends w, or queues it (see the package's notes on writes above).
// Errors: a *ConfigError for a bad method or URL, *ConflictError (412),
// *HTTPStatusError with the answer's Header and Body (another non-2xx),
// ErrNetwork or ErrTimeout (unreachable with NoQueue), ErrClosed.
func (c *Client) Mutate(ctx context.Context, w Write) (*WriteResult, error) {
	method := strings.ToUpper(w.Method)
	var bad []error
	if !writeMethods[method] {
		bad = append(bad, fmt.Errorf("method must be POST, PUT, PATCH or DELETE, not %q", w.Method))
	}
	key, u, err := c.Key(w.URL)
	if err != nil {
		bad = append(bad, err)
	}
	var inv []string
	for _, raw := range w.Invalidates {
		_, iu, err := c.Key(raw)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		inv = append(inv, iu)
	}
	if len(bad) > 0 {
		return nil, &ConfigError{Errs: bad}
	}
	if c.ctx.Err() != nil {
		return nil, fmt.Errorf("fetcher: %s %q: %w", method, u, ErrClosed)
	}
	m := &cache.Mutation{
		ID: newWriteID(), Namespace: c.opts.Namespace, Method: method, URL: u, Header: maps.Clone(w.Header),
		Body: w.Body, Invalidates: inv, QueuedAt: c.queueTime(), State: cache.MutationPending,
	}
	hdr := c.requestHeader(nil)
	cached, ekey, _ := c.lookup(ctx, key, hdr)
	switch w.IfMatchMode {
	case IfMatchValue:
		m.IfMatch = w.IfMatch
	case IfMatchAuto:
		m.IfMatch, m.After = c.autoIfMatch(u, cached)
	}
	if w.Patch != nil && cached != nil {
		if err := c.patch(ctx, ekey, cached, m, w.Patch); err != nil {
			c.emitError(u, err)
		}
	}

	ob, hasOutbox := c.opts.Store.(cache.Outbox)
	if hasOutbox && c.mustQueue(ctx, ob) {
		return c.enqueue(ctx, ob, m, "")
	}
	c.writeMu.Lock()
	c.setSending(true)
	resp, err := c.send(ctx, m)
	c.setSending(false)
	c.writeMu.Unlock()
	if err != nil && !errors.Is(err, ErrClosed) && (errors.Is(err, ErrNetwork) || errors.Is(err, ErrTimeout)) &&
		!w.NoQueue && hasOutbox && ctx.Err() == nil {
		m.Attempts = 1
		return c.enqueue(ctx, ob, m, err.Error())
	}
	if err != nil {
		c.rollback(ctx, m)
		return nil, fmt.Errorf("fetcher: %s %q: %w", method, u, err)
	}
	switch classify(resp.Status) {
	case writeDone:
		c.done(m, resp, false)
		return &WriteResult{URL: u, ID: m.ID, Status: resp.Status, Header: resp.Header, Body: resp.Body,
			ETag: resp.Header["etag"]}, nil
	case writeConflict:
		return nil, c.conflict(ctx, m)
	}
	c.rollback(ctx, m)
	return nil, &HTTPStatusError{URL: u, Status: resp.Status, Header: resp.Header, Body: resp.Body}
}

// queueTime is the QueuedAt of a new write: now to the millisecond (what
// the stores keep), but always after the previous write of this client, so
// that queue order is the order of the calls.
func (c *Client) queueTime() time.Time {
	t := c.opts.Now().Truncate(time.Millisecond)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !t.After(c.lastQueued) {
		t = c.lastQueued.Add(time.Millisecond)
	}
	c.lastQueued = t
	return t
}

// newWriteID returns a random ID in the form of a version 4 UUID, which is
// what servers that honour Idempotency-Key expect.
func newWriteID() string {
	a, b := rand.Uint64(), rand.Uint64()
	a = a&^0xf000 | 0x4000               // version 4
	b = b&^(0xc<<60) | 0x8<<60           // variant 10
	h := fmt.Sprintf("%016x%016x", a, b) // 32 hex digits
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// requestHeader returns Options.Header with h over it.
func (c *Client) requestHeader(h map[string]string) map[string]string {
	out := maps.Clone(c.opts.Header)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, h)
	return out
}

// autoIfMatch chooses the If-Match of a write to u made on the cached copy
// e: e's ETag, or, when this tab's last write to u succeeded after e was
// stored, that write's new ETag. A copy that is an optimistic patch names
// the write it came from (after): that write's success replaces the If-Match
// with its new ETag, so consecutive edits of one record do not conflict with
// each other.
func (c *Client) autoIfMatch(u string, e *cache.Entry) (ifMatch, after string) {
	c.mu.Lock()
	written := c.written[u]
	c.mu.Unlock()
	switch {
	case e != nil && e.Pending != "":
		return e.ETag, e.Pending
	case written != "":
		return written, ""
	case e != nil:
		return e.ETag, ""
	}
	return "", ""
}

// mustQueue reports whether a new write has to wait in the outbox: the
// connectivity hint says offline, a write of this tab is being sent, or
// writes of the namespace wait (a later write never overtakes an earlier
// one).
func (c *Client) mustQueue(ctx context.Context, ob cache.Outbox) bool {
	if !c.opts.Connectivity.Online() {
		return true
	}
	c.mu.Lock()
	busy := c.sending
	c.mu.Unlock()
	if busy {
		return true
	}
	ms, err := ob.Mutations(ctx, c.opts.Namespace)
	return err != nil || len(ms) > 0
}

func (c *Client) setSending(on bool) {
	c.mu.Lock()
	c.sending = on
	c.mu.Unlock()
}

// enqueue keeps m in the outbox (durable before it returns), emits queued
// and asks for a replay.
func (c *Client) enqueue(ctx context.Context, ob cache.Outbox, m *cache.Mutation, lastErr string) (*WriteResult, error) {
	m.LastError = lastErr
	if err := ob.PutMutation(ctx, m); err != nil {
		c.rollback(ctx, m)
		return nil, &storageError{fmt.Errorf("fetcher: queue %s %q: %w", m.Method, m.URL, err)}
	}
	c.emit(Event{Type: EventQueued, URL: m.URL, ID: m.ID, Method: m.Method})
	if m.Attempts > 0 {
		c.scheduleFlush(c.opts.Retry.delay(m.Attempts - 1))
	} else {
		c.kickFlush()
	}
	return &WriteResult{Queued: true, ID: m.ID, URL: m.URL}, nil
}

// send makes one attempt of m: its headers over Options.Header, If-Match and
// Idempotency-Key.
func (c *Client) send(ctx context.Context, m *cache.Mutation) (*Response, error) {
	hdr := c.requestHeader(m.Header)
	for k := range hdr {
		switch strings.ToLower(k) {
		case "if-match", "idempotency-key":
			delete(hdr, k)
		}
	}
	if m.IfMatch != "" {
		hdr["If-Match"] = m.IfMatch
	}
	hdr["Idempotency-Key"] = m.ID
	req := &Request{Method: m.Method, URL: m.URL, Header: hdr, Credentials: c.opts.Credentials, Body: m.Body}
	resp, err := c.roundTrip(ctx, req)
	if err != nil {
		if c.ctx.Err() != nil && ctx.Err() == nil {
			return nil, ErrClosed
		}
		return nil, err
	}
	if resp.Header == nil {
		resp.Header = map[string]string{}
	}
	if resp.Body == nil {
		resp.Body = cache.Bytes(nil)
	}
	return resp, nil
}

// writeClass is what an answer to a write means.
type writeClass int

const (
	writeDone     writeClass = iota // 2xx
	writeConflict                   // 412
	writeRetry                      // 408, 429, 5xx
	writeRefused                    // any other status
)

// classify sorts a write's answer by status.
func classify(status int) writeClass {
	switch {
	case status >= 200 && status < 300:
		return writeDone
	case status == 412:
		return writeConflict
	case retryableStatus(status):
		return writeRetry
	}
	return writeRefused
}

// patch stores the optimistic copy of the cached entry e (under ekey) for
// write m and tells subscribers (an update event with Pending true). m
// remembers the body it patched, for a rollback.
func (c *Client) patch(ctx context.Context, ekey string, e *cache.Entry, m *cache.Mutation, body []byte) error {
	p := *e
	p.Key = ekey
	p.Body = cache.Bytes(body)
	p.Hash = httprules.Fingerprint(body)
	p.Pending = m.ID
	if _, err := c.opts.Store.Put(ctx, &p); err != nil {
		return &storageError{fmt.Errorf("fetcher: patch %q: %w", m.URL, err)}
	}
	m.Patched, m.Prior = true, e.Body.Bytes()
	res := resultFromEntry(&p, SourceCache)
	c.emit(Event{Type: EventUpdate, URL: m.URL, Result: res})
	return nil
}

// rollback restores the body m patched when its copy is still m's patch,
// and tells subscribers; then (in the background) asks the server, whose
// copy may have changed meanwhile.
func (c *Client) rollback(ctx context.Context, m *cache.Mutation) {
	if !m.Patched {
		return
	}
	key, u, err := c.Key(m.URL)
	if err != nil {
		return
	}
	hdr := c.requestHeader(nil)
	e, ekey, err := c.lookup(ctx, key, hdr)
	if err != nil || e == nil || e.Pending != m.ID {
		return
	}
	r := *e
	r.Key, r.Body, r.Hash, r.Pending = ekey, cache.Bytes(m.Prior), httprules.Fingerprint(m.Prior), ""
	if _, err := c.opts.Store.Put(ctx, &r); err != nil {
		c.emitError(u, &storageError{fmt.Errorf("fetcher: roll back %q: %w", u, err)})
		return
	}
	c.emit(Event{Type: EventUpdate, URL: u, Result: resultFromEntry(&r, SourceCache)})
	if c.opts.Connectivity.Online() {
		c.revalidate(ekey, u, hdr, &r)
	}
}

// done follows a write's success: its new ETag chains the writes queued on
// top of it and answers the next automatic If-Match of its URL; the copies
// it affects are refreshed -- its own URL first, in the background unless
// wait (a replay waits, so that the next queued write sees the result).
func (c *Client) done(m *cache.Mutation, resp *Response, wait bool) {
	etag := resp.Header["etag"]
	if etag != "" {
		c.mu.Lock()
		c.written[m.URL] = etag
		c.mu.Unlock()
	}
	finish := func(ctx context.Context) {
		r := c.refreshWritten(ctx, m)
		if r != nil {
			c.mu.Lock()
			delete(c.written, m.URL) // the stored copy is the server's now
			c.mu.Unlock()
			if etag == "" {
				etag = r.ETag
			}
		}
		if etag != "" {
			c.chain(ctx, m.ID, etag)
		}
	}
	if wait {
		finish(c.ctx)
	} else {
		c.background(finish)
	}
	for _, raw := range c.affected(m, resp) {
		c.background(func(ctx context.Context) { c.refreshCached(ctx, raw) })
	}
}

// background runs f on the client's context, tracked by Wait and Close.
func (c *Client) background(f func(ctx context.Context)) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		f(c.ctx)
	}()
}

// refreshWritten refreshes the cached copy of the URL m wrote, if any: an
// unconditional fetch when it is m's patch (its validators are the old
// copy's), else a conditional one. It returns the stored result, nil when
// nothing was cached or the refresh failed (an error event then).
func (c *Client) refreshWritten(ctx context.Context, m *cache.Mutation) *Result {
	key, u, err := c.Key(m.URL)
	if err != nil {
		return nil
	}
	hdr := c.requestHeader(nil)
	e, ekey, err := c.lookup(ctx, key, hdr)
	if err != nil || e == nil {
		return nil
	}
	return c.refetch(ctx, ekey, u, hdr, e, e.Pending != "")
}

// refetch asks the server about the copy e stored under key (unconditionally
// with reload), sharing the request with any other exchange of key, and
// returns the stored result; nil after a failure, which is an error event.
func (c *Client) refetch(ctx context.Context, key, u string, hdr map[string]string, e *cache.Entry, reload bool) *Result {
	out, _, _, err := c.flight.do(ctx, flightKey(key, hdr), func(ctx context.Context) (*outcome, error) {
		return c.sync(ctx, key, u, hdr, e, reload)
	})
	if err != nil {
		if c.ctx.Err() == nil {
			c.emitError(u, err)
		}
		return nil
	}
	return out.result
}

// refreshCached revalidates the cached copy of u, if there is one.
func (c *Client) refreshCached(ctx context.Context, u string) {
	key, nu, err := c.Key(u)
	if err != nil {
		return
	}
	hdr := c.requestHeader(nil)
	e, ekey, err := c.lookup(ctx, key, hdr)
	if err != nil || e == nil || e.Pending != "" {
		return
	}
	c.revalidate(ekey, nu, hdr, e)
}

// affected lists the other URLs whose cached copies a successful write
// changes: its Invalidates and its answer's Location and Content-Location
// (absolute or path-absolute; RFC 9111 §4.4), without the URL itself.
func (c *Client) affected(m *cache.Mutation, resp *Response) []string {
	seen := map[string]bool{m.URL: true}
	var out []string
	add := func(u string) {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	for _, u := range m.Invalidates {
		add(u)
	}
	origin, ok := cache.Origin(m.URL)
	if !ok {
		return out
	}
	for _, name := range []string{"location", "content-location"} {
		v := strings.TrimSpace(resp.Header[name])
		switch {
		case strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//"):
			v = origin + v // path-absolute, the usual form
		case strings.Contains(v, "://"):
		default:
			continue // empty, or a relative form this cache does not resolve (net/url costs the module ~70 KB)
		}
		// RFC 9111 §4.4: only same-origin URLs, against denial of service.
		if o, ok := cache.Origin(v); ok && o == origin {
			if _, nu, err := c.Key(v); err == nil {
				add(nu)
			}
		}
	}
	return out
}

// chain gives the writes queued on top of write id (After == id) its new
// ETag as their If-Match.
func (c *Client) chain(ctx context.Context, id, etag string) {
	ob, ok := c.opts.Store.(cache.Outbox)
	if !ok {
		return
	}
	ms, err := ob.Mutations(ctx, c.opts.Namespace)
	if err != nil {
		return
	}
	for _, n := range ms {
		if n.After == id {
			n.IfMatch, n.After = etag, ""
			if err := ob.PutMutation(ctx, n); err != nil {
				c.emitError(n.URL, &storageError{fmt.Errorf("fetcher: chain %q: %w", n.URL, err)})
			}
		}
	}
}

// conflict follows a 412: the URL is fetched fresh (and stored, replacing a
// patch; subscribers get an update), and the caller gets it in a
// *ConflictError. When that fetch fails the patch is rolled back.
func (c *Client) conflict(ctx context.Context, m *cache.Mutation) *ConflictError {
	ce := &ConflictError{URL: m.URL}
	key, u, err := c.Key(m.URL)
	if err != nil {
		ce.CurrentErr = err
		return ce
	}
	hdr := c.requestHeader(nil)
	old, ekey, _ := c.lookup(ctx, key, hdr)
	if old == nil {
		ekey = key
	}
	ce.Current, ce.CurrentErr = c.fetch(ctx, ekey, u, hdr, old, true)
	if ce.CurrentErr != nil {
		c.rollback(ctx, m)
	}
	return ce
}

// writeError describes a failed attempt for Mutation.LastError.
func writeError(status int, err error) string {
	if err != nil {
		return err.Error()
	}
	return "HTTP " + strconv.Itoa(status)
}

// orphanedPatch refetches a cached optimistic copy e (under key) whose
// write is neither in the outbox nor being sent by this tab: its tab went
// away before the answer replaced it. The fetch is unconditional (e's
// validators are those of the copy it patched).
func (c *Client) orphanedPatch(ctx context.Context, key, u string, hdr map[string]string, e *cache.Entry) {
	ob, ok := c.opts.Store.(cache.Outbox)
	if !ok || !c.opts.Connectivity.Online() {
		return
	}
	c.mu.Lock()
	busy := c.sending || c.flushing
	c.mu.Unlock()
	if busy {
		return
	}
	ms, err := ob.Mutations(ctx, c.opts.Namespace)
	if err != nil {
		return
	}
	for _, m := range ms {
		if m.ID == e.Pending {
			return
		}
	}
	c.refetch(ctx, key, u, hdr, e, true)
}
