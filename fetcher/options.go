package fetcher

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/etagcache/etag-cache/cache"
)

// DefaultTimeout is the deadline of each request when Options.Timeout (or
// Config.Timeout) is zero.
const DefaultTimeout = 30 * time.Second

// DefaultRetry is the retry policy of a zero RetryPolicy.
var DefaultRetry = RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: 30 * time.Second}

// Store is what a Client needs of a cache store: the store keys entries
// (under its app version), and the engine reads, writes, refreshes and
// deletes them; Clear, Stats, Sweep and Close serve the Client methods of the
// same names. *cache.Memory and *cache.IDBStore
// satisfy it.
type Store interface {
	// Key returns the key of a response of namespace to method on rawURL
	// under the store's app version, and the normalized URL (cache.Key).
	Key(namespace, method, rawURL string) (key, normalizedURL string, err error)
	// Get returns a valid entry or an error matching cache.ErrMiss.
	Get(ctx context.Context, key string) (*cache.Entry, error)
	// Put stores e under the store's app version and reports the entries it
	// evicted to make room.
	Put(ctx context.Context, e *cache.Entry) ([]cache.Eviction, error)
	// Touch records a successful revalidation and returns the updated entry.
	Touch(ctx context.Context, key string, r cache.Revalidation) (*cache.Entry, error)
	// Delete removes key and its variants (cache.VariantKey), reporting
	// whether any existed.
	Delete(ctx context.Context, key string) (bool, error)
	// Clear removes every entry of namespace and returns how many there were.
	Clear(ctx context.Context, namespace string) (int, error)
	// ClearAll removes every entry.
	ClearAll(ctx context.Context) error
	// Stats counts the stored entries and their body bytes.
	Stats(ctx context.Context) (cache.Stats, error)
	// Sweep removes every expired and other-version entry and returns them.
	Sweep(ctx context.Context) ([]cache.Eviction, error)
	// Close releases the store.
	Close() error
}

// RetryPolicy bounds background revalidation retries. Delays grow
// exponentially from BaseDelay, capped at MaxDelay, with full jitter (each
// delay is uniform in [0, min(MaxDelay, BaseDelay*2^n))).
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, the first included; 1
	// disables retries. 0 -> 3.
	MaxAttempts int
	// BaseDelay is the cap of the first delay; 0 -> 1s.
	BaseDelay time.Duration
	// MaxDelay caps every delay; 0 -> 30s.
	MaxDelay time.Duration
	// Rand returns a number in [0, 1) for the jitter; nil -> math/rand/v2.
	Rand func() float64
}

// Options configure a Client built by New around a store the caller opened.
// Open builds one from a Config instead, store included. The zero value of
// every field but Store means its documented default.
type Options struct {
	// Store persists entries. Required.
	Store Store
	// Transport sends requests; nil -> DefaultTransport() (fetch in the
	// browser, net/http on the host).
	Transport Transport
	// Namespace partitions entries (e.g. per logged-in user); default "".
	Namespace string
	// MinRevalidateInterval skips the background revalidation of an entry
	// validated less than this long ago; 0 (default) revalidates on every
	// cached read. Negative is an error.
	MinRevalidateInterval time.Duration
	// Timeout is the deadline of each request; 0 -> DefaultTimeout (30s).
	// Negative is an error.
	Timeout time.Duration
	// Retry bounds revalidation retries; zero -> DefaultRetry (3 attempts,
	// 1s base, 30s cap, full jitter).
	Retry RetryPolicy
	// Now is the clock; nil -> time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx ends (retry backoff, the start-up sweep's
	// delay); nil -> a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Background starts a background revalidation; nil -> the platform's
	// default: in the browser f starts after one JavaScript task (a goroutine
	// started by a cached read would otherwise run before Go yields to
	// JavaScript, building the revalidation's fetch before the read's
	// Promise settles); elsewhere `go f()`.
	Background func(f func())
	// Header holds default request headers, e.g. Authorization.
	Header map[string]string
	// Credentials is the fetch credentials mode: "" (transport default),
	// "omit", "same-origin" or "include".
	Credentials string
	// CacheableStatus lists the statuses that are stored; nil -> {200}.
	CacheableStatus []int
	// Events receives every event, synchronously on the goroutine that
	// produced it and never while the client holds a lock; nil drops them.
	// Background revalidation events arrive on background goroutines.
	Events func(Event)
	// Origin is the page origin ("https://school.example") used to tell
	// cross-origin requests apart for the etag-not-exposed diagnostic; "" ->
	// unknown, every request is treated as same-origin.
	Origin string
	// Connectivity is the hint of whether the network can be reached
	// (navigator.onLine in the browser): while it says offline no retry is
	// sent, and waiting retries go when it says online. nil -> always
	// online.
	Connectivity *Connectivity

	// lock, set by Open, runs an outbox replay under the lock the tabs of
	// its database share; nil -> the client's own lock only.
	lock func(ctx context.Context, fn func() error) error
}

// validate checks every field but Store; each failure is one error.
func (o Options) validate() []error {
	var errs []error
	if o.MinRevalidateInterval < 0 {
		errs = append(errs, errors.New("MinRevalidateInterval is negative"))
	}
	if o.Timeout < 0 {
		errs = append(errs, errors.New("Timeout is negative"))
	}
	switch o.Credentials {
	case "", "omit", "same-origin", "include":
	default:
		errs = append(errs, errors.New(`Credentials must be "omit", "same-origin" or "include", not `+strconv.Quote(o.Credentials)))
	}
	if r := o.Retry; r.MaxAttempts < 0 || r.BaseDelay < 0 || r.MaxDelay < 0 {
		errs = append(errs, errors.New("a RetryPolicy field is negative"))
	}
	for _, s := range o.CacheableStatus {
		if s < 100 || s > 599 || s == 304 {
			errs = append(errs, errors.New("status "+strconv.Itoa(s)+" cannot be cacheable"))
		}
	}
	if o.Origin != "" {
		if _, ok := cache.Origin(o.Origin); !ok {
			errs = append(errs, errors.New("Origin "+strconv.Quote(o.Origin)+" is not an http(s) origin"))
		}
	}
	return errs
}

// withDefaults validates o and fills in its defaults.
func (o Options) withDefaults() (Options, error) {
	errs := o.validate()
	if o.Store == nil {
		errs = append(errs, errors.New("Store is required"))
	}
	if len(errs) > 0 {
		return o, &ConfigError{Errs: errs}
	}
	r := o.Retry
	if r.MaxAttempts == 0 {
		r.MaxAttempts = DefaultRetry.MaxAttempts
	}
	if r.BaseDelay == 0 {
		r.BaseDelay = DefaultRetry.BaseDelay
	}
	if r.MaxDelay == 0 {
		r.MaxDelay = DefaultRetry.MaxDelay
	}
	o.Retry = r
	if o.CacheableStatus == nil {
		o.CacheableStatus = []int{200}
	}
	if o.Origin != "" {
		o.Origin, _ = cache.Origin(o.Origin)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Background == nil {
		o.Background = defaultBackground
	}
	if o.Sleep == nil {
		o.Sleep = sleepTimer
	}
	if o.Transport == nil {
		o.Transport = DefaultTransport()
	}
	return o, nil
}

// ConfigError lists what is wrong with an Options or a Config. Open and New
// return it for invalid input; the wasm bindings turn it into a TypeError.
type ConfigError struct {
	Errs []error
}

func (e *ConfigError) Error() string {
	msg := "fetcher: invalid options"
	for i, err := range e.Errs {
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		msg += sep + err.Error()
	}
	return msg
}

// Unwrap returns the individual problems.
func (e *ConfigError) Unwrap() []error { return e.Errs }

// sleepTimer waits d or until ctx ends.
func sleepTimer(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
