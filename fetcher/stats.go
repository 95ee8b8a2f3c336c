package fetcher

import "sync/atomic"

// Counters are a client's activity counts since New.
type Counters struct {
	Hits          int64 // Gets answered from the store
	Misses        int64 // Gets that had to fetch from the network
	Revalidations int64 // conditional (or validator-less) revalidation requests sent
	NotModified   int64 // 304 answers
	Updates       int64 // update events
	Errors        int64 // error events
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
