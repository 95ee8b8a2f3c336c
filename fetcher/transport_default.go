package fetcher

// DefaultTransport returns the transport used when Options.Transport is nil:
// the browser's fetch in a js/wasm build (fetch_js.go), net/http on the host
// (http_host.go).
func DefaultTransport() Transport { return defaultTransport() }
