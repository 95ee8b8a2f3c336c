package cache

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The outbox: writes (POST, PUT, PATCH, DELETE) waiting to reach the server.
// Both stores keep it beside the entries, apart from them: Clear, ClearAll,
// Sweep, eviction and the byte total never touch it, and it belongs to no app
// version -- a write queued before an app update is still sent after it. In
// IndexedDB it lives in the meta object store (no schema change, so a tab of
// an older release never blocks the upgrade of a newer one), under keys that
// sort in queue order within a namespace.

// MutationState is where a queued write stands.
type MutationState string

// Mutation states.
const (
	// MutationPending: waiting to be sent (again).
	MutationPending MutationState = "pending"
	// MutationFailed: the server refused it for good (a 4xx other than 408,
	// 412 and 429); it stays until retried or discarded.
	MutationFailed MutationState = "failed"
)

// Mutation is one write kept in the outbox until the server has answered it.
// Mutations are values: a store copies what it is given.
type Mutation struct {
	// ID identifies the write; it is also the Idempotency-Key of every
	// attempt.
	ID string
	// Namespace is the namespace the write was made in.
	Namespace string
	// Method is POST, PUT, PATCH or DELETE.
	Method string
	// URL is the absolute, normalized target URL.
	URL string
	// Header holds the request headers (If-Match and Idempotency-Key are
	// added when sending).
	Header map[string]string
	// Body is the request body.
	Body []byte
	// IfMatch is the If-Match value to send ("" for none).
	IfMatch string
	// After is the ID of the earlier write to the same URL this one was made
	// on top of (its If-Match was the ETag of that write's optimistic copy):
	// when that write succeeds, its new ETag becomes this one's IfMatch.
	After string
	// Invalidates lists more URLs whose cached copies are revalidated after
	// a success.
	Invalidates []string
	// Patched says the write patched the cached copy of URL optimistically;
	// Prior is the body it patched, restored when the write fails or is
	// discarded.
	Patched bool
	Prior   []byte
	// QueuedAt is when the write was queued; queue order is QueuedAt, then ID.
	QueuedAt time.Time
	// Attempts counts the sends so far.
	Attempts int
	// State is pending or failed; LastError says why the last attempt did not
	// succeed ("" before any).
	State     MutationState
	LastError string
}

// Outbox is how the stores keep mutations. Both Memory and IDBStore implement
// it.
type Outbox interface {
	// PutMutation adds m, or replaces the mutation of the same namespace,
	// QueuedAt and ID.
	PutMutation(ctx context.Context, m *Mutation) error
	// DeleteMutation removes m (matched by namespace, QueuedAt and ID),
	// reporting whether it was there.
	DeleteMutation(ctx context.Context, m *Mutation) (bool, error)
	// Mutations returns the mutations of namespace in queue order; records
	// that do not decode are left out (and left alone).
	Mutations(ctx context.Context, namespace string) ([]*Mutation, error)
}

// errMutation marks a mutation a store refuses to keep.
var errMutation = errors.New("cache: invalid mutation")

// outboxPrefix starts the outbox keys of namespace: "outbox|" and the
// length-prefixed namespace, so no namespace's range holds another's.
func outboxPrefix(namespace string) string {
	return "outbox|" + strconv.Itoa(len(namespace)) + ":" + namespace + "|"
}

// outboxKey is m's key: its namespace's prefix, QueuedAt in milliseconds
// (zero-padded, so keys sort in time order) and the ID.
func outboxKey(m *Mutation) (string, error) {
	if m == nil || m.ID == "" || m.URL == "" || m.Method == "" {
		return "", fmt.Errorf("%w: ID, URL and Method are required", errMutation)
	}
	ms := m.QueuedAt.UnixMilli()
	if ms < 0 {
		return "", fmt.Errorf("%w: QueuedAt before 1970", errMutation)
	}
	return outboxPrefix(m.Namespace) + fmt.Sprintf("%016d", ms) + "|" + m.ID, nil
}

// copyMutation returns a copy of m sharing nothing with it.
func copyMutation(m *Mutation) *Mutation {
	c := *m
	c.Header = maps.Clone(m.Header)
	c.Body = slices.Clone(m.Body)
	c.Prior = slices.Clone(m.Prior)
	c.Invalidates = slices.Clone(m.Invalidates)
	c.QueuedAt = time.UnixMilli(m.QueuedAt.UnixMilli())
	return &c
}

// PutMutation implements Outbox.
func (m *Memory) PutMutation(_ context.Context, mu *Mutation) error {
	k, err := outboxKey(mu)
	if err != nil {
		return err
	}
	m.core.mu.Lock()
	defer m.core.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if m.core.outbox == nil {
		m.core.outbox = map[string]*Mutation{}
	}
	m.core.outbox[k] = copyMutation(mu)
	return nil
}

// DeleteMutation implements Outbox.
func (m *Memory) DeleteMutation(_ context.Context, mu *Mutation) (bool, error) {
	k, err := outboxKey(mu)
	if err != nil {
		return false, err
	}
	m.core.mu.Lock()
	defer m.core.mu.Unlock()
	if m.closed {
		return false, ErrClosed
	}
	_, ok := m.core.outbox[k]
	delete(m.core.outbox, k)
	return ok, nil
}

// Mutations implements Outbox.
func (m *Memory) Mutations(_ context.Context, namespace string) ([]*Mutation, error) {
	m.core.mu.Lock()
	defer m.core.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	prefix := outboxPrefix(namespace)
	var keys []string
	for k := range m.core.outbox {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([]*Mutation, len(keys))
	for i, k := range keys {
		out[i] = copyMutation(m.core.outbox[k])
	}
	return out, nil
}
