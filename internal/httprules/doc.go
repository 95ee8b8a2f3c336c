// Package httprules holds the HTTP caching rules the cache follows, as pure
// functions with no dependency on storage or on the engine: entity tags and
// their weak and strong comparison (RFC 9110 §8.8.3), If-None-Match
// (§13.1.2), Cache-Control (RFC 9111 §5.2), freshness (RFC 9111 §4.2),
// HTTP dates (RFC 9110 §5.6.7), which headers are stored and which a 304 may
// refresh (RFC 9111 §3.2, §4.3.4), and the body fingerprint used when a
// server sends no validator.
//
// The parsers take untrusted server input: malformed values mean "no match"
// or "no directive", never a panic, and each is fuzzed.
package httprules
