//go:build js && wasm

package fetcher

import (
	"syscall/js"

	"github.com/etagcache/etag-cache/cache"
)

// Database is the primary store's, until the switch to memory (then there is
// none: the JS face reads through Get).
func (f *fallbackStore) Database() (js.Value, string) {
	if rs, ok := f.current().(recordStore); ok {
		return rs.Database()
	}
	return js.Undefined(), ""
}

// Judge is the primary store's (records come from its Database).
func (f *fallbackStore) Judge(key string, rec js.Value) (*cache.Entry, cache.Reason) {
	if rs, ok := f.primary.(recordStore); ok && !f.inMemory() {
		return rs.Judge(key, rec)
	}
	return nil, cache.ReasonAbsent
}
