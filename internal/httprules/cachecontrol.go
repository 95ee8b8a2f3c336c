package httprules

import (
	"strings"
	"time"
)

// maxDeltaSeconds is the value RFC 9111 §1.2.2 tells a cache to use for a
// delta-seconds larger than it can represent (2^31 seconds).
const maxDeltaSeconds = 1 << 31

// CacheControl is a parsed Cache-Control response header (RFC 9111 §5.2).
// The zero value means "no directives".
type CacheControl struct {
	NoStore        bool // no-store: the response is never persisted
	NoCache        bool // no-cache (also its qualified form no-cache="field"): stored, always revalidated
	Private        bool // private: fine for this private cache
	Public         bool // public
	MustRevalidate bool // must-revalidate
	Immutable      bool // immutable (RFC 8246)

	// HasMaxAge is true when a max-age directive was present.
	HasMaxAge bool
	// MaxAge is the freshness lifetime from max-age. A malformed value or
	// conflicting duplicates give 0 (stale at once), values past 2^31 seconds
	// are capped there (RFC 9111 §1.2.2, §4.2.1).
	MaxAge time.Duration

	// Directives holds every well-formed directive by lower-case name with
	// its unquoted value ("" for none), first occurrence wins; unknown
	// directives are kept here and otherwise ignored.
	Directives map[string]string
}

// ParseCacheControl parses a Cache-Control field value (several header lines
// joined with commas). Directive names are case-insensitive tokens, values are
// tokens or quoted-strings (which may contain commas). A malformed element is
// skipped up to the next top-level comma: garbage means "no directive", never
// a panic -- except that no-store and no-cache are read conservatively: a
// whitespace-separated "no-store" or "no-cache" anywhere outside a quoted
// string counts, so `no-store no-cache` (invalid, but servers send it) is
// not stored. Parsing never fails.
func ParseCacheControl(s string) CacheControl {
	cc := parseDirectives(s)
	store, cache := conservative(s)
	cc.NoStore = cc.NoStore || store
	cc.NoCache = cc.NoCache || cache
	return cc
}

// conservative reports whether "no-store" or "no-cache" appears in s as a
// word of its own (case-insensitive), outside quoted strings.
func conservative(s string) (noStore, noCache bool) {
	inQuote := false
	start := -1
	word := func(end int) {
		if start < 0 {
			return
		}
		switch strings.ToLower(s[start:end]) {
		case "no-store":
			noStore = true
		case "no-cache":
			noCache = true
		}
		start = -1
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote && c == '\\':
			i++
		case c == '"':
			word(i)
			inQuote = !inQuote
		case inQuote:
		case c == ' ' || c == '\t' || c == ',' || c == '=':
			word(i)
		case start < 0:
			start = i
		}
	}
	if !inQuote {
		word(len(s))
	}
	return noStore, noCache
}

// parseDirectives is ParseCacheControl without the conservative reading.
func parseDirectives(s string) CacheControl {
	var cc CacheControl
	maxAges := 0
	for s != "" {
		var name, value string
		var ok bool
		name, value, s, ok = scanDirective(s)
		if !ok {
			continue
		}
		if cc.Directives == nil {
			cc.Directives = make(map[string]string)
		}
		if _, dup := cc.Directives[name]; !dup {
			cc.Directives[name] = value
		}
		switch name {
		case "no-store":
			cc.NoStore = true
		case "no-cache":
			cc.NoCache = true
		case "private":
			cc.Private = true
		case "public":
			cc.Public = true
		case "must-revalidate":
			cc.MustRevalidate = true
		case "immutable":
			cc.Immutable = true
		case "max-age":
			d := parseDeltaSeconds(value)
			maxAges++
			if maxAges > 1 && d != cc.MaxAge {
				d = 0 // conflicting duplicates: consider the response stale
			}
			cc.HasMaxAge = true
			cc.MaxAge = d
		}
	}
	return cc
}

// scanDirective reads one list element from s. It returns the rest after the
// element's terminating comma. ok is false for an empty or malformed element.
func scanDirective(s string) (name, value, rest string, ok bool) {
	s = trimOWS(s)
	i := 0
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	name = strings.ToLower(s[:i])
	s = trimOWS(s[i:])
	if s != "" && s[0] == '=' {
		s = trimOWS(s[1:])
		if s != "" && s[0] == '"' {
			var q bool
			value, s, q = scanQuoted(s)
			if !q {
				return "", "", "", false // unterminated quote swallows the rest
			}
		} else {
			j := 0
			for j < len(s) && isTokenChar(s[j]) {
				j++
			}
			value, s = s[:j], s[j:]
			if value == "" {
				name = "" // "name=" with no value
			}
		}
		s = trimOWS(s)
	}
	if s != "" && s[0] != ',' {
		// Garbage inside the element: skip to the next top-level comma.
		return "", "", skipElement(s), false
	}
	if s != "" {
		s = s[1:]
	}
	return name, value, s, name != ""
}

// scanQuoted reads a quoted-string at the start of s (RFC 9110 §5.6.4),
// unescaping quoted-pairs.
func scanQuoted(s string) (value, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			if i+1 >= len(s) {
				return "", "", false
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

// skipElement returns s after the next comma that is not inside a
// quoted-string, or "" when there is none.
func skipElement(s string) string {
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case c == ',' && !inQuote:
			return s[i+1:]
		}
	}
	return ""
}

// parseDeltaSeconds parses delta-seconds (1*DIGIT), capping at 2^31; a
// malformed value is 0.
func parseDeltaSeconds(v string) time.Duration {
	if v == "" {
		return 0
	}
	var n uint64
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0
		}
		if n <= maxDeltaSeconds {
			n = n*10 + uint64(v[i]-'0')
		}
	}
	if n > maxDeltaSeconds {
		n = maxDeltaSeconds
	}
	return time.Duration(n) * time.Second
}

// isTokenChar reports whether c is a tchar (RFC 9110 §5.6.2).
func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
