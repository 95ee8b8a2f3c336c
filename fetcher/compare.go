package fetcher

import (
	"hash/crc64"
	"strconv"
	"strings"

	"github.com/etagcache/etag-cache/cache"
)

// sameRepresentation reports whether a full response n carries the same
// representation as the stored old one (RFC 9110 §8.8.3.2):
//   - both have an ETag: weak comparison (W/"x" equals "x", so a gzip layer
//     that weakens tags on some responses causes no false update);
//   - otherwise both have a Last-Modified: the same date;
//   - otherwise: the same body hash (bodyHash).
//
// An ETag on one side only (e.g. a server that stopped exposing it) falls
// through to the next rule.
func sameRepresentation(old, n *cache.Entry) bool {
	if old.ETag != "" && n.ETag != "" {
		return SameETag(old.ETag, n.ETag)
	}
	if old.LastModified != "" && n.LastModified != "" {
		return sameDate(old.LastModified, n.LastModified)
	}
	return old.Hash != "" && old.Hash == n.Hash
}

// crcTable is the CRC-64 (ECMA) table bodyHash uses.
var crcTable = crc64.MakeTable(crc64.ECMA)

// bodyHash fingerprints a body for change detection when the server sends no
// validator: its CRC-64 and length. It detects changes, it does not defend
// against a server forging collisions (the server is the app's own). It
// replaced SHA-256, which costs ~40 KB of brotli'd module and is several
// times slower in wasm, where a cheap phone hashes every fetched body.
func bodyHash(body []byte) string {
	return "crc64:" + strconv.FormatUint(crc64.Checksum(body, crcTable), 16) + ":" + strconv.Itoa(len(body))
}

// sameDate compares two HTTP-date values, as dates when both parse and as
// strings otherwise.
func sameDate(a, b string) bool {
	ta, errA := parseHTTPDate(a)
	tb, errB := parseHTTPDate(b)
	if errA == nil && errB == nil {
		return ta.Equal(tb)
	}
	return a == b
}

// cacheable reports whether status is in Options.CacheableStatus.
func (c *Client) cacheable(status int) bool {
	for _, s := range c.opts.CacheableStatus {
		if s == status {
			return true
		}
	}
	return false
}

// storedHeaders is the set of response headers kept with an entry: all of
// them but set-cookie (credentials have no place in a shared store).
func storedHeaders(h map[string]string) map[string]string {
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

// metadataHeaders is the part of a 304 (or same-validator 200) that
// refreshes stored metadata (RFC 9111 §4.3.4): everything but the content
// headers that describe the stored body, hop-by-hop fields and cookies.
func metadataHeaders(h map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range storedHeaders(h) {
		if strings.HasPrefix(k, "content-") {
			continue
		}
		switch k {
		case "transfer-encoding", "connection", "keep-alive", "trailer", "upgrade", "proxy-connection":
			continue
		}
		out[k] = v
	}
	return out
}

// unstored builds the result of a response that is not stored.
func (c *Client) unstored(u, key string, resp *Response) *Result {
	return &Result{
		URL: u, Key: key, Status: resp.Status, Header: storedHeaders(resp.Header), Body: resp.Body,
		ETag: resp.Header["etag"], LastModified: resp.Header["last-modified"], Source: SourceNetwork,
	}
}
