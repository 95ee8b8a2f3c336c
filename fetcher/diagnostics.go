package fetcher

import (
	"net/url"

	"github.com/etagcache/etag-cache/cache"
)

// checkValidatorsVisible emits the one-time etag-not-exposed warning per
// origin when a cross-origin response has a body but neither ETag nor
// Last-Modified: CORS hides both unless the server lists them in
// Access-Control-Expose-Headers, and without them the client can never send
// a conditional request. Same-origin requests, and every request when
// Options.Origin is "", are never reported.
func (c *Client) checkValidatorsVisible(u string, n, old *cache.Entry) {
	if c.opts.Origin == "" || n.ETag != "" || n.LastModified != "" || n.Body == nil || n.Body.Len() == 0 {
		return
	}
	pu, err := url.Parse(u)
	if err != nil {
		return
	}
	origin := originOf(pu)
	if origin == c.opts.Origin {
		return
	}
	c.mu.Lock()
	done := c.warned[origin]
	c.warned[origin] = true
	c.mu.Unlock()
	if done {
		return
	}
	msg := "cross-origin response from " + origin + " carries no ETag or Last-Modified visible to JavaScript"
	if old != nil && (old.ETag != "" || old.LastModified != "") {
		msg = "cross-origin response from " + origin + " lost the ETag/Last-Modified this URL had before"
	}
	msg += "; responses cannot be revalidated. Fix: have the server send " +
		"\"Access-Control-Expose-Headers: ETag, Last-Modified\""
	c.emit(Event{Type: EventWarning, URL: u, Code: WarnETagNotExposed, Message: msg})
}
