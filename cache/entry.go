package cache

import (
	"errors"
	"maps"
	"time"
)

// Entry is one stored response. Entries are values: a store copies what it is
// given and hands back its own copy, so callers may keep or change an Entry
// freely.
type Entry struct {
	// Key is Key(Namespace, Method, URL); stores index entries by it.
	Key string
	// URL is the normalized absolute URL the response answered (no fragment).
	URL string
	// Method is the request method, upper case ("GET").
	Method string
	// Namespace partitions entries (e.g. by logged-in user); "" is a namespace too.
	Namespace string
	// AppVersion is the application cache version the entry was written under.
	AppVersion string

	// ETag is the response's ETag header, verbatim (a W/ prefix kept).
	ETag string
	// LastModified is the response's Last-Modified header, verbatim.
	LastModified string
	// Status is the HTTP status of the stored response (normally 200).
	Status int
	// Header holds the response headers the client needs, by lower-case name:
	// at least content-type, cache-control, date, expires and content-length
	// when the server sent them.
	Header map[string]string
	// Vary holds, for each request header name the response's Vary names
	// (lower case), the value the request that fetched it carried ("" when
	// absent). A request is served this entry only if its values match. nil
	// when the response does not vary. Several variants of one URL are
	// stored under VariantKey keys.
	Vary map[string]string

	// StoredAt is when this body arrived from the network.
	StoredAt time.Time
	// ValidatedAt is when the server last confirmed the body (a 200 or a 304).
	// TTL and least-recently-validated eviction are measured from it.
	ValidatedAt time.Time

	// Body is the response body. Stores may hand back a Body whose bytes stay
	// outside Go memory (see JSBody in the js/wasm build).
	Body Body
	// Hash fingerprints the body (the fetcher's choice of function), used to
	// detect changes when the server sends no validator. It may be empty.
	Hash string
	// Pending is the ID of the queued or in-flight write (a Mutation) whose
	// optimistic patch Body is: the server has not confirmed it, and the
	// validators and times are still those of the copy it patched. "" for a
	// body as the server sent it.
	Pending string
}

// Size is the number of body bytes the entry accounts for in capacity limits.
func (e *Entry) Size() int64 {
	if e == nil || e.Body == nil {
		return 0
	}
	return int64(e.Body.Len())
}

// Body is a stored response body.
type Body interface {
	// Len is the body's size in bytes.
	Len() int
	// Bytes returns the body's bytes, copying them into Go memory if they live
	// elsewhere. Callers must not modify the returned slice.
	Bytes() []byte
}

// Bytes is a Body held in Go memory.
type Bytes []byte

// Len implements Body.
func (b Bytes) Len() int { return len(b) }

// Bytes implements Body.
func (b Bytes) Bytes() []byte { return b }

// Reason says why an entry was not returned or was removed.
type Reason string

// Reasons for misses and evictions.
const (
	ReasonAbsent   Reason = "absent"   // nothing stored under the key
	ReasonTTL      Reason = "ttl"      // older than the TTL since its last validation
	ReasonVersion  Reason = "version"  // written under another app version
	ReasonCorrupt  Reason = "corrupt"  // stored record did not decode
	ReasonCapacity Reason = "capacity" // evicted to stay within MaxEntries/MaxBytes
	ReasonQuota    Reason = "quota"    // evicted after the browser refused a write (QuotaExceededError)
	ReasonManual   Reason = "manual"   // deleted or cleared by the caller
)

// Eviction reports one entry a store removed.
type Eviction struct {
	Key       string
	URL       string
	Namespace string
	Reason    Reason
}

// Info describes a stored entry without its body: what List returns, for
// tools that look inside a cache.
type Info struct {
	Key          string
	URL          string
	Namespace    string
	AppVersion   string
	Status       int
	ETag         string
	LastModified string
	Header       map[string]string
	Vary         map[string]string
	Size         int64
	StoredAt     time.Time
	ValidatedAt  time.Time
	// Expired: its age since ValidatedAt has reached the TTL; a Get would
	// evict it.
	Expired bool
}

// infoOf describes e, stored with size body bytes, at now under o.
func infoOf(e *Entry, size int64, o Options, now time.Time) Info {
	return Info{
		Key: e.Key, URL: e.URL, Namespace: e.Namespace, AppVersion: e.AppVersion, Status: e.Status,
		ETag: e.ETag, LastModified: e.LastModified, Header: maps.Clone(e.Header), Vary: maps.Clone(e.Vary), Size: size,
		StoredAt: e.StoredAt, ValidatedAt: e.ValidatedAt,
		Expired: verdict(&Entry{AppVersion: o.AppVersion, ValidatedAt: e.ValidatedAt}, o, now) == ReasonTTL,
	}
}

// Stats are a store's counts.
type Stats struct {
	Entries int
	Bytes   int64
}

// Sentinel errors callers branch on.
var (
	// ErrMiss is matched (errors.Is) by every miss a Get reports; the concrete
	// error is a *MissError carrying the reason.
	ErrMiss = errors.New("cache: miss")
	// ErrUnavailable means the storage backend cannot be used (IndexedDB
	// undefined, blocked, failed to open). Callers may fall back to NewMemory.
	ErrUnavailable = errors.New("cache: storage unavailable")
	// ErrQuota means the browser refused a write for lack of space even after
	// evicting entries.
	ErrQuota = errors.New("cache: storage quota exceeded")
	// ErrTooLarge means one entry cannot be stored however much is evicted:
	// it alone exceeds MaxBytes, or the browser refused it with everything
	// evictable evicted (which was then put back).
	ErrTooLarge = errors.New("cache: entry too large to store")
	// ErrClosed means the store was closed.
	ErrClosed = errors.New("cache: store closed")
)

// MissError is the error Get returns when no valid entry is served. When the
// reason is ReasonTTL, ReasonVersion or ReasonCorrupt the stored record was
// deleted, and Evicted describes it.
type MissError struct {
	Key     string
	Reason  Reason
	Evicted *Eviction
}

func (e *MissError) Error() string { return "cache: miss " + string(e.Reason) + " for key " + e.Key }

// Is makes errors.Is(err, ErrMiss) hold.
func (e *MissError) Is(target error) bool { return target == ErrMiss }
