package fetcher

import "github.com/etagcache/etag-cache/cache"

// report turns the outcome of a successful exchange for key into events and
// counters: the diagnostic, the evictions, a failed write, then the update
// or revalidated event. It is the one place where outcomes become
// notifications. A successful exchange also clears the key's failed mark.
func (c *Client) report(key, u string, out *outcome) {
	c.forget(key)
	for _, w := range out.warnings {
		c.emit(w)
	}
	c.emitEvictions(out.evicted)
	if out.stored != nil {
		c.emitError(u, &storageError{out.stored})
	}
	switch out.kind {
	case outcomeUpdated:
		c.stats.updates.Add(1)
		c.emit(Event{Type: EventUpdate, URL: u, Result: out.result})
	case outcomeConfirmed:
		if out.status == 304 {
			c.stats.notModified.Add(1)
		}
		c.emit(Event{Type: EventRevalidated, URL: u, Status: out.status, ValidatedAt: out.result.ValidatedAt})
	}
}

// emit delivers ev to the sink. Callers must not hold c.mu.
func (c *Client) emit(ev Event) {
	if c.opts.Events != nil {
		c.opts.Events(ev)
	}
}

// emitError counts and emits an error event for u that no retry follows.
func (c *Client) emitError(u string, err error) { c.emitErrorEvent(u, err, false) }

// emitErrorEvent counts and emits an error event for u; retrying says that
// retries of the same request follow.
func (c *Client) emitErrorEvent(u string, err error, retrying bool) {
	c.stats.errors.Add(1)
	c.emit(Event{Type: EventError, URL: u, Kind: kindOf(err), Err: err, Message: err.Error(), Status: statusOf(err),
		Retrying: retrying})
}

// emitEvictions emits an evict event for each eviction.
func (c *Client) emitEvictions(evs []cache.Eviction) {
	for _, ev := range evs {
		c.emit(Event{Type: EventEvict, URL: ev.URL, Reason: ev.Reason})
	}
}
