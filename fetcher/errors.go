package fetcher

import (
	"errors"
	"fmt"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/errs"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrNetwork means no response arrived (offline, DNS, refused
	// connection, CORS failure -- fetch reports all of them as TypeError).
	ErrNetwork = errors.New("fetcher: network error")
	// ErrTimeout means the request deadline (Options.Timeout) passed first.
	ErrTimeout = errors.New("fetcher: request timed out")
	// ErrClosed means the client was closed before the call could finish.
	ErrClosed = errors.New("fetcher: cache closed")
	// ErrNotCached means a ModeOnlyIfCached Get found no stored copy it may
	// serve; nothing was sent.
	ErrNotCached = errors.New("fetcher: not cached")
)

// HTTPStatusError is returned by Get when the server answered with a status
// that is neither cacheable nor 2xx and no cached copy could be served.
type HTTPStatusError struct {
	URL    string
	Status int
	// Header and Body are the answer's, for a write (Mutate); nil for a
	// Get.
	Header map[string]string
	Body   cache.Body
}

func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("fetcher: %s: HTTP status %d", e.URL, e.Status)
}

// ErrorKind classifies an error event.
type ErrorKind string

// Error kinds.
const (
	KindNetwork    ErrorKind = "network"     // ErrNetwork
	KindTimeout    ErrorKind = "timeout"     // ErrTimeout
	KindHTTPStatus ErrorKind = "http-status" // *HTTPStatusError
	KindStorage    ErrorKind = "storage"     // the store failed
)

// storageError marks an error from the store.
type storageError struct{ err error }

func (e *storageError) Error() string { return e.err.Error() }
func (e *storageError) Unwrap() error { return e.err }

// kindOf classifies err.
func kindOf(err error) ErrorKind {
	var hs *HTTPStatusError
	var se *storageError
	switch {
	case errors.Is(err, ErrTimeout):
		return KindTimeout
	case errs.Into(err, &hs):
		return KindHTTPStatus
	case errs.Into(err, &se):
		return KindStorage
	}
	return KindNetwork
}

// statusOf returns the HTTP status carried by err, or 0.
func statusOf(err error) int {
	var hs *HTTPStatusError
	if errs.Into(err, &hs) {
		return hs.Status
	}
	return 0
}

// retryable reports whether a failed revalidation is worth another attempt:
// network errors, timeouts, 408, 429 and 5xx. Other statuses and storage
// errors are not.
func retryable(err error) bool {
	switch kindOf(err) {
	case KindNetwork, KindTimeout:
		return true
	case KindHTTPStatus:
		return retryableStatus(statusOf(err))
	}
	return false
}

// retryableStatus reports whether an answer with status is worth another
// attempt later: 408, 429 and 5xx (reads and writes alike).
func retryableStatus(s int) bool { return s == 408 || s == 429 || s >= 500 }
