package httprules

import "strings"

// ETag is a parsed entity tag (RFC 9110 §8.8.3).
type ETag struct {
	// Weak is true for a tag written with the case-sensitive "W/" prefix.
	Weak bool
	// Tag is the opaque-tag including its double quotes, e.g. `"abc"`.
	Tag string
}

// String returns the tag as it is written in a header.
func (e ETag) String() string {
	if e.Weak {
		return "W/" + e.Tag
	}
	return e.Tag
}

// ParseETag parses one entity-tag, surrounded by optional whitespace. It
// follows RFC 9110 §8.8.3: an optional case-sensitive "W/" followed by a
// double-quoted string of etagc characters. A lower-case "w/", an unquoted
// tag, an embedded quote or control character, or trailing data make it
// malformed: ok is false.
func ParseETag(s string) (e ETag, ok bool) {
	e, rest, ok := scanETag(trimOWS(s))
	if !ok || rest != "" {
		return ETag{}, false
	}
	return e, true
}

// scanETag reads one entity-tag at the start of s and returns the rest.
func scanETag(s string) (e ETag, rest string, ok bool) {
	if strings.HasPrefix(s, "W/") {
		e.Weak = true
		s = s[2:]
	}
	if len(s) < 2 || s[0] != '"' {
		return ETag{}, "", false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			e.Tag = s[:i+1]
			return e, s[i+1:], true
		case c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80:
		default:
			return ETag{}, "", false
		}
	}
	return ETag{}, "", false
}

// WeakMatch reports whether a and b match under weak comparison (RFC 9110
// §8.8.3.2): their opaque-tags are equal, whether or not either is weak, so
// `W/"x"` matches `"x"`.
func WeakMatch(a, b ETag) bool { return a.Tag != "" && a.Tag == b.Tag }

// StrongMatch reports whether a and b match under strong comparison (RFC 9110
// §8.8.3.2): neither is weak and their opaque-tags are equal.
func StrongMatch(a, b ETag) bool { return !a.Weak && !b.Weak && WeakMatch(a, b) }

// SameETag compares two header values as validators of the same
// representation under weak comparison. When both parse it is WeakMatch; when
// either is malformed the raw values must be identical (a malformed value is
// still a server's verbatim validator). Empty values never match.
func SameETag(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ea, okA := ParseETag(a)
	eb, okB := ParseETag(b)
	if okA && okB {
		return WeakMatch(ea, eb)
	}
	return a == b
}

// IfNoneMatch is a parsed If-None-Match header (RFC 9110 §13.1.2).
type IfNoneMatch struct {
	// Any is true for "*".
	Any bool
	// Tags lists the entity-tags in order.
	Tags []ETag
}

// ParseIfNoneMatch parses an If-None-Match field value: "*" alone or a
// comma-separated list of entity-tags, where empty list elements are ignored
// (RFC 9110 §5.6.1). Any malformed element makes the whole value malformed:
// ok is false, and callers must treat it as matching nothing.
func ParseIfNoneMatch(s string) (m IfNoneMatch, ok bool) {
	s = trimOWS(s)
	if s == "*" {
		return IfNoneMatch{Any: true}, true
	}
	for {
		s = trimOWS(s)
		if s == "" {
			break
		}
		if s[0] == ',' {
			s = s[1:]
			continue
		}
		e, rest, ok := scanETag(s)
		if !ok {
			return IfNoneMatch{}, false
		}
		m.Tags = append(m.Tags, e)
		rest = trimOWS(rest)
		if rest != "" && rest[0] != ',' {
			return IfNoneMatch{}, false
		}
		s = rest
	}
	if len(m.Tags) == 0 {
		return IfNoneMatch{}, false
	}
	return m, true
}

// Matches reports whether the current representation's ETag (a header value)
// matches m under weak comparison, as RFC 9110 §13.1.2 requires for
// If-None-Match. "*" matches any current representation, even one without an
// ETag; a malformed current ETag matches nothing else.
func (m IfNoneMatch) Matches(current string) bool {
	if m.Any {
		return true
	}
	e, ok := ParseETag(current)
	if !ok {
		return false
	}
	for _, t := range m.Tags {
		if WeakMatch(t, e) {
			return true
		}
	}
	return false
}

// trimOWS removes optional whitespace (SP and HTAB) around s.
func trimOWS(s string) string { return strings.Trim(s, " \t") }

// NotModified is the server side of If-None-Match (RFC 9110 §13.1.2) for the
// project's test, demo and bench servers: it reports whether a resource whose
// current ETag is etag should answer a GET carrying the If-None-Match value
// header with 304. A malformed header matches nothing.
func NotModified(header, etag string) bool {
	m, ok := ParseIfNoneMatch(header)
	return ok && m.Matches(etag)
}
