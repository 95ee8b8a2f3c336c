package cache

import (
	"errors"
	"fmt"
	"time"
)

// DefaultTTL is how long an entry may be served after its last validation
// when Options.TTL is zero.
const DefaultTTL = 7 * 24 * time.Hour

// Options configure a store. The zero value of every field but AppVersion
// means its default.
type Options struct {
	// AppVersion is required and non-empty. Entries written under another
	// version are evicted and never returned.
	AppVersion string
	// TTL is how long an entry stays servable after its ValidatedAt.
	// 0 means DefaultTTL (7 days); a negative TTL is an error.
	TTL time.Duration
	// MaxEntries caps the number of entries; 0 means unbounded, negative is an error.
	MaxEntries int
	// MaxBytes caps the total body bytes; 0 means unbounded, negative is an error.
	MaxBytes int64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// withDefaults validates o and fills in its defaults.
func (o Options) withDefaults() (Options, error) {
	var errs []error
	if o.AppVersion == "" {
		errs = append(errs, errors.New("AppVersion is empty"))
	}
	if o.TTL < 0 {
		errs = append(errs, fmt.Errorf("TTL %v is negative", o.TTL))
	}
	if o.MaxEntries < 0 {
		errs = append(errs, fmt.Errorf("MaxEntries %d is negative", o.MaxEntries))
	}
	if o.MaxBytes < 0 {
		errs = append(errs, fmt.Errorf("MaxBytes %d is negative", o.MaxBytes))
	}
	if len(errs) > 0 {
		return o, fmt.Errorf("cache: invalid options: %w", errors.Join(errs...))
	}
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// overCapacity reports whether a store holding entries entries and bytes body
// bytes exceeds o's caps.
func (o Options) overCapacity(entries int, bytes int64) bool {
	return (o.MaxEntries > 0 && entries > o.MaxEntries) || (o.MaxBytes > 0 && bytes > o.MaxBytes)
}

// checkPut validates an entry about to be stored under o.
func (o Options) checkPut(e *Entry) error {
	if e == nil {
		return errors.New("cache: put: nil entry")
	}
	if e.Key == "" {
		return fmt.Errorf("cache: put %q: empty key", e.URL)
	}
	if e.AppVersion != o.AppVersion {
		return fmt.Errorf("cache: put %q: app version %q, store is at %q", e.Key, e.AppVersion, o.AppVersion)
	}
	if o.MaxBytes > 0 && e.Size() > o.MaxBytes {
		return fmt.Errorf("cache: put %q: %d bytes over MaxBytes %d: %w", e.Key, e.Size(), o.MaxBytes, ErrTooLarge)
	}
	return nil
}
