//go:build js && wasm

package fetcher

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall/js"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/jsutil"

	"github.com/etagcache/etag-cache/internal/errs"
)

// FetchTransport is the browser Transport: it calls the global fetch through
// syscall/js (net/http would add about 8 MB to the module). Conditional
// requests carry cache: 'no-store' so the browser's HTTP cache neither
// answers nor rewrites them and the raw 304 reaches Go. Other requests carry
// cache: 'no-cache': the browser's HTTP cache must ask the server before
// answering (freshness is this package's business), but may still use its
// own validators -- which saves the body download even where CORS hides the
// ETag from JS. A Request marked Reload carries cache: 'reload', so that
// no validator of the browser's reaches the server either. The context
// (its deadline, or a caller's abort) ends the request through
// an AbortController. A TypeError (offline, DNS, CORS) is ErrNetwork, an
// abort at the deadline ErrTimeout. Bodies stay in JS as a *cache.JSBody.
// The zero value is ready to use.
type FetchTransport struct{}

func defaultTransport() Transport { return FetchTransport{} }

// RoundTrip implements Transport. Must not be called on the JS event loop
// goroutine (inside a js.FuncOf callback).
func (FetchTransport) RoundTrip(ctx context.Context, req *Request) (*Response, error) {
	fetch := js.Global().Get("fetch")
	if fetch.Type() != js.TypeFunction {
		return nil, fmt.Errorf("fetcher: fetch is not available: %w", ErrNetwork)
	}
	method := req.Method
	if method == "" {
		method = "GET"
	}
	init := js.Global().Get("Object").New()
	init.Set("method", method)
	headers := js.Global().Get("Object").New()
	conditional := false
	for k, v := range req.Header {
		headers.Set(k, v)
		switch strings.ToLower(k) {
		case "if-none-match", "if-modified-since":
			conditional = true
		}
	}
	init.Set("headers", headers)
	if req.Credentials != "" {
		init.Set("credentials", req.Credentials)
	}
	if req.Body != nil {
		u8 := js.Global().Get("Uint8Array").New(len(req.Body))
		js.CopyBytesToJS(u8, req.Body)
		init.Set("body", u8)
	}
	switch {
	case method != "GET":
		// A write: nothing of the browser's HTTP cache applies.
		init.Set("cache", "no-store")
	case req.Reload:
		// Straight to the server, without the browser's validators; the
		// answer still refreshes the browser's HTTP cache.
		init.Set("cache", "reload")
	case conditional:
		init.Set("cache", "no-store")
	default:
		init.Set("cache", "no-cache")
	}
	var controller js.Value
	if ac := js.Global().Get("AbortController"); ac.Type() == js.TypeFunction {
		controller = ac.New()
		init.Set("signal", controller.Get("signal"))
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			if controller.Truthy() {
				_, _ = jsutil.Try(func() js.Value { return controller.Call("abort") })
			}
		case <-done:
		}
	}()

	p, err := jsutil.Try(func() js.Value { return fetch.Invoke(req.URL, init) })
	if err != nil {
		return nil, fetchError(ctx, req.URL, err)
	}
	res, err := jsutil.Await(ctx, p)
	if err != nil {
		return nil, fetchError(ctx, req.URL, err)
	}
	if res.Type() != js.TypeObject {
		return nil, fmt.Errorf("fetcher: GET %s: fetch resolved to %s: %w", req.URL, res.Type(), ErrNetwork)
	}
	out := &Response{Status: jsInt(res.Get("status")), Header: readHeaders(res.Get("headers"))}
	if u := res.Get("url"); u.Type() == js.TypeString {
		out.URL = u.String()
	}
	bp, err := jsutil.Try(func() js.Value { return res.Call("arrayBuffer") })
	if err == nil {
		var ab js.Value
		ab, err = jsutil.Await(ctx, bp)
		if err == nil {
			out.Body = cache.NewJSBody(ab)
		}
	}
	if err != nil {
		return nil, fetchError(ctx, req.URL, err)
	}
	return out, nil
}

// readHeaders copies a Headers object into a map with lower-case names (the
// Headers iterator yields them lower-cased and combined already).
func readHeaders(h js.Value) map[string]string {
	out := map[string]string{}
	if h.Type() != js.TypeObject || h.Get("entries").Type() != js.TypeFunction {
		return out
	}
	arr, err := jsutil.Try(func() js.Value { return js.Global().Get("Array").Call("from", h.Call("entries")) })
	if err != nil {
		return out
	}
	for i, n := 0, jsInt(arr.Get("length")); i < n; i++ {
		pair := arr.Index(i)
		k, v := pair.Index(0), pair.Index(1)
		if k.Type() == js.TypeString && v.Type() == js.TypeString {
			out[strings.ToLower(k.String())] = v.String()
		}
	}
	return out
}

// jsInt reads a JS number, 0 for anything else.
func jsInt(v js.Value) int {
	if v.Type() != js.TypeNumber {
		return 0
	}
	return v.Int()
}

// fetchError maps a fetch failure to ErrTimeout (deadline passed, abort) or
// ErrNetwork (TypeError and anything else).
func fetchError(ctx context.Context, u string, err error) error {
	var je *jsutil.JSError
	isAbort := errs.Into(err, &je) && (je.Name == "AbortError" || je.Name == "TimeoutError")
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(isAbort && ctx.Err() == nil) {
		return fmt.Errorf("fetcher: GET %s: %w (%w)", u, ErrTimeout, err)
	}
	return fmt.Errorf("fetcher: GET %s: %w (%w)", u, ErrNetwork, err)
}
