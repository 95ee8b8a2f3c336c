package fetcher

import (
	"time"

	"github.com/etagcache/etag-cache/cache"
)

// Source says where a Result's body came from.
type Source string

// Sources.
const (
	SourceCache   Source = "cache"
	SourceNetwork Source = "network"
)

// Result is what Get returns and what an update event carries.
type Result struct {
	// URL is the normalized request URL.
	URL string
	// Key is the storage key.
	Key string
	// Status is the stored or received HTTP status.
	Status int
	// Header holds the response headers by lower-case name. Callers must not
	// modify it.
	Header map[string]string
	// Body is the body; for cached reads in the browser it stays in JS memory.
	Body cache.Body
	// ETag and LastModified are the validators, verbatim ("" if none).
	ETag, LastModified string
	// StoredAt is when the body arrived; ValidatedAt when the server last
	// confirmed it. Zero for responses that were not stored (no-store).
	StoredAt, ValidatedAt time.Time
	// Source is SourceCache or SourceNetwork.
	Source Source
	// Stale is true for a cached copy served while the last revalidation of
	// its key failed (stale-if-error, e.g. offline), or past an explicit
	// freshness lifetime (max-age, Expires) that the server has not renewed.
	Stale bool
	// Revalidating is true for a cached copy whose background revalidation
	// is under way (started by this read or already running): its outcome
	// arrives as a revalidated, update or error event. False when none is
	// due (fresh, within MinRevalidateInterval, or a mode that does not
	// revalidate).
	Revalidating bool
	// Pending is true for a cached copy that is the optimistic patch of a
	// write the server has not answered yet (Client.Mutate).
	Pending bool
}

// resultFromEntry builds a Result from a stored entry.
func resultFromEntry(e *cache.Entry, src Source) *Result {
	return &Result{
		URL: e.URL, Key: e.Key, Status: e.Status, Header: e.Header, Body: e.Body,
		ETag: e.ETag, LastModified: e.LastModified,
		StoredAt: e.StoredAt, ValidatedAt: e.ValidatedAt, Source: src, Pending: e.Pending != "",
	}
}
