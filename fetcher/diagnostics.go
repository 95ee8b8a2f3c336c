package fetcher

import (
	"strconv"

	"github.com/etagcache/etag-cache/cache"
)

// validatorsHidden returns the etag-not-exposed warning when a cross-origin
// response has a body but neither ETag nor Last-Modified, the first time per
// origin: CORS hides both unless the server lists them in
// Access-Control-Expose-Headers, and without them the client can never send
// a conditional request. Same-origin requests, and every request when
// Options.Origin is "", are never reported. nil means nothing to report.
func (c *Client) validatorsHidden(u string, n, old *cache.Entry) *Event {
	if c.opts.Origin == "" || n.ETag != "" || n.LastModified != "" || n.Body == nil || n.Body.Len() == 0 {
		return nil
	}
	origin, ok := cache.Origin(u)
	if !ok || origin == c.opts.Origin {
		return nil
	}
	c.mu.Lock()
	done := c.warned[origin]
	c.warned[origin] = true
	c.mu.Unlock()
	if done {
		return nil
	}
	msg := "cross-origin response from " + origin + " carries no ETag or Last-Modified visible to JavaScript"
	if old != nil && (old.ETag != "" || old.LastModified != "") {
		msg = "cross-origin response from " + origin + " lost the ETag/Last-Modified this URL had before"
	}
	msg += "; responses cannot be revalidated. Fix: have the server send " +
		"\"Access-Control-Expose-Headers: ETag, Last-Modified\""
	return &Event{Type: EventWarning, URL: u, Code: WarnETagNotExposed, Message: msg}
}

// tooLarge returns the too-large warning for a response of size bytes the
// store refused as one that can never fit (over MaxBytes, or more than the
// browser would let the origin store even with every entry evicted), the
// first time per key. The response is served unstored; nothing was evicted.
func (c *Client) tooLarge(key, u string, size int64, err error) *Event {
	c.mu.Lock()
	done := c.warned["too-large\x00"+key]
	c.warned["too-large\x00"+key] = true
	c.mu.Unlock()
	if done {
		return nil
	}
	return &Event{Type: EventWarning, URL: u, Code: WarnTooLarge, Err: err,
		Message: "a response of " + strconv.FormatInt(size, 10) + " bytes cannot be cached (" + err.Error() +
			"); it is served without being stored"}
}
