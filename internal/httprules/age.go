package httprules

import "time"

// ParseAge parses an Age field value (RFC 9111 §5.1): delta-seconds, the
// seconds the response has spent in caches on its way. ok is false for
// anything else -- empty, negative, a list, garbage -- which a cache must
// ignore; values past 2^31 seconds are capped there (RFC 9111 §1.2.2).
func ParseAge(s string) (age time.Duration, ok bool) {
	s = trimOWS(s)
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	return parseDeltaSeconds(s), true
}
