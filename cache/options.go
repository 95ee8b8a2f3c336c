package cache

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
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

// Validate reports what is wrong with o, every problem in one error, or nil.
func (o Options) Validate() error {
	var errs []string
	if o.AppVersion == "" {
		errs = append(errs, "AppVersion is empty")
	}
	if o.TTL < 0 {
		errs = append(errs, "TTL "+o.TTL.String()+" is negative")
	}
	if o.MaxEntries < 0 {
		errs = append(errs, "MaxEntries "+strconv.Itoa(o.MaxEntries)+" is negative")
	}
	if o.MaxBytes < 0 {
		errs = append(errs, "MaxBytes "+strconv.FormatInt(o.MaxBytes, 10)+" is negative")
	}
	if len(errs) > 0 {
		return errors.New("cache: invalid options: " + strings.Join(errs, "; "))
	}
	return nil
}

// withDefaults validates o and fills in its defaults.
func (o Options) withDefaults() (Options, error) {
	if err := o.Validate(); err != nil {
		return o, err
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

// key is Key under o's app version.
func (o Options) key(namespace, method, rawURL string) (string, string, error) {
	return Key(namespace, o.AppVersion, method, rawURL)
}

// checkPut validates an entry about to be stored under o. An entry that
// names no AppVersion is stored under o.AppVersion; one that names another
// is refused, and so is one whose Key is not the key of its Namespace,
// Method and URL under o.AppVersion (every identity field must agree).
func (o Options) checkPut(e *Entry) error {
	if e == nil {
		return errors.New("cache: put: nil entry")
	}
	if e.Key == "" {
		return fmt.Errorf("cache: put %q: empty key", e.URL)
	}
	if e.AppVersion != "" && e.AppVersion != o.AppVersion {
		return fmt.Errorf("cache: put %q: app version %q, store is at %q", e.Key, e.AppVersion, o.AppVersion)
	}
	if want, _, err := o.key(e.Namespace, e.Method, e.URL); err != nil || !identityKey(e.Key, want, e.Vary) {
		return fmt.Errorf("cache: put %q: the key does not name namespace %q, method %q and URL %q under version %q",
			e.Key, e.Namespace, e.Method, e.URL, o.AppVersion)
	}
	if o.MaxBytes > 0 && e.Size() > o.MaxBytes {
		return fmt.Errorf("cache: put %q: %d bytes over MaxBytes %d: %w", e.Key, e.Size(), o.MaxBytes, ErrTooLarge)
	}
	return nil
}
