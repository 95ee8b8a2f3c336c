package fetcher

import (
	"context"

	"github.com/etagcache/etag-cache/cache"
)

// Request is one HTTP request a Transport sends.
type Request struct {
	// Method is the request method; "" means GET.
	Method string
	// URL is the absolute request URL.
	URL string
	// Header holds request headers by name.
	Header map[string]string
	// Credentials is the fetch credentials mode: "", "omit", "same-origin" or
	// "include"; "" leaves the transport's default ("same-origin" for fetch).
	Credentials string
	// Reload asks for an end-to-end request with no validators at all: a
	// transport with an HTTP cache of its own (the browser's) must neither
	// answer from it nor add its validators (fetch's cache: 'reload').
	Reload bool
	// Body is the request body of a write (nil for none).
	Body []byte
}

// Response is what a Transport received.
type Response struct {
	// Status is the HTTP status code.
	Status int
	// Header holds the response headers visible to the client, by lower-case
	// name; repeated fields are joined with ", ".
	Header map[string]string
	// Body is the response body (never nil for a successful round trip; may
	// be empty, as for a 304).
	Body cache.Body
	// URL is the final URL after redirects, "" if unknown.
	URL string
}

// Transport sends one request. Implementations return an error wrapping
// ErrNetwork when no response arrived, ErrTimeout when the context's
// deadline passed first, and a Response for every HTTP status.
type Transport interface {
	RoundTrip(ctx context.Context, req *Request) (*Response, error)
}

// TransportFunc adapts a function to Transport.
type TransportFunc func(ctx context.Context, req *Request) (*Response, error)

// RoundTrip calls f.
func (f TransportFunc) RoundTrip(ctx context.Context, req *Request) (*Response, error) {
	return f(ctx, req)
}
