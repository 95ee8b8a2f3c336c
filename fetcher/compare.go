package fetcher

import (
	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/httprules"
)

// sameRepresentation reports whether a full response n carries the same
// representation as the stored old one: the same status, the same body
// (fingerprint, httprules.Fingerprint) and, where both sides have them,
// validators that agree -- ETags under weak comparison (RFC 9110 §8.8.3.2:
// W/"x" equals "x", so a gzip layer that weakens tags on some responses causes
// no false update), Last-Modified as dates. A server that ignores
// If-None-Match and repeats its ETag over a changed body sends a new
// representation: the body decides. A validator on one side only (a server
// that stopped exposing it) proves nothing either way.
func sameRepresentation(old, n *cache.Entry) bool {
	if old.Status != n.Status || old.Hash == "" || old.Hash != n.Hash {
		return false
	}
	if old.ETag != "" && n.ETag != "" && !httprules.SameETag(old.ETag, n.ETag) {
		return false
	}
	if old.LastModified != "" && n.LastModified != "" && !httprules.SameDate(old.LastModified, n.LastModified) {
		return false
	}
	return true
}

// confirms reports whether a 304 with headers h confirms the stored entry
// old (RFC 9111 §4.3.4): a validator it carries must match the stored one --
// an ETag under weak comparison (the same opaque tag: W/"x" and "x" are one
// representation behind a gzip layer), else a Last-Modified as a date. A 304
// that names another representation updates nothing: the stored body is not
// the one the server means.
func confirms(old *cache.Entry, h map[string]string) bool {
	if etag := h["etag"]; etag != "" && old.ETag != "" {
		return httprules.SameETag(old.ETag, etag)
	}
	if lm := h["last-modified"]; lm != "" && old.LastModified != "" && h["etag"] == "" {
		return httprules.SameDate(old.LastModified, lm)
	}
	return true
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

// unstored builds the result of a response that is not stored.
func (c *Client) unstored(u, key string, resp *Response) *Result {
	return &Result{
		URL: u, Key: key, Status: resp.Status, Header: httprules.StoredHeaders(resp.Header), Body: resp.Body,
		ETag: resp.Header["etag"], LastModified: resp.Header["last-modified"], Source: SourceNetwork,
	}
}
