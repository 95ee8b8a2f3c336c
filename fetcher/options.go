package fetcher

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/etagcache/etag-cache/cache"
)

// Defaults used when an Options field is zero.
const (
	DefaultTTL     = 7 * 24 * time.Hour
	DefaultTimeout = 30 * time.Second
)

// DefaultRetry is the retry policy of a zero RetryPolicy.
var DefaultRetry = RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: 30 * time.Second}

// Store is what the client needs from a cache store. *cache.Memory and
// *cache.IDBStore satisfy it.
type Store interface {
	// Get returns a valid entry or an error matching cache.ErrMiss.
	Get(ctx context.Context, key string) (*cache.Entry, error)
	// Put stores e and reports the entries it evicted to make room.
	Put(ctx context.Context, e *cache.Entry) ([]cache.Eviction, error)
	// Touch records a successful revalidation and returns the updated entry.
	Touch(ctx context.Context, key string, r cache.Revalidation) (*cache.Entry, error)
	// Delete removes key, reporting whether it existed.
	Delete(ctx context.Context, key string) (bool, error)
}

// RetryPolicy bounds background revalidation retries. Delays grow
// exponentially from BaseDelay, capped at MaxDelay, with full jitter (each
// delay is uniform in [0, min(MaxDelay, BaseDelay*2^n))).
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, the first included; 1
	// disables retries. 0 (with the other fields zero) -> DefaultRetry.
	MaxAttempts int
	// BaseDelay is the cap of the first delay; 0 -> 1s.
	BaseDelay time.Duration
	// MaxDelay caps every delay; 0 -> 30s.
	MaxDelay time.Duration
	// Rand returns a number in [0, 1) for the jitter; nil -> math/rand/v2.
	Rand func() float64
}

// Options configure a Client. The zero value of every field but Store and
// AppVersion means its documented default.
type Options struct {
	// Store persists entries. Required.
	Store Store
	// Transport sends requests; nil -> DefaultTransport() (fetch in the
	// browser, net/http on the host).
	Transport Transport
	// AppVersion is stamped on stored entries; it must match the store's.
	// Required.
	AppVersion string
	// Namespace partitions entries (e.g. per logged-in user); default "".
	Namespace string
	// TTL is how long an entry may be served after its last validation; 0 ->
	// DefaultTTL (7 days). The store enforces its own TTL too.
	TTL time.Duration
	// MinRevalidateInterval skips the background revalidation of an entry
	// validated less than this long ago; 0 (default) revalidates on every
	// cached read.
	MinRevalidateInterval time.Duration
	// Timeout is the deadline of each request; 0 -> DefaultTimeout (30s).
	Timeout time.Duration
	// Retry bounds revalidation retries; zero -> DefaultRetry (3 attempts,
	// 1s base, 30s cap, full jitter).
	Retry RetryPolicy
	// Now is the clock; nil -> time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx ends (retry backoff); nil -> a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Background starts a background revalidation; nil -> `go f()`. In the
	// browser a goroutine started by a cached read runs before Go yields to
	// JavaScript, so the revalidation's fetch would be built before the
	// read's Promise settles; the wasm bindings pass a function that starts
	// f after one JS task instead.
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
}

// withDefaults validates o and fills in defaults.
func (o Options) withDefaults() (Options, error) {
	if o.Store == nil {
		return o, errors.New("fetcher: Options.Store is required")
	}
	if o.AppVersion == "" {
		return o, errors.New("fetcher: Options.AppVersion is required")
	}
	if o.TTL < 0 || o.MinRevalidateInterval < 0 || o.Timeout < 0 {
		return o, errors.New("fetcher: negative TTL, MinRevalidateInterval or Timeout")
	}
	switch o.Credentials {
	case "", "omit", "same-origin", "include":
	default:
		return o, fmt.Errorf("fetcher: invalid Credentials %q", o.Credentials)
	}
	r := o.Retry
	if r.MaxAttempts < 0 || r.BaseDelay < 0 || r.MaxDelay < 0 {
		return o, errors.New("fetcher: negative RetryPolicy field")
	}
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
	for _, s := range o.CacheableStatus {
		if s < 100 || s > 599 || s == 304 {
			return o, fmt.Errorf("fetcher: status %d cannot be cacheable", s)
		}
	}
	if o.CacheableStatus == nil {
		o.CacheableStatus = []int{200}
	}
	if o.Origin != "" {
		u, err := url.Parse(o.Origin)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return o, fmt.Errorf("fetcher: invalid Origin %q", o.Origin)
		}
		o.Origin = originOf(u)
	}
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Background == nil {
		o.Background = func(f func()) { go f() }
	}
	if o.Sleep == nil {
		o.Sleep = sleepTimer
	}
	if o.Transport == nil {
		o.Transport = DefaultTransport()
	}
	return o, nil
}

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

// originOf returns scheme://host[:port] in lower case, default ports dropped.
func originOf(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host
}
