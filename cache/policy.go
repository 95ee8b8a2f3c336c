package cache

import (
	"strings"
	"time"

	"github.com/etagcache/etag-cache/internal/httprules"
)

// verdict says whether e may be served at now under o: "" when it may, else
// why not. The app version is checked first, so an entry that is both stale
// and of another version reports ReasonVersion. A ReasonTTL entry must be
// deleted; a ReasonVersion one belongs to another app version (whose tabs
// may still be open) and is left alone.
//
// An entry is expired once now - ValidatedAt >= TTL: exactly at the TTL it is
// already expired. If the clock went backwards (ValidatedAt after now) the age
// counts as zero and the entry is fresh; a clock set back must not wipe the
// cache of an offline device.
func verdict(e *Entry, o Options, now time.Time) Reason {
	if e.AppVersion != o.AppVersion {
		return ReasonVersion
	}
	age := now.Sub(e.ValidatedAt)
	if age < 0 {
		age = 0
	}
	if age >= o.TTL {
		return ReasonTTL
	}
	return ""
}

// expiryBoundMillis is the largest ValidatedAt, in Unix milliseconds, that is
// expired at now under ttl: validatedAt <= floor((now - ttl) in ms). Stores
// that index millisecond timestamps sweep with it and agree with verdict on
// millisecond-precision times.
func expiryBoundMillis(now time.Time, ttl time.Duration) int64 {
	return floorMillis(now.Add(-ttl))
}

// floorMillis is t in Unix milliseconds, rounded towards the past (UnixMilli
// truncates towards zero, which differs before 1970).
func floorMillis(t time.Time) int64 {
	ms := t.UnixMilli()
	if time.UnixMilli(ms).After(t) {
		ms--
	}
	return ms
}

// millis rounds t down to the millisecond precision stores keep.
func millis(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.UnixMilli(floorMillis(t))
}

// fromMillis is the time of ms Unix milliseconds; the zero time's millisecond
// value maps back to the zero time.
func fromMillis(ms int64) time.Time {
	if ms == zeroMillis {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// zeroMillis is time.Time{} in Unix milliseconds.
var zeroMillis = time.Time{}.UnixMilli()

// Revalidation is what a 304 Not Modified tells a store about an entry
// (RFC 9111 section 4.3.4: freshen the stored response's metadata, keep its
// body and content headers).
type Revalidation struct {
	// ValidatedAt is when the server confirmed the entry; zero means the
	// store's Now().
	ValidatedAt time.Time
	// ETag replaces the stored ETag; "" keeps it.
	ETag string
	// LastModified replaces the stored Last-Modified; "" keeps it.
	LastModified string
	// Header holds the 304's headers; they are merged over the stored ones,
	// except those httprules.UpdatableOn304 rejects (content headers that
	// describe the stored body, hop-by-hop fields, cookies).
	Header map[string]string
}

// revalidatedHeaders returns the header updates of r that a store applies,
// with lower-cased names.
func revalidatedHeaders(r Revalidation) map[string]string {
	out := make(map[string]string, len(r.Header))
	for k, v := range r.Header {
		k = strings.ToLower(k)
		if !httprules.UpdatableOn304(k) {
			continue
		}
		out[k] = v
	}
	return out
}

// apply freshens e with r; validatedAt is r.ValidatedAt or the store's now.
func (r Revalidation) apply(e *Entry, now time.Time) {
	e.ValidatedAt = r.ValidatedAt
	if e.ValidatedAt.IsZero() {
		e.ValidatedAt = now
	}
	e.ValidatedAt = millis(e.ValidatedAt)
	if r.ETag != "" {
		e.ETag = r.ETag
	}
	if r.LastModified != "" {
		e.LastModified = r.LastModified
	}
	upd := revalidatedHeaders(r)
	if len(upd) > 0 && e.Header == nil {
		e.Header = make(map[string]string, len(upd))
	}
	for k, v := range upd {
		e.Header[k] = v
	}
}
