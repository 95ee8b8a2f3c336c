package cache

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// meta is the part of a stored record that only this package reads: one
// JSON string in the record's "meta" field, so that reading a record from
// JavaScript costs one string crossing into Go instead of one per field (a
// string field costs about 4 µs to read through syscall/js, a number 0.6 µs),
// and so that JavaScript can hand the same fields to the page with one
// JSON.parse. Fields the IndexedDB indexes need (ns, version, validatedAt)
// and the numbers (size) stay outside it.
//
// It is written and read by hand: encoding/json costs the wasm module about
// 120 KB (brotli) and reflects at run time.
type meta struct {
	Key          string            `json:"key"`
	Namespace    string            `json:"ns"`
	Version      string            `json:"version"`
	URL          string            `json:"url"`
	Method       string            `json:"method"`
	Status       int               `json:"status"`
	ETag         string            `json:"etag"`
	LastModified string            `json:"lastModified"`
	StoredAt     int64             `json:"storedAt"` // ms since the epoch
	Hash         string            `json:"hash"`
	Header       map[string]string `json:"headers"`
	Vary         map[string]string `json:"vary,omitempty"`
	Pending      string            `json:"pending,omitempty"` // Entry.Pending
}

// metaOf returns the meta of e, stored under the app version version.
func metaOf(e *Entry, version string) meta {
	return meta{
		Key: e.Key, Namespace: e.Namespace, Version: version, URL: e.URL, Method: e.Method,
		Status: e.Status, ETag: e.ETag, LastModified: e.LastModified, StoredAt: floorMillis(e.StoredAt),
		Hash: e.Hash, Header: e.Header, Vary: e.Vary, Pending: e.Pending,
	}
}

// entry fills the fields of an Entry that meta holds.
func (m *meta) entry() *Entry {
	return &Entry{
		Key: m.Key, URL: m.URL, Method: m.Method, Namespace: m.Namespace, AppVersion: m.Version,
		ETag: m.ETag, LastModified: m.LastModified, Status: m.Status, Header: m.Header,
		StoredAt: fromMillis(m.StoredAt), Hash: m.Hash, Vary: m.Vary, Pending: m.Pending,
	}
}

// encode writes m as a JSON object.
func (m meta) encode() string {
	b := make([]byte, 0, 256)
	b = append(b, '{')
	b = appendStringField(b, "key", m.Key, false)
	b = appendStringField(b, "ns", m.Namespace, true)
	b = appendStringField(b, "version", m.Version, true)
	b = appendStringField(b, "url", m.URL, true)
	b = appendStringField(b, "method", m.Method, true)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(m.Status), 10)
	b = appendStringField(b, "etag", m.ETag, true)
	b = appendStringField(b, "lastModified", m.LastModified, true)
	b = append(b, `,"storedAt":`...)
	b = strconv.AppendInt(b, m.StoredAt, 10)
	b = appendStringField(b, "hash", m.Hash, true)
	b = appendObject(append(b, `,"headers":`...), m.Header)
	if len(m.Vary) > 0 {
		b = appendObject(append(b, `,"vary":`...), m.Vary)
	}
	if m.Pending != "" {
		b = appendStringField(b, "pending", m.Pending, true)
	}
	b = append(b, '}')
	return string(b)
}

// appendObject appends an object of strings.
func appendObject(b []byte, h map[string]string) []byte {
	b = append(b, '{')
	first := true
	for k, v := range h {
		b = appendStringField(b, k, v, !first)
		first = false
	}
	return append(b, '}')
}

func appendStringField(b []byte, name, value string, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	b = appendJSONString(b, name)
	b = append(b, ':')
	return appendJSONString(b, value)
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as JavaScript would read it.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, "\ufffd"...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}

// errMeta marks a meta string that does not decode.
var errMeta = errors.New("malformed meta")

// maxMetaDepth bounds the nesting decodeMeta skips through in unknown fields.
const maxMetaDepth = 16

// decodeMeta parses a meta JSON object. Unknown fields are skipped, so a
// newer writer's additions do not make a record unreadable; a known field
// of the wrong type, a missing required field (key, ns, version, url,
// status, storedAt, headers) or anything that is not JSON is an error. It
// never panics.
func decodeMeta(s string) (meta, error) {
	var m meta
	d := metaDecoder{s: s}
	seen := 0
	const (
		fKey = 1 << iota
		fNS
		fVersion
		fURL
		fStatus
		fStoredAt
		fHeaders
		required = fKey | fNS | fVersion | fURL | fStatus | fStoredAt | fHeaders
	)
	d.object(func(name string) {
		switch name {
		case "key":
			m.Key, seen = d.str(), seen|fKey
		case "ns":
			m.Namespace, seen = d.str(), seen|fNS
		case "version":
			m.Version, seen = d.str(), seen|fVersion
		case "url":
			m.URL, seen = d.str(), seen|fURL
		case "method":
			m.Method = d.str()
		case "status":
			m.Status, seen = int(d.integer(0, 999)), seen|fStatus
		case "etag":
			m.ETag = d.str()
		case "lastModified":
			m.LastModified = d.str()
		case "storedAt":
			m.StoredAt, seen = d.integer(-maxSafeInt, maxSafeInt), seen|fStoredAt
		case "hash":
			m.Hash = d.str()
		case "headers":
			m.Header, seen = d.headers(), seen|fHeaders
		case "vary":
			if m.Vary = d.headers(); len(m.Vary) == 0 {
				m.Vary = nil
			}
		case "pending":
			m.Pending = d.str()
		default:
			d.skip(0)
		}
	})
	d.ws()
	if d.err == nil && d.i != len(d.s) {
		d.fail("trailing data")
	}
	if d.err == nil && seen&required != required {
		d.fail("missing field")
	}
	if d.err != nil {
		return meta{}, d.err
	}
	return m, nil
}

// maxSafeInt is the largest integer a JS number holds exactly (2^53 - 1).
const maxSafeInt = 1<<53 - 1

// metaDecoder reads JSON from s, keeping the first error; after an error
// every read returns a zero value.
type metaDecoder struct {
	s   string
	i   int
	err error
}

func (d *metaDecoder) fail(why string) {
	if d.err == nil {
		d.err = errors.New("cache: " + errMeta.Error() + ": " + why + " at offset " + strconv.Itoa(d.i))
	}
}

func (d *metaDecoder) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// next skips whitespace and consumes c.
func (d *metaDecoder) next(c byte) bool {
	d.ws()
	if d.err != nil || d.i >= len(d.s) || d.s[d.i] != c {
		return false
	}
	d.i++
	return true
}

// object reads an object, calling field for each member with the decoder
// positioned at the member's value; field must consume the value.
func (d *metaDecoder) object(field func(name string)) {
	if !d.next('{') {
		d.fail("object expected")
		return
	}
	if d.next('}') {
		return
	}
	for d.err == nil {
		name := d.str()
		if !d.next(':') {
			d.fail("':' expected")
			return
		}
		field(name)
		if d.next(',') {
			continue
		}
		if !d.next('}') {
			d.fail("',' or '}' expected")
		}
		return
	}
}

// headers reads an object of strings.
func (d *metaDecoder) headers() map[string]string {
	h := map[string]string{}
	d.object(func(name string) { h[name] = d.str() })
	if d.err != nil {
		return nil
	}
	return h
}

// str reads a string.
func (d *metaDecoder) str() string {
	if !d.next('"') {
		d.fail("string expected")
		return ""
	}
	start := d.i
	for d.i < len(d.s) { // fast path: no escapes
		c := d.s[d.i]
		if c == '"' {
			d.i++
			return d.s[start : d.i-1]
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		d.i++
	}
	b := []byte(d.s[start:d.i])
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return string(b)
		case c < 0x20:
			d.fail("control character in string")
			return ""
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(d.s[d.i:])
			b = utf8.AppendRune(b, r) // invalid UTF-8 becomes U+FFFD, as encode writes it
			d.i += n
			continue
		case c != '\\':
			b = append(b, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.s) {
			break
		}
		e := d.s[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := d.hex4()
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.i+1 < len(d.s) && d.s[d.i] == '\\' && d.s[d.i+1] == 'u' {
					d.i += 2
					r2 = d.hex4()
				}
				r = utf16.DecodeRune(r, r2)
			}
			b = utf8.AppendRune(b, r)
		default:
			d.fail("bad escape")
			return ""
		}
		if d.err != nil {
			return ""
		}
	}
	d.fail("unterminated string")
	return ""
}

func (d *metaDecoder) hex4() rune {
	if d.i+4 > len(d.s) {
		d.fail("short \\u escape")
		return 0
	}
	var r rune
	for _, c := range []byte(d.s[d.i : d.i+4]) {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			d.fail("bad \\u escape")
			return 0
		}
	}
	d.i += 4
	return r
}

// number reads a JSON number (RFC 8259 §6: -? int frac? exp?) and returns
// its integer part's value when it has no fraction or exponent and fits;
// whole is false otherwise.
func (d *metaDecoder) number() (n int64, whole bool) {
	d.ws()
	neg := d.i < len(d.s) && d.s[d.i] == '-'
	if neg {
		d.i++
	}
	digits := d.digits()
	if digits == "" || len(digits) > 1 && digits[0] == '0' {
		d.fail("number expected")
		return 0, false
	}
	whole = len(digits) <= 18
	for _, c := range []byte(digits) {
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	if d.i < len(d.s) && d.s[d.i] == '.' {
		d.i++
		if d.digits() == "" {
			d.fail("digits expected after '.'")
		}
		whole = false
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		d.i++
		if d.i < len(d.s) && (d.s[d.i] == '+' || d.s[d.i] == '-') {
			d.i++
		}
		if d.digits() == "" {
			d.fail("digits expected in exponent")
		}
		whole = false
	}
	return n, whole
}

// digits consumes a run of decimal digits.
func (d *metaDecoder) digits() string {
	start := d.i
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	return d.s[start:d.i]
}

// integer reads a whole number within [lo, hi]. This writer never writes a
// fraction or an exponent, so one means the record is not ours.
func (d *metaDecoder) integer(lo, hi int64) int64 {
	n, whole := d.number()
	if d.err != nil {
		return 0
	}
	if !whole || n < lo || n > hi {
		d.fail("integer in range expected")
		return 0
	}
	return n
}

// skip consumes any JSON value (unknown fields).
func (d *metaDecoder) skip(depth int) {
	if depth > maxMetaDepth {
		d.fail("nested too deep")
		return
	}
	d.ws()
	if d.err != nil || d.i >= len(d.s) {
		d.fail("value expected")
		return
	}
	switch c := d.s[d.i]; {
	case c == '"':
		d.str()
	case c == '{':
		d.object(func(string) { d.skip(depth + 1) })
	case c == '[':
		d.i++
		if d.next(']') {
			return
		}
		for d.err == nil {
			d.skip(depth + 1)
			if d.next(',') {
				continue
			}
			if !d.next(']') {
				d.fail("',' or ']' expected")
			}
			return
		}
	case c == 't', c == 'f', c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(d.s)-d.i >= len(lit) && d.s[d.i:d.i+len(lit)] == lit {
				d.i += len(lit)
				return
			}
		}
		d.fail("literal expected")
	default:
		d.number()
	}
}
