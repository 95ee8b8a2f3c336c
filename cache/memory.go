package cache

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Memory is an in-memory store with the same behaviour as the IndexedDB
// store: TTL and app-version checks on every read, capacity eviction by least
// recent validation, namespaces, app versions side by side. It is what host
// tests use and the fallback where IndexedDB is unavailable (its contents end
// with the page). Times are kept at millisecond precision, as in IndexedDB.
// A Memory is safe for concurrent use.
type Memory struct {
	opts   Options
	core   *memCore
	closed bool // guarded by core.mu
}

// memCore is the state the views of one Memory share.
type memCore struct {
	mu      sync.Mutex
	entries map[string]*Entry
	bytes   int64
	open    map[*Memory]bool     // views not closed: their versions are in use
	outbox  map[string]*Mutation // by outboxKey (outbox.go)
}

// NewMemory returns an empty in-memory store; it fails on invalid options.
func NewMemory(opts Options) (*Memory, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	m := &Memory{opts: o, core: &memCore{entries: make(map[string]*Entry), open: map[*Memory]bool{}}}
	m.core.open[m] = true
	return m, nil
}

// view returns a Memory sharing m's entries under other options, as a tab
// of another app version sees the same IndexedDB database. Closing a view
// closes only it; the entries go with the last one.
func (m *Memory) view(opts Options) (*Memory, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	v := &Memory{opts: o, core: m.core}
	m.core.mu.Lock()
	defer m.core.mu.Unlock()
	if len(m.core.open) == 0 {
		return nil, fmt.Errorf("cache: view: %w", ErrClosed)
	}
	m.core.open[v] = true
	return v, nil
}

// Key returns the key of a response of namespace to method on rawURL under
// the store's app version (see Key).
func (m *Memory) Key(namespace, method, rawURL string) (key, normalizedURL string, err error) {
	return m.opts.key(namespace, method, rawURL)
}

// copyEntry returns a copy of e that shares no map or byte slice with it.
// Bodies other than Bytes are immutable by contract and shared.
func copyEntry(e *Entry) *Entry {
	c := *e
	c.Header = maps.Clone(e.Header)
	c.Vary = maps.Clone(e.Vary)
	if b, ok := e.Body.(Bytes); ok {
		c.Body = Bytes(slices.Clone([]byte(b)))
	}
	return &c
}

func evictionOf(e *Entry, r Reason) Eviction {
	return Eviction{Key: e.Key, URL: e.URL, Namespace: e.Namespace, Reason: r}
}

// removeLocked deletes key and returns what was there.
func (c *memCore) removeLocked(key string) (*Entry, bool) {
	e, ok := c.entries[key]
	if ok {
		delete(c.entries, key)
		c.bytes -= e.Size()
	}
	return e, ok
}

// lock takes the lock, or returns ErrClosed.
func (m *Memory) lock(op, key string) error {
	m.core.mu.Lock()
	if m.closed {
		m.core.mu.Unlock()
		return fmt.Errorf("cache: %s %q: %w", op, key, ErrClosed)
	}
	return nil
}

// Get returns the entry stored under key. A miss is a *MissError; an entry
// past its TTL is deleted and reported as a miss whose Evicted says so; one
// of another app version is a miss that leaves it alone.
func (m *Memory) Get(ctx context.Context, key string) (*Entry, error) {
	if err := m.lock("get", key); err != nil {
		return nil, err
	}
	defer m.core.mu.Unlock()
	e, ok := m.core.entries[key]
	if !ok {
		return nil, &MissError{Key: key, Reason: ReasonAbsent}
	}
	switch r := verdict(e, m.opts, m.opts.Now()); r {
	case "":
		return copyEntry(e), nil
	case ReasonVersion:
		return nil, &MissError{Key: key, Reason: r}
	default:
		m.core.removeLocked(key)
		ev := evictionOf(e, r)
		return nil, &MissError{Key: key, Reason: r, Evicted: &ev}
	}
}

// Put stores a copy of e under e.Key, replacing what was there, then evicts
// least-recently-validated entries (never e) until MaxEntries and MaxBytes
// hold; it returns those evictions. e must carry the key of its namespace,
// method and URL; it is stored under the store's AppVersion (naming another
// one is an error); an entry larger than MaxBytes alone is ErrTooLarge and
// nothing changes. Put stores StoredAt and ValidatedAt as given (to the
// millisecond).
func (m *Memory) Put(ctx context.Context, e *Entry) ([]Eviction, error) {
	if err := m.opts.checkPut(e); err != nil {
		return nil, err
	}
	c := copyEntry(e)
	c.AppVersion = m.opts.AppVersion
	c.StoredAt, c.ValidatedAt = millis(c.StoredAt), millis(c.ValidatedAt)
	if err := m.lock("put", e.Key); err != nil {
		return nil, err
	}
	defer m.core.mu.Unlock()
	m.core.removeLocked(c.Key)
	m.core.entries[c.Key] = c
	m.core.bytes += c.Size()
	if !m.opts.overCapacity(len(m.core.entries), m.core.bytes) {
		return nil, nil
	}
	var evs []Eviction
	for _, old := range m.core.byValidation() {
		if !m.opts.overCapacity(len(m.core.entries), m.core.bytes) {
			break
		}
		if old.Key == c.Key {
			continue
		}
		m.core.removeLocked(old.Key)
		evs = append(evs, evictionOf(old, ReasonCapacity))
	}
	return evs, nil
}

// byValidation lists the entries least recently validated first, ties by
// key (the order of an IndexedDB index).
func (c *memCore) byValidation() []*Entry {
	all := slices.Collect(maps.Values(c.entries))
	slices.SortFunc(all, func(a, b *Entry) int {
		if d := a.ValidatedAt.Compare(b.ValidatedAt); d != 0 {
			return d
		}
		return strings.Compare(a.Key, b.Key)
	})
	return all
}

// Touch applies a 304's revalidation to the entry under key and returns the
// updated entry. The body and content headers stay. An entry past its TTL is
// refreshed too (the server just confirmed it); one of another app version is
// a miss that leaves it alone. A missing key is a *MissError.
func (m *Memory) Touch(ctx context.Context, key string, r Revalidation) (*Entry, error) {
	if err := m.lock("touch", key); err != nil {
		return nil, err
	}
	defer m.core.mu.Unlock()
	e, ok := m.core.entries[key]
	if !ok {
		return nil, &MissError{Key: key, Reason: ReasonAbsent}
	}
	if e.AppVersion != m.opts.AppVersion {
		return nil, &MissError{Key: key, Reason: ReasonVersion}
	}
	r.apply(e, m.opts.Now())
	return copyEntry(e), nil
}

// Delete removes the entry under key and its variants (VariantKey) and
// reports whether there was any.
func (m *Memory) Delete(ctx context.Context, key string) (bool, error) {
	if err := m.lock("delete", key); err != nil {
		return false, err
	}
	defer m.core.mu.Unlock()
	_, ok := m.core.removeLocked(key)
	for k := range m.core.entries {
		if strings.HasPrefix(k, key+variantSep) {
			m.core.removeLocked(k)
			ok = true
		}
	}
	return ok, nil
}

// Clear removes every entry of namespace, of every app version (all the
// keys that start with KeyPrefix(namespace)), and returns how many there
// were.
func (m *Memory) Clear(ctx context.Context, namespace string) (int, error) {
	if err := m.lock("clear", namespace); err != nil {
		return 0, err
	}
	defer m.core.mu.Unlock()
	prefix := KeyPrefix(namespace)
	n := 0
	for k := range m.core.entries {
		if strings.HasPrefix(k, prefix) {
			m.core.removeLocked(k)
			n++
		}
	}
	return n, nil
}

// ClearAll removes every entry.
func (m *Memory) ClearAll(ctx context.Context) error {
	if err := m.lock("clear all", ""); err != nil {
		return err
	}
	defer m.core.mu.Unlock()
	clear(m.core.entries)
	m.core.bytes = 0
	return nil
}

// Stats returns the number of entries and their body bytes, all namespaces
// and versions together.
func (m *Memory) Stats(ctx context.Context) (Stats, error) {
	if err := m.lock("stats", ""); err != nil {
		return Stats{}, err
	}
	defer m.core.mu.Unlock()
	return Stats{Entries: len(m.core.entries), Bytes: m.core.bytes}, nil
}

// List describes the entries of namespace, of every app version, in key
// order, without their bodies; it changes nothing.
func (m *Memory) List(ctx context.Context, namespace string) ([]Info, error) {
	if err := m.lock("list", namespace); err != nil {
		return nil, err
	}
	defer m.core.mu.Unlock()
	prefix := KeyPrefix(namespace)
	now := m.opts.Now()
	var out []Info
	for k, e := range m.core.entries {
		if strings.HasPrefix(k, prefix) {
			out = append(out, infoOf(e, e.Size(), m.opts, now))
		}
	}
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// Sweep deletes every entry of the store's version past its TTL and every
// entry of an app version no open view uses, and returns them.
func (m *Memory) Sweep(ctx context.Context) ([]Eviction, error) {
	if err := m.lock("sweep", ""); err != nil {
		return nil, err
	}
	defer m.core.mu.Unlock()
	inUse := map[string]bool{}
	for v := range m.core.open {
		inUse[v.opts.AppVersion] = true
	}
	now := m.opts.Now()
	var evs []Eviction
	for _, e := range m.core.byValidation() {
		r := verdict(e, m.opts, now)
		if r == "" || r == ReasonVersion && inUse[e.AppVersion] {
			continue
		}
		m.core.removeLocked(e.Key)
		evs = append(evs, evictionOf(e, r))
	}
	return evs, nil
}

// Close closes the store (later calls return ErrClosed); its version is no
// longer in use. The entries are dropped with the last open view.
func (m *Memory) Close() error {
	m.core.mu.Lock()
	defer m.core.mu.Unlock()
	m.closed = true
	delete(m.core.open, m)
	if len(m.core.open) == 0 {
		m.core.entries = map[string]*Entry{}
		m.core.bytes = 0
	}
	return nil
}
