package fetcher

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/etagcache/etag-cache/cache"
)

// Storage says where Open keeps entries.
type Storage string

// Storage modes.
const (
	// StorageAuto (also "") uses IndexedDB and falls back to memory, with a
	// storage-fallback warning, when IndexedDB is unavailable.
	StorageAuto Storage = "auto"
	// StorageIndexedDB uses IndexedDB; Open fails with an error matching
	// cache.ErrUnavailable when it is unavailable.
	StorageIndexedDB Storage = "indexeddb"
	// StorageMemory keeps entries in memory for the life of the page.
	StorageMemory Storage = "memory"
)

// DefaultSweepDelay is how long after Open the start-up sweep runs when
// Config.SweepDelay is zero: late enough to keep away from the first reads.
const DefaultSweepDelay = 3 * time.Second

// Config is the whole cache as Open builds it: the store, the engine and the
// start-up sweep. It is the one options contract: the JavaScript face hands
// its options to the wasm bindings, which convert them to a Config, and a
// Go-WASM app fills one in directly. The zero value of every field but
// Version means its documented default; Open rejects invalid values with a
// *ConfigError.
type Config struct {
	// Version is the app's cache version; required, non-empty. Entries
	// stored under another version are evicted and never served.
	Version string
	// Namespace partitions entries, e.g. one per logged-in user; default "".
	Namespace string
	// TTL is how long an entry may be served after its last validation;
	// 0 -> cache.DefaultTTL (7 days). Negative is an error.
	TTL time.Duration
	// MaxEntries caps the number of stored entries; 0 -> unbounded.
	// Negative is an error.
	MaxEntries int
	// MaxBytes caps the stored body bytes; 0 -> unbounded. Negative is an
	// error.
	MaxBytes int64
	// Storage is StorageAuto (default), StorageIndexedDB or StorageMemory.
	Storage Storage
	// DBName is the IndexedDB database name; "" -> cache.DefaultDBName
	// ("etag-cache").
	DBName string
	// SweepDelay is when, after Open, the start-up sweep removes expired and
	// other-version entries (on the Sleep clock; Close stops it);
	// 0 -> DefaultSweepDelay (3 s), negative -> no sweep.
	SweepDelay time.Duration

	// MinRevalidateInterval skips the background revalidation of an entry
	// validated less than this long ago; 0 (default) revalidates on every
	// cached read. Negative is an error.
	MinRevalidateInterval time.Duration
	// Timeout is the deadline of each request; 0 -> DefaultTimeout (30 s).
	// Negative is an error.
	Timeout time.Duration
	// Header holds request headers sent with every request, e.g.
	// Authorization.
	Header map[string]string
	// Credentials is the fetch credentials mode: "" (the transport's default,
	// "same-origin" for fetch), "omit", "same-origin" or "include".
	Credentials string
	// Origin is the page's origin, used to tell cross-origin responses apart
	// for the etag-not-exposed warning; "" -> every request counts as
	// same-origin.
	Origin string
	// Events receives every event (see Options.Events); nil drops them.
	Events func(Event)
	// Connectivity is the network hint retries wait on (see
	// Options.Connectivity); nil -> always online. The wasm bindings feed
	// one from navigator.onLine and the window's online/offline events.
	Connectivity *Connectivity

	// Retry bounds revalidation retries; zero -> DefaultRetry.
	Retry RetryPolicy
	// CacheableStatus lists the statuses that are stored; nil -> {200}.
	CacheableStatus []int
	// Now is the clock; nil -> time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx ends (retry backoff, SweepDelay); nil -> a
	// timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Transport sends requests; nil -> DefaultTransport().
	Transport Transport
	// Background starts background revalidations; nil -> the platform's
	// default (see Options.Background).
	Background func(f func())
}

// validate checks every field and returns the store's options and the
// engine's (without Store), or a *ConfigError listing every problem.
func (c Config) validate() (cache.Options, Options, error) {
	copts := cache.Options{AppVersion: c.Version, TTL: c.TTL, MaxEntries: c.MaxEntries, MaxBytes: c.MaxBytes, Now: c.Now}
	opts := Options{
		Transport: c.Transport, Namespace: c.Namespace, MinRevalidateInterval: c.MinRevalidateInterval,
		Timeout: c.Timeout, Retry: c.Retry, Now: c.Now, Sleep: c.Sleep, Background: c.Background,
		Header: c.Header, Credentials: c.Credentials, CacheableStatus: c.CacheableStatus, Events: c.Events,
		Origin: c.Origin, Connectivity: c.Connectivity,
	}
	var errs []error
	if err := copts.Validate(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, opts.validate()...)
	switch c.Storage {
	case "", StorageAuto, StorageIndexedDB, StorageMemory:
	default:
		errs = append(errs, errors.New(`Storage must be "auto", "indexeddb" or "memory", not `+strconv.Quote(string(c.Storage))))
	}
	if len(errs) > 0 {
		return copts, opts, &ConfigError{Errs: errs}
	}
	return copts, opts, nil
}
