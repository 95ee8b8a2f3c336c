package fetcher

import (
	"time"

	"github.com/etagcache/etag-cache/cache"
)

// EventType names an event.
type EventType string

// The event set. It is the JS contract: onEvent(type, detail).
const (
	// EventUpdate: a revalidation brought a changed representation; Result
	// holds it (Source network).
	EventUpdate EventType = "update"
	// EventRevalidated: the server confirmed the stored copy (Status 304, or
	// 200 with the same validator/body hash); ValidatedAt is the new time.
	EventRevalidated EventType = "revalidated"
	// EventError: a request or storage operation failed; Kind, Err, Message,
	// Retrying, and Status for http-status errors. A background revalidation
	// emits one at its first failure (Retrying true when retries follow) and
	// one more only if its last attempt fails too (Retrying false).
	EventError EventType = "error"
	// EventEvict: an entry was removed; Reason says why.
	EventEvict EventType = "evict"
	// EventWarning: a diagnostic; Code and Message.
	EventWarning EventType = "warning"
	// EventQueued: a write was kept in the outbox; ID, URL, Method.
	EventQueued EventType = "queued"
	// EventSent: a queued write succeeded; ID, URL, Method, Status.
	EventSent EventType = "sent"
	// EventConflict: a queued write was refused with 412 and left the
	// outbox; ID, URL, Method, Result (the server's current copy, nil when
	// it could not be fetched), Message.
	EventConflict EventType = "conflict"
	// EventFailed: a queued write was refused for good and stays failed in
	// the outbox; ID, URL, Method, Status, Message, Result (the answer).
	EventFailed EventType = "failed"
)

// Warning codes.
const (
	// WarnETagNotExposed: a cross-origin response carried a body but no
	// validator JS can read; the server must send
	// Access-Control-Expose-Headers: ETag, Last-Modified.
	WarnETagNotExposed = "etag-not-exposed"
	// WarnTooLarge: a response can never be stored (larger than MaxBytes, or
	// than the storage quota allows); it is served unstored and nothing is
	// evicted for it. Once per URL.
	WarnTooLarge = "too-large"
)

// Event is one notification to Options.Events. Only the fields of its Type
// are set.
type Event struct {
	Type EventType
	// URL is the normalized URL the event concerns ("" for none).
	URL string
	// Result is the new result (update).
	Result *Result
	// Status is the HTTP status (revalidated; error with Kind http-status).
	Status int
	// ValidatedAt is the new validation time (revalidated).
	ValidatedAt time.Time
	// Kind classifies an error.
	Kind ErrorKind
	// Err is the error (error).
	Err error
	// Retrying says that the failed request will be retried (error): the
	// stored copy is served meanwhile, and only a final failure is reported
	// again.
	Retrying bool
	// Message is a human-readable description (error, warning).
	Message string
	// Reason is why an entry was removed (evict).
	Reason cache.Reason
	// Code identifies a warning, e.g. WarnETagNotExposed.
	Code string
	// ID and Method identify a queued write (queued, sent, conflict,
	// failed).
	ID, Method string
}
