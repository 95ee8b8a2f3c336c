package fetcher

import (
	"context"
	"fmt"
	"sync/atomic"
)

// Counters are a client's activity counts since New.
type Counters struct {
	Hits          int64 // Gets answered from the store (a no-cache Get's stale fallback included)
	Misses        int64 // Gets with no servable stored copy (only-if-cached's too, which send nothing), and reloads
	Revalidations int64 // conditional (or validator-less) revalidation requests sent
	NotModified   int64 // 304 answers
	Updates       int64 // update events
	Errors        int64 // error events
}

// Stats are a client's counters with its store's counts.
type Stats struct {
	Counters
	// Entries and Bytes count what the store holds, every namespace and
	// version included.
	Entries int
	Bytes   int64
}

type counters struct {
	hits, misses, revalidations, notModified, updates, errors atomic.Int64
}

func (c *counters) snapshot() Counters {
	return Counters{
		Hits: c.hits.Load(), Misses: c.misses.Load(), Revalidations: c.revalidations.Load(),
		NotModified: c.notModified.Load(), Updates: c.updates.Load(), Errors: c.errors.Load(),
	}
}

// Counters returns the activity counters.
func (c *Client) Counters() Counters { return c.stats.snapshot() }

// Stats returns the activity counters and the store's counts.
func (c *Client) Stats(ctx context.Context) (Stats, error) {
	st, err := c.opts.Store.Stats(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("fetcher: stats: %w", err)
	}
	return Stats{Counters: c.Counters(), Entries: st.Entries, Bytes: st.Bytes}, nil
}
