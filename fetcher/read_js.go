//go:build js && wasm

package fetcher

import (
	"syscall/js"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/httprules"
)

// recordStore is a store whose records JavaScript can read itself:
// *cache.IDBStore.
type recordStore interface {
	Database() (db js.Value, store string)
	Judge(key string, rec js.Value) (*cache.Entry, cache.Reason)
}

// Database returns the store's IndexedDB connection and the name of its
// records' object store, for the cached-read path of ServeRecord; db is
// undefined when the store is not IndexedDB or not connected.
func (c *Client) Database() (db js.Value, store string) {
	if rs, ok := c.opts.Store.(recordStore); ok {
		return rs.Database()
	}
	return js.Undefined(), ""
}

// ServeRecord is the cached read for a record that JavaScript read under key
// (from Key) with one readonly get on Database -- the thinnest read there is:
// no goroutine, no Promise, no js.Func per read, and the body never enters
// Go. The store judges the record (decode, identity, version, TTL) and the
// client applies what Get applies to a stored entry: the Stale mark, and a
// background revalidation when one is due (with Options.Header; a read with
// its own headers takes Get). ok is false when the record must not be
// served (absent, corrupt, expired, another version) or the store cannot
// judge records: the caller then calls Get, which removes what must go and
// fetches. It is synchronous and never blocks, so it may run inside a
// js.FuncOf callback. Of the modes (WithMode; other options are ignored),
// ModeForceCache and ModeOnlyIfCached serve the record without any
// revalidation; ModeNoCache and ModeReload must ask the server, so ok is
// false for them and the caller takes Get.
func (c *Client) ServeRecord(key string, rec js.Value, opt ...GetOption) (res *Result, ok bool) {
	var g getConfig
	for _, o := range opt {
		o(&g)
	}
	switch g.mode {
	case ModeDefault, ModeForceCache, ModeOnlyIfCached:
	default:
		return nil, false
	}
	rs, ok := c.opts.Store.(recordStore)
	if !ok {
		return nil, false
	}
	e, reason := rs.Judge(key, rec)
	if reason != "" || !httprules.VaryMatches(e.Vary, c.opts.Header) {
		return nil, false // another variant of the URL: Get finds this request's
	}
	hdr := c.requestHeader(nil)
	return c.serveCached(key, e.URL, hdr, e, g.mode == ModeDefault), true
}
