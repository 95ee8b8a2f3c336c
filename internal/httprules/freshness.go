package httprules

import "time"

// Freshness describes how long a stored response may be served without
// asking the server (RFC 9111 §4.2).
type Freshness struct {
	// Lifetime is the freshness lifetime; 0 means "revalidate on every read".
	Lifetime time.Duration
	// Explicit is true when the server gave one (max-age or Expires), so
	// serving past it means serving stale data.
	Explicit bool
	// AlwaysRevalidate is true for no-cache.
	AlwaysRevalidate bool
}

// FreshnessOf computes the freshness of a stored response from its lower-case
// headers, following RFC 9111 §4.2.1: max-age wins over Expires - Date; an
// invalid Expires means already expired; with neither, no heuristic freshness
// is used (lifetime 0), because our users expect every read to revalidate.
// Age headers are not subtracted: the entry's age is measured from
// ValidatedAt.
func FreshnessOf(h map[string]string) Freshness {
	cc := ParseCacheControl(h["cache-control"])
	if cc.NoCache {
		return Freshness{AlwaysRevalidate: true, Explicit: true}
	}
	if cc.HasMaxAge {
		return Freshness{Lifetime: cc.MaxAge, Explicit: true}
	}
	exp, ok := h["expires"]
	if !ok {
		return Freshness{}
	}
	expires, err := ParseHTTPDate(exp)
	if err != nil {
		return Freshness{Explicit: true}
	}
	date, err := ParseHTTPDate(h["date"])
	if err != nil {
		return Freshness{Explicit: true}
	}
	if d := expires.Sub(date); d > 0 {
		return Freshness{Lifetime: d, Explicit: true}
	}
	return Freshness{Explicit: true}
}

// IsFresh reports whether an entry validated at validatedAt may be served at
// now without a revalidation request. A clock that went backwards counts as
// age 0.
func (f Freshness) IsFresh(validatedAt, now time.Time) bool {
	if f.AlwaysRevalidate || f.Lifetime <= 0 {
		return false
	}
	age := now.Sub(validatedAt)
	if age < 0 {
		age = 0
	}
	return age < f.Lifetime
}
