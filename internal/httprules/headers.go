package httprules

import "strings"

// StoredHeaders is the set of response headers kept with a stored response,
// by lower-case name: all of them but Set-Cookie (credentials have no place
// in a store other code of the origin can read) and the hop-by-hop fields,
// which describe one connection, not the response (RFC 9111 §3.1): the
// fixed list and every field the Connection header names.
func StoredHeaders(h map[string]string) map[string]string {
	named := map[string]bool{}
	for k, v := range h {
		if strings.EqualFold(k, "connection") {
			for _, n := range strings.Split(v, ",") {
				named[strings.ToLower(trimOWS(n))] = true
			}
		}
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		k = strings.ToLower(k)
		if k == "set-cookie" || k == "set-cookie2" || hopByHop(k) || named[k] {
			continue
		}
		out[k] = v
	}
	return out
}

// hopByHop reports whether the lower-case name is a hop-by-hop field
// (RFC 9110 §7.6.1, and the non-standard Proxy-Connection and Keep-Alive).
func hopByHop(name string) bool {
	switch name {
	case "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade":
		return true
	}
	return false
}

// MetadataHeaders is the part of a 304 (or of a 200 that repeats the stored
// representation) that refreshes a stored response's metadata (RFC 9111
// §4.3.4): every header but the content headers that describe the stored
// body (RFC 9111 §3.2 forbids updating Content-Length), hop-by-hop fields
// (those the 304's Connection names included) and cookies.
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
	if name == "" || strings.HasPrefix(name, "content-") || hopByHop(name) {
		return false
	}
	return name != "set-cookie" && name != "set-cookie2"
}
