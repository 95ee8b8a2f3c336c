package fetcher

import (
	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/httprules"
)

// sameRepresentation reports whether a full response n carries the same
// representation as the stored old one (RFC 9110 §8.8.3.2):
//   - both have an ETag: weak comparison (W/"x" equals "x", so a gzip layer
//     that weakens tags on some responses causes no false update);
//   - otherwise both have a Last-Modified: the same date;
//   - otherwise: the same body fingerprint (httprules.Fingerprint).
//
// An ETag on one side only (e.g. a server that stopped exposing it) falls
// through to the next rule.
func sameRepresentation(old, n *cache.Entry) bool {
	if old.ETag != "" && n.ETag != "" {
		return httprules.SameETag(old.ETag, n.ETag)
	}
	if old.LastModified != "" && n.LastModified != "" {
		return httprules.SameDate(old.LastModified, n.LastModified)
	}
	return old.Hash != "" && old.Hash == n.Hash
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
