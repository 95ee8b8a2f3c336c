package fetcher

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/etagcache/etag-cache/cache"
)

// The outbox replay. Queued writes of the namespace are sent in queue order
// on Flush, which runs at start-up (Open), when the connectivity hint comes
// back online, on the backoff timer after a retryable failure, and whenever
// the JS face asks (the page becoming visible, cache.flush()). One replay
// runs at a time in a tab (writeMu, which writes sent at once take too) and
// one across the tabs of a database (Options.lock: an exclusive Web Lock in
// the browser). Each replay reads the outbox afresh under the lock, so a
// write another tab sent and removed is never sent twice.
//
// Order: a pending write goes only when every earlier write of its URL is
// done; a retryable failure stops the replay (the next writes would only
// fail the same way, and must not overtake it), a failed (refused) write
// holds back the later writes of its URL until it is retried or discarded.

// MutationInfo describes one queued write (Client.Outbox).
type MutationInfo struct {
	ID        string
	URL       string
	Method    string
	QueuedAt  time.Time
	Attempts  int
	State     cache.MutationState
	LastError string
}

// Outbox lists the queued writes of the client's namespace in queue order.
// A store without an outbox has none.
func (c *Client) Outbox(ctx context.Context) ([]MutationInfo, error) {
	ob, ok := c.opts.Store.(cache.Outbox)
	if !ok {
		return nil, nil
	}
	ms, err := ob.Mutations(ctx, c.opts.Namespace)
	if err != nil {
		return nil, fmt.Errorf("fetcher: outbox: %w", err)
	}
	out := make([]MutationInfo, len(ms))
	for i, m := range ms {
		out[i] = MutationInfo{ID: m.ID, URL: m.URL, Method: m.Method, QueuedAt: m.QueuedAt, Attempts: m.Attempts,
			State: m.State, LastError: m.LastError}
	}
	return out, nil
}

// ErrNoSuchWrite is Retry's and Discard's error for an ID the outbox does
// not hold (sent, discarded, or never queued in this namespace).
var ErrNoSuchWrite = errors.New("fetcher: no such queued write")

// find returns the queued write id.
func (c *Client) find(ctx context.Context, id string) (cache.Outbox, *cache.Mutation, error) {
	ob, ok := c.opts.Store.(cache.Outbox)
	if !ok {
		return nil, nil, ErrNoSuchWrite
	}
	ms, err := ob.Mutations(ctx, c.opts.Namespace)
	if err != nil {
		return nil, nil, fmt.Errorf("fetcher: outbox: %w", err)
	}
	for _, m := range ms {
		if m.ID == id {
			return ob, m, nil
		}
	}
	return nil, nil, fmt.Errorf("%w: %q", ErrNoSuchWrite, id)
}

// Retry moves the failed write id back to pending and asks for a replay.
func (c *Client) Retry(ctx context.Context, id string) error {
	ob, m, err := c.find(ctx, id)
	if err != nil {
		return err
	}
	m.State = cache.MutationPending
	if err := ob.PutMutation(ctx, m); err != nil {
		return fmt.Errorf("fetcher: retry %q: %w", id, err)
	}
	c.kickFlush()
	return nil
}

// Discard drops the queued write id and rolls back its optimistic patch.
func (c *Client) Discard(ctx context.Context, id string) error {
	ob, m, err := c.find(ctx, id)
	if err != nil {
		return err
	}
	if _, err := ob.DeleteMutation(ctx, m); err != nil {
		return fmt.Errorf("fetcher: discard %q: %w", id, err)
	}
	c.rollback(ctx, m)
	return nil
}

// ClearOutbox drops every queued write of the namespace (rolling back their
// patches) and returns how many there were.
func (c *Client) ClearOutbox(ctx context.Context) (int, error) {
	ob, ok := c.opts.Store.(cache.Outbox)
	if !ok {
		return 0, nil
	}
	ms, err := ob.Mutations(ctx, c.opts.Namespace)
	if err != nil {
		return 0, fmt.Errorf("fetcher: clear outbox: %w", err)
	}
	n := 0
	for i := len(ms) - 1; i >= 0; i-- { // newest first: each rollback restores what the one before patched
		if ok, err := ob.DeleteMutation(ctx, ms[i]); err != nil {
			return n, fmt.Errorf("fetcher: clear outbox: %w", err)
		} else if ok {
			n++
			c.rollback(ctx, ms[i])
		}
	}
	return n, nil
}

// Flush sends the pending writes of the namespace now, in queue order, and
// returns when the replay is over (whatever became of each write: events
// say). It sends nothing while the connectivity hint says offline. A replay
// already running in this tab is asked to go once more instead.
func (c *Client) Flush(ctx context.Context) error {
	ob, ok := c.opts.Store.(cache.Outbox)
	if !ok {
		return nil
	}
	c.mu.Lock()
	if c.flushing {
		c.flushAgain = true
		c.mu.Unlock()
		return nil
	}
	c.flushing = true
	c.mu.Unlock()
	var err error
	for {
		err = c.lockOutbox(ctx, func() error { return c.replay(ctx, ob) })
		c.mu.Lock()
		again := c.flushAgain && err == nil && ctx.Err() == nil && c.ctx.Err() == nil
		c.flushAgain = false
		if !again {
			c.flushing = false
			c.mu.Unlock()
			return err
		}
		c.mu.Unlock()
	}
}

// lockOutbox runs fn holding this tab's write lock and, where there is one,
// the lock the tabs of the database share.
func (c *Client) lockOutbox(ctx context.Context, fn func() error) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.opts.lock == nil {
		return fn()
	}
	return c.opts.lock(ctx, fn)
}

// replay is one pass over the outbox; see the notes above. The outbox is
// read again after each write, whose success may have changed the writes
// chained on it.
func (c *Client) replay(ctx context.Context, ob cache.Outbox) error {
	tried := map[string]bool{}
	for {
		ms, err := ob.Mutations(ctx, c.opts.Namespace)
		if err != nil {
			return fmt.Errorf("fetcher: flush: %w", err)
		}
		var next *cache.Mutation
		held := map[string]bool{} // URLs with an earlier write not done
		for _, m := range ms {
			switch {
			case held[m.URL]:
			case m.State != cache.MutationPending || tried[m.ID]:
				held[m.URL] = true
			default:
				next = m
			}
			if next != nil {
				break
			}
		}
		if next == nil {
			return nil
		}
		if !c.opts.Connectivity.Online() || ctx.Err() != nil || c.ctx.Err() != nil {
			return ctx.Err()
		}
		tried[next.ID] = true
		if stop := c.replayOne(ctx, ob, next); stop {
			return nil
		}
	}
}

// replayOne sends m and applies the answer; stop says the replay must end
// here (a retryable failure, or the client closing).
func (c *Client) replayOne(ctx context.Context, ob cache.Outbox, m *cache.Mutation) (stop bool) {
	m.Attempts++
	resp, err := c.send(ctx, m)
	if errors.Is(err, ErrClosed) || c.ctx.Err() != nil {
		return true
	}
	status := 0
	if resp != nil {
		status = resp.Status
	}
	class := writeRetry
	if err == nil {
		class = classify(status)
	}
	ev := Event{URL: m.URL, ID: m.ID, Method: m.Method, Status: status}
	switch class {
	case writeDone:
		if _, err := ob.DeleteMutation(ctx, m); err != nil {
			c.emitError(m.URL, &storageError{fmt.Errorf("fetcher: remove sent %q: %w", m.URL, err)})
		}
		c.done(m, resp, true)
		ev.Type = EventSent
		c.emit(ev)
		return false
	case writeConflict:
		if _, err := ob.DeleteMutation(ctx, m); err != nil {
			c.emitError(m.URL, &storageError{fmt.Errorf("fetcher: remove conflicting %q: %w", m.URL, err)})
		}
		ce := c.conflict(ctx, m)
		ev.Type, ev.Result, ev.Err = EventConflict, ce.Current, ce
		ev.Message = ce.Error()
		c.emit(ev)
		return false
	case writeRefused:
		m.State, m.LastError = cache.MutationFailed, writeError(status, nil)
		if err := ob.PutMutation(ctx, m); err != nil {
			c.emitError(m.URL, &storageError{fmt.Errorf("fetcher: mark failed %q: %w", m.URL, err)})
		}
		c.rollback(ctx, m)
		ev.Type, ev.Message = EventFailed, m.LastError
		if resp != nil {
			ev.Result = &Result{URL: m.URL, Status: status, Header: resp.Header, Body: resp.Body, Source: SourceNetwork}
		}
		c.emit(ev)
		return false
	}
	// Retryable: kept, with backoff.
	m.LastError = writeError(status, err)
	if perr := ob.PutMutation(ctx, m); perr != nil {
		c.emitError(m.URL, &storageError{fmt.Errorf("fetcher: keep %q: %w", m.URL, perr)})
	}
	if err != nil {
		c.emitError(m.URL, err)
	} else {
		c.emitError(m.URL, &HTTPStatusError{URL: m.URL, Status: status})
	}
	c.scheduleFlush(c.opts.Retry.delay(m.Attempts - 1))
	return true
}

// kickFlush starts a replay in the background.
func (c *Client) kickFlush() {
	if _, ok := c.opts.Store.(cache.Outbox); !ok || c.ctx.Err() != nil {
		return
	}
	c.background(func(ctx context.Context) { c.flushReporting(ctx) })
}

// flushReporting runs Flush and reports a failure as an error event.
func (c *Client) flushReporting(ctx context.Context) {
	if err := c.Flush(ctx); err != nil && c.ctx.Err() == nil && !errors.Is(err, context.Canceled) {
		c.emitError("", &storageError{err})
	}
}

// scheduleFlush asks for a replay after d (the backoff of a retryable
// failure); a replay already due sooner makes it unnecessary.
func (c *Client) scheduleFlush(d time.Duration) {
	due := c.opts.Now().Add(d)
	c.mu.Lock()
	if !c.flushDue.IsZero() && !c.flushDue.After(due) {
		c.mu.Unlock()
		return
	}
	c.flushDue = due
	c.mu.Unlock()
	// A timer, not work under way: Close stops it, Wait does not wait for
	// it.
	c.timers.Add(1)
	go func() {
		defer c.timers.Done()
		if c.opts.Sleep(c.ctx, d) != nil {
			return
		}
		c.mu.Lock()
		if c.flushDue.Equal(due) {
			c.flushDue = time.Time{}
		}
		c.mu.Unlock()
		if c.opts.Connectivity.Online() { // else coming back online starts a replay
			c.kickFlush()
		}
	}()
}
