//go:build js && wasm

package main

import (
	"context"
	"errors"
	"syscall/js"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/fetcher"
	"github.com/etagcache/etag-cache/internal/jsutil"

	"github.com/etagcache/etag-cache/internal/errs"
)

// Stable names of the errors JS callers see (documented in etag-cache.d.ts).
const (
	nameType               = "TypeError"               // bad arguments from JS
	nameStorageUnavailable = "StorageUnavailableError" // IndexedDB demanded but unusable
	nameNetwork            = "NetworkError"            // fetch failed and nothing cached
	nameTimeout            = "TimeoutError"            // request deadline passed and nothing cached
	nameHTTPStatus         = "HttpStatusError"         // non-cacheable status and nothing cached
	nameNotCached          = "NotCachedError"          // only-if-cached and nothing cached
	nameAbort              = "AbortError"              // the get's AbortSignal fired
	nameConflict           = "ConflictError"           // a write refused with 412 Precondition Failed
	nameEtagCache          = "EtagCacheError"          // anything else, including a recovered panic
)

// argError is a bad argument from JavaScript; it becomes a TypeError.
type argError struct{ msg string }

func (e *argError) Error() string { return "etag-cache: " + e.msg }

func badArg(msg string) error { return &argError{msg: msg} }

// toJSError turns a Go error into a real JS Error with a stable name.
func toJSError(err error) js.Value {
	var ae *argError
	var ce *fetcher.ConfigError
	var se *fetcher.HTTPStatusError
	var pe *jsutil.PanicError
	var cf *fetcher.ConflictError
	switch {
	case errs.Into(err, &cf):
		e := newError(nameConflict, "etag-cache: "+cf.URL+" changed on the server since the copy this write was made "+
			"on (HTTP 412)")
		e.Set("status", 412)
		cur := js.Null()
		if cf.Current != nil {
			cur = resultToJS(cf.Current)
		}
		e.Set("current", cur)
		return e
	case errs.Into(err, &ae), errs.Into(err, &ce), errors.Is(err, cache.ErrBadURL):
		return js.Global().Get("TypeError").New(err.Error())
	case errs.Into(err, &pe):
		return newError(nameEtagCache, "etag-cache: internal error: "+err.Error())
	case errors.Is(err, cache.ErrUnavailable):
		return newError(nameStorageUnavailable, err.Error())
	case errors.Is(err, fetcher.ErrTimeout):
		return newError(nameTimeout, err.Error())
	case errors.Is(err, fetcher.ErrNetwork):
		return newError(nameNetwork, err.Error())
	case errors.Is(err, fetcher.ErrNotCached):
		return newError(nameNotCached, err.Error())
	case errors.Is(err, context.Canceled):
		// Only a get's signal cancels a context a caller sees (Close is
		// ErrClosed): fetch's AbortError, a DOMException where there is one.
		if de := js.Global().Get("DOMException"); de.Type() == js.TypeFunction {
			return de.New("etag-cache: the get was aborted", nameAbort)
		}
		return newError(nameAbort, "etag-cache: the get was aborted")
	case errs.Into(err, &se):
		e := newError(nameHTTPStatus, err.Error())
		e.Set("status", se.Status)
		if se.Body != nil {
			e.Set("headers", obj(stringsAny(se.Header)))
			e.Set("body", bodyToJS(se.Body))
		}
		return e
	}
	return newError(nameEtagCache, err.Error())
}

func newError(name, msg string) js.Value {
	e := js.Global().Get("Error").New(msg)
	e.Set("name", name)
	return e
}
