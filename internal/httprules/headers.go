package httprules

import "strings"

// StoredHeaders is the set of response headers kept with a stored response:
// all of them, by lower-case name, but Set-Cookie (credentials have no place
// in a store other code of the origin can read).
func StoredHeaders(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		k = strings.ToLower(k)
		if k == "set-cookie" || k == "set-cookie2" {
			continue
		}
		out[k] = v
	}
	return out
}

// MetadataHeaders is the part of a 304 (or of a 200 that repeats the stored
// representation) that refreshes a stored response's metadata (RFC 9111
// §4.3.4): every header but the content headers that describe the stored
// body (RFC 9111 §3.2 forbids updating Content-Length), hop-by-hop fields
// and cookies.
func MetadataHeaders(h map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range StoredHeaders(h) {
		if UpdatableOn304(k) {
			out[k] = v
		}
	}
	return out
}

// UpdatableOn304 reports whether the lower-case header name may replace a
// stored value when a 304 (RFC 9111 §4.3.4) confirms the stored response.
func UpdatableOn304(name string) bool {
	if name == "" || strings.HasPrefix(name, "content-") {
		return false
	}
	switch name {
	case "transfer-encoding", "connection", "keep-alive", "trailer", "upgrade", "proxy-connection",
		"set-cookie", "set-cookie2":
		return false
	}
	return true
}
