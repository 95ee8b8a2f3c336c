package httprules

import (
	"slices"
	"strings"
)

// ParseVary reads a Vary header (RFC 9110 §12.5.5): the lower-cased request
// header names a response varies on, sorted and without duplicates, and
// whether it names "*" (then it varies on something no request header
// shows, and a cache must not reuse it: RFC 9111 §4.1).
//
// Names this cache cannot honour or need not are left out:
//   - Accept-Encoding: the browser sets it and decodes the body before
//     JavaScript sees it, so every variant looks the same to the page;
//   - headers page JavaScript cannot see or set (Cookie, Origin, and the
//     rest of the Fetch standard's forbidden request headers, Sec-* and
//     Proxy-*): they are the browser's, constant for one profile; the
//     namespace is what keeps users apart.
//
// Elements that are not tokens are skipped.
func ParseVary(v string) (names []string, star bool) {
	for _, el := range strings.Split(v, ",") {
		name := strings.ToLower(trimOWS(el))
		switch {
		case name == "*":
			star = true
		case name == "" || !isToken(name) || ignoredVary(name):
		case !slices.Contains(names, name):
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, star
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return s != ""
}

// ignoredVary reports whether a lower-case header name is one ParseVary
// leaves out.
func ignoredVary(name string) bool {
	if strings.HasPrefix(name, "sec-") || strings.HasPrefix(name, "proxy-") {
		return true
	}
	switch name {
	case "accept-encoding", "cookie", "origin", "accept-charset", "access-control-request-headers",
		"access-control-request-method", "connection", "content-length", "date", "dnt", "expect", "host",
		"keep-alive", "referer", "te", "trailer", "transfer-encoding", "upgrade", "via":
		return true
	}
	return false
}

// VaryValues returns, for each of names, the value request header carries
// for it ("" when absent), normalised so that values differing only in
// whitespace match (RFC 9111 §4.1 allows it). header's names may be in any
// case. With no names it returns nil: the response does not vary.
func VaryValues(names []string, header map[string]string) map[string]string {
	if len(names) == 0 {
		return nil
	}
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[n] = ""
	}
	for k, v := range header {
		if n := strings.ToLower(k); containsName(names, n) {
			out[n] = normalizeValue(v)
		}
	}
	return out
}

func containsName(names []string, n string) bool {
	_, ok := slices.BinarySearch(names, n)
	return ok
}

// normalizeValue collapses runs of spaces and tabs to one space and trims
// both ends.
func normalizeValue(v string) string {
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' }), " ")
}

// VaryMatches reports whether a request with header may be served a response
// stored with the vary values stored (from VaryValues): every value the
// response varies on is the request's too. A response that varies on
// nothing (stored empty) matches every request.
func VaryMatches(stored, header map[string]string) bool {
	if len(stored) == 0 {
		return true
	}
	got := VaryValues(VaryNames(stored), header)
	for n, v := range stored {
		if got[n] != v {
			return false
		}
	}
	return true
}

// VaryNames returns the sorted names of stored vary values.
func VaryNames(stored map[string]string) []string {
	names := make([]string, 0, len(stored))
	for n := range stored {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
