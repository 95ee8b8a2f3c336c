//go:build !(js && wasm)

package fetcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/etagcache/etag-cache/cache"
)

// HTTPTransport is a Transport over net/http for host builds (tests, tools).
// Credentials are ignored. The zero value uses http.DefaultClient.
type HTTPTransport struct {
	// Client sends the requests; nil -> http.DefaultClient.
	Client *http.Client
}

func defaultTransport() Transport { return HTTPTransport{} }

// RoundTrip implements Transport. Response header names are lower-cased and
// repeated fields joined with ", ".
func (t HTTPTransport) RoundTrip(ctx context.Context, req *Request) (*Response, error) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	var reqBody io.Reader
	if req.Body != nil {
		reqBody = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, method, req.URL, reqBody)
	if err != nil {
		return nil, fmt.Errorf("fetcher: request %q: %w (%w)", req.URL, ErrNetwork, err)
	}
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	cl := t.Client
	if cl == nil {
		cl = http.DefaultClient
	}
	resp, err := cl.Do(hr)
	if err != nil {
		return nil, transportError(ctx, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, transportError(ctx, req.URL, err)
	}
	h := make(map[string]string, len(resp.Header))
	for k, vs := range resp.Header {
		h[strings.ToLower(k)] = strings.Join(vs, ", ")
	}
	return &Response{Status: resp.StatusCode, Header: h, Body: cache.Bytes(body), URL: resp.Request.URL.String()}, nil
}

func transportError(ctx context.Context, u string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("fetcher: GET %s: %w (%w)", u, ErrTimeout, err)
	}
	return fmt.Errorf("fetcher: GET %s: %w (%w)", u, ErrNetwork, err)
}
