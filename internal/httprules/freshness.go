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
	// InitialAge is the response's age when it was received: the larger of
	// its apparent age (receipt time minus Date, never negative) and its Age
	// header (RFC 9111 §4.2.3). Behind a CDN a response may arrive already
	// minutes old.
	InitialAge time.Duration
}

// FreshnessOf computes the freshness of a stored response from its lower-case
// headers and the time it was received (for a stored entry, when the server
// last sent or confirmed it), following RFC 9111 §4.2: max-age wins over
// Expires - Date, and an Expires without a Date counts from the receipt time;
// an invalid Expires means already expired; with neither, no heuristic
// freshness is used (lifetime 0), because our users expect every read to
// revalidate. An invalid Age is ignored, a Date in the future gives an
// apparent age of zero.
func FreshnessOf(h map[string]string, received time.Time) Freshness {
	var f Freshness
	date, dateErr := ParseHTTPDate(h["date"])
	if dateErr == nil && received.After(date) {
		f.InitialAge = received.Sub(date)
	}
	if age, ok := ParseAge(h["age"]); ok && age > f.InitialAge {
		f.InitialAge = age
	}
	cc := ParseCacheControl(h["cache-control"])
	switch {
	case cc.NoCache:
		f.AlwaysRevalidate, f.Explicit = true, true
		return f
	case cc.HasMaxAge:
		f.Lifetime, f.Explicit = cc.MaxAge, true
		return f
	}
	exp, ok := h["expires"]
	if !ok {
		return f
	}
	f.Explicit = true
	expires, err := ParseHTTPDate(exp)
	if err != nil {
		return f // an invalid Expires means already expired
	}
	base := date
	if dateErr != nil {
		base = received
	}
	if d := expires.Sub(base); d > 0 {
		f.Lifetime = d
	}
	return f
}

// Age is the response's current age at now (RFC 9111 §4.2.3): its initial
// age plus the time since it was received. A clock that went backwards adds
// nothing.
func (f Freshness) Age(received, now time.Time) time.Duration {
	resident := now.Sub(received)
	if resident < 0 {
		resident = 0
	}
	return f.InitialAge + resident
}

// IsFresh reports whether a response received at received may be served at
// now without a revalidation request: its lifetime exceeds its current age.
func (f Freshness) IsFresh(received, now time.Time) bool {
	if f.AlwaysRevalidate || f.Lifetime <= 0 {
		return false
	}
	return f.Age(received, now) < f.Lifetime
}
