// Package fetcher is the stale-while-revalidate engine of the cache: Get
// answers from the store at once and revalidates in the background with
// If-None-Match or If-Modified-Since (RFC 9111 §4.3); a 304 refreshes the
// entry, a changed 200 replaces it and emits an update event. WithMode
// changes that per Get the way fetch's cache modes do (Mode), and the ctx of
// Get is its abort.
//
// Open(ctx, Config) builds the whole cache -- store (IndexedDB in the
// browser, memory as the fallback), engine and start-up sweep -- exactly as
// the JavaScript face uses it; New(Options) builds only the engine around a
// store the caller opened (tests, custom stores).
//
// The package is split by job:
//
//   - client.go: Client, Get and the cached-read path, Invalidate, Clear,
//     Sweep, Close;
//   - exchange.go: one request and what it did to the store (an outcome);
//   - notify.go: outcomes into events and counters, in one place;
//   - modes.go: the refresh modes of Get (no-cache, reload, force-cache,
//     only-if-cached);
//   - revalidate.go and flight.go: background revalidation with retries,
//     and one request per key at a time, cancelled when every caller
//     waiting for it has given up;
//   - config.go, options.go, open.go: the options contract and the
//     composition root;
//   - transport.go, fetch_js.go, http_host.go: the browser's fetch in the
//     wasm build, net/http on the host (never linked into the module).
//
// The HTTP rules themselves (validators, Cache-Control, freshness, dates)
// live in internal/httprules, as pure functions.
//
// Events (Options.Events, the JS contract onEvent(type, detail)): update,
// revalidated, error, evict and warning; see Event.
package fetcher
