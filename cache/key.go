package cache

import (
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Key derives the storage key of a response from its namespace, the app
// version it is stored under, the request method and the URL, and returns
// the normalized URL with it.
//
// The key reads "<len(namespace)>:<namespace>|<len(version)>:<version>|<METHOD>|<normalized URL>".
// The length prefixes make namespace and version unambiguous whatever
// characters they hold ('|' and ':' included), so no two of them share a key;
// the namespace comes first, so one key range (KeyPrefix) holds everything a
// namespace stored, every version included; the version is in the key, so
// tabs of two app versions keep their entries side by side instead of
// replacing each other's. The method is upper-cased; "" means GET. See
// NormalizeURL for the URL rules.
func Key(namespace, version, method, rawURL string) (key, normalizedURL string, err error) {
	u, err := NormalizeURL(rawURL)
	if err != nil {
		return "", "", err
	}
	m := strings.ToUpper(strings.TrimSpace(method))
	if m == "" {
		m = "GET"
	}
	if strings.ContainsAny(m, "| \t\r\n") {
		return "", "", &URLError{URL: rawURL, Err: errors.New("invalid method " + strconv.Quote(method))}
	}
	return joinKey(namespace, version, m, u), u, nil
}

// joinKey builds the key of an upper-case method and a normalized URL.
func joinKey(namespace, version, method, normalizedURL string) string {
	return KeyPrefix(namespace) + strconv.Itoa(len(version)) + ":" + version + "|" + method + "|" + normalizedURL
}

// VariantKey is the key of a variant of the response stored under key: one
// whose Vary values (Entry.Vary) differ from those of the entry stored under
// key itself. It is key, a NUL, then each name and value, sorted by name and
// length-prefixed, so that it starts with key (Clear's key ranges and
// Delete's sweep of a key's variants find it) and no two value sets share
// one. With no vary values it is key.
func VariantKey(key string, vary map[string]string) string {
	if len(vary) == 0 {
		return key
	}
	names := make([]string, 0, len(vary))
	for n := range vary {
		names = append(names, n)
	}
	slices.Sort(names)
	b := []byte(key + variantSep)
	for _, n := range names {
		b = strconv.AppendInt(b, int64(len(n)), 10)
		b = append(b, ':')
		b = append(b, n...)
		b = strconv.AppendInt(append(b, '='), int64(len(vary[n])), 10)
		b = append(b, ':')
		b = append(b, vary[n]...)
		b = append(b, ';')
	}
	return string(b)
}

// BaseKey is the key a variant key (VariantKey) was made from; any other key
// is its own.
func BaseKey(key string) string {
	base, _, _ := strings.Cut(key, variantSep)
	return base
}

// variantSep separates a key from its variant part; no normalized URL holds
// it.
const variantSep = "\x00"

// identityKey is what an entry's key must be for its namespace, version,
// method, URL and vary values: joinKey's, or VariantKey of it.
func identityKey(key, base string, vary map[string]string) bool {
	return key == base || (len(vary) > 0 && key == VariantKey(base, vary))
}

// KeyPrefix is the start of every key of namespace: all of them, and no key
// of another namespace, begin with it.
func KeyPrefix(namespace string) string {
	return strconv.Itoa(len(namespace)) + ":" + namespace + "|"
}

// NormalizeURL returns the form of an absolute http(s) URL that keys are built
// from. It is the serialization a browser gives the same URL (the WHATWG URL
// Standard's href), so a URL that JavaScript resolved with `new URL` comes
// back unchanged, and the two sides never need to reconcile two forms:
//
//   - scheme and host are lower-cased, the default port (:80 for http, :443
//     for https) and an empty port are dropped, an empty path becomes "/";
//   - the fragment is dropped: it is never sent to a server;
//   - the path and query are kept as given, percent-escapes included, even
//     malformed ones such as "%zz" or a lone "%", which a browser sends as
//     they are (a server may treat %2F and / differently, or differently
//     ordered queries as different resources); only characters a browser
//     would escape there (space, quotes, <, >, `, {, } and non-ASCII bytes in
//     the path; space, quotes, <, > and non-ASCII in the query) are
//     percent-encoded.
//
// A relative URL, another scheme, a missing host, an invalid port or a
// control character is a *URLError: any URL a browser can fetch can be
// cached.
//
// It is written with string operations rather than net/url, which costs the
// wasm module about 40 KB and re-escapes paths differently from browsers.
func NormalizeURL(rawURL string) (string, error) {
	p, err := parseURL(rawURL)
	if err != nil {
		return "", err
	}
	return p.scheme + "://" + p.userinfo + p.host + p.path + p.query, nil
}

// Origin returns the origin (RFC 6454) of an absolute http(s) URL or origin
// string, as scheme://host[:port] in the form NormalizeURL gives them; ok is
// false when s is not one.
func Origin(s string) (origin string, ok bool) {
	p, err := parseURL(s)
	if err != nil {
		return "", false
	}
	return p.scheme + "://" + p.host, true
}

// parsedURL holds the normalized parts of an absolute http(s) URL.
type parsedURL struct {
	scheme   string // "http" or "https"
	userinfo string // "user:pass@" or ""
	host     string // host[:port], lower-case, default port dropped
	path     string // starts with "/"
	query    string // "?..." or ""
}

// parseURL splits and normalizes rawURL (see NormalizeURL).
func parseURL(rawURL string) (parsedURL, error) {
	var p parsedURL
	fail := func(why string) (parsedURL, error) {
		return parsedURL{}, &URLError{URL: rawURL, Err: errors.New(why)}
	}
	s := strings.TrimSpace(rawURL)
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return fail("control character in URL")
		}
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || !validScheme(s[:colon]) {
		return fail(errNotHTTP)
	}
	p.scheme = strings.ToLower(s[:colon])
	if p.scheme != "http" && p.scheme != "https" {
		return fail(errNotHTTP)
	}
	rest := s[colon+1:]
	if !strings.HasPrefix(rest, "//") {
		return fail(errNoHost)
	}
	rest = rest[2:]
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	authority, rest := rest[:end], rest[end:]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		p.userinfo, authority = authority[:at+1], authority[at+1:]
	}
	host, port, ok := splitHostPort(authority)
	if host == "" {
		return fail(errNoHost)
	}
	if !ok {
		return fail("invalid host or port")
	}
	if (p.scheme == "http" && port == "80") || (p.scheme == "https" && port == "443") {
		port = ""
	}
	p.host = lowerASCII(host)
	if port != "" {
		p.host += ":" + port
	}
	path, query, hasQuery := strings.Cut(rest, "?")
	if path == "" {
		path = "/"
	}
	p.path = escape(path, pathEscaped)
	if hasQuery {
		p.query = "?" + escape(query, queryEscaped)
	}
	return p, nil
}

// validScheme reports whether s is a scheme: ALPHA *( ALPHA / DIGIT / "+" /
// "-" / "." ) (RFC 3986 §3.1).
func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// splitHostPort splits host[:port]; an IPv6 literal keeps its brackets. The
// port must be digits (or empty); the host may not hold characters that are
// never valid in one.
func splitHostPort(s string) (host, port string, ok bool) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false
		}
		host, s = s[:end+1], s[end+1:]
		if s != "" && s[0] != ':' || len(host) < 4 || strings.Trim(host[1:len(host)-1], "0123456789abcdefABCDEF:.") != "" {
			return "", "", false
		}
		port = strings.TrimPrefix(s, ":")
	} else if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host, port = s[:i], s[i+1:]
	} else {
		host = s
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return "", "", false
		}
	}
	if len(port) > 5 {
		return "", "", false
	}
	if !strings.HasPrefix(host, "[") && strings.ContainsAny(host, " \"#%/:<>?@[\\]^`{|}") {
		return "", "", false
	}
	return host, port, true
}

// lowerASCII lower-cases the ASCII letters of s.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// pathEscaped and queryEscaped report which bytes a browser percent-encodes
// in a path and in the query of an http(s) URL (the WHATWG URL Standard's
// path and special-query percent-encode sets; controls were refused before).
func pathEscaped(c byte) bool {
	return c >= 0x80 || strings.IndexByte(" \"<>`{}\\", c) >= 0
}

func queryEscaped(c byte) bool { return c >= 0x80 || strings.IndexByte(" \"'<>", c) >= 0 }

// escape percent-encodes the bytes of s that need reports.
func escape(s string, need func(byte) bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if need(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; need(c) {
			b = append(b, '%', hex[c>>4], hex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

// ErrBadURL is matched (errors.Is) by the *URLError that Key and
// NormalizeURL return for a URL they cannot use.
var ErrBadURL = errors.New("cache: bad URL")

// URLError says why a URL cannot be cached.
type URLError struct {
	URL string
	Err error
}

func (e *URLError) Error() string {
	return "cache: bad URL " + strconv.Quote(e.URL) + ": " + e.Err.Error()
}

// Unwrap returns the rule the URL broke.
func (e *URLError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrBadURL) hold.
func (e *URLError) Is(target error) bool { return target == ErrBadURL }

const (
	errNotHTTP = "not an absolute http or https URL"
	errNoHost  = "URL has no host"
)
