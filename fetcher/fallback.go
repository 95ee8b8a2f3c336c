package fetcher

import (
	"context"
	"errors"
	"sync"

	"github.com/etagcache/etag-cache/cache"
)

// fallbackStore is the store Open builds over IndexedDB with StorageAuto.
// When IndexedDB becomes unusable after the open -- another tab upgraded the
// database past this program's schema (a newer release, or another program),
// so it cannot be reopened -- it switches, for the rest of the page, to a
// memory store, as Open does when IndexedDB is unavailable from the start,
// and reports it once through onFallback. Without it the cache went
// network-only with a storage error on every operation.
type fallbackStore struct {
	copts      cache.Options
	onFallback func(error)

	mu      sync.Mutex
	primary Store
	memory  *cache.Memory // set once switched
}

// current returns the store operations go to.
func (f *fallbackStore) current() Store {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.memory != nil {
		return f.memory
	}
	return f.primary
}

// switched reports whether err from s means IndexedDB is gone, and if so
// switches to memory (once) and returns true: the caller retries there.
func (f *fallbackStore) switched(s Store, err error) bool {
	if err == nil || s != f.primary || !errors.Is(err, cache.ErrUnavailable) {
		return false
	}
	f.mu.Lock()
	first := f.memory == nil
	if first {
		m, merr := cache.NewMemory(f.copts)
		if merr != nil {
			f.mu.Unlock()
			return false
		}
		f.memory = m
	}
	f.mu.Unlock()
	if first && f.onFallback != nil {
		f.onFallback(err)
	}
	return true
}

// inMemory reports whether the store switched to memory.
func (f *fallbackStore) inMemory() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.memory != nil
}

// try runs op on the current store and, when IndexedDB turned out to be
// gone, once more on memory.
func try[T any](f *fallbackStore, op func(Store) (T, error)) (T, error) {
	s := f.current()
	v, err := op(s)
	if f.switched(s, err) {
		return op(f.current())
	}
	return v, err
}

func (f *fallbackStore) Key(namespace, method, rawURL string) (string, string, error) {
	return f.current().Key(namespace, method, rawURL)
}

func (f *fallbackStore) Get(ctx context.Context, key string) (*cache.Entry, error) {
	return try(f, func(s Store) (*cache.Entry, error) { return s.Get(ctx, key) })
}

func (f *fallbackStore) Put(ctx context.Context, e *cache.Entry) ([]cache.Eviction, error) {
	return try(f, func(s Store) ([]cache.Eviction, error) { return s.Put(ctx, e) })
}

func (f *fallbackStore) Touch(ctx context.Context, key string, r cache.Revalidation) (*cache.Entry, error) {
	return try(f, func(s Store) (*cache.Entry, error) { return s.Touch(ctx, key, r) })
}

func (f *fallbackStore) Delete(ctx context.Context, key string) (bool, error) {
	return try(f, func(s Store) (bool, error) { return s.Delete(ctx, key) })
}

func (f *fallbackStore) Clear(ctx context.Context, namespace string) (int, error) {
	return try(f, func(s Store) (int, error) { return s.Clear(ctx, namespace) })
}

func (f *fallbackStore) ClearAll(ctx context.Context) error {
	_, err := try(f, func(s Store) (struct{}, error) { return struct{}{}, s.ClearAll(ctx) })
	return err
}

func (f *fallbackStore) Stats(ctx context.Context) (cache.Stats, error) {
	return try(f, func(s Store) (cache.Stats, error) { return s.Stats(ctx) })
}

func (f *fallbackStore) Sweep(ctx context.Context) ([]cache.Eviction, error) {
	return try(f, func(s Store) ([]cache.Eviction, error) { return s.Sweep(ctx) })
}

func (f *fallbackStore) List(ctx context.Context, namespace string) ([]cache.Info, error) {
	return try(f, func(s Store) ([]cache.Info, error) {
		if l, ok := s.(lister); ok {
			return l.List(ctx, namespace)
		}
		return nil, errCannotList
	})
}

// PutMutation, DeleteMutation and Mutations keep the outbox where the
// entries are (cache.Outbox).
func (f *fallbackStore) PutMutation(ctx context.Context, m *cache.Mutation) error {
	_, err := try(f, func(s Store) (struct{}, error) { return struct{}{}, outboxOf(s).PutMutation(ctx, m) })
	return err
}

func (f *fallbackStore) DeleteMutation(ctx context.Context, m *cache.Mutation) (bool, error) {
	return try(f, func(s Store) (bool, error) { return outboxOf(s).DeleteMutation(ctx, m) })
}

func (f *fallbackStore) Mutations(ctx context.Context, namespace string) ([]*cache.Mutation, error) {
	return try(f, func(s Store) ([]*cache.Mutation, error) { return outboxOf(s).Mutations(ctx, namespace) })
}

// outboxOf returns s's outbox; one that keeps nothing for a store without.
func outboxOf(s Store) cache.Outbox {
	if ob, ok := s.(cache.Outbox); ok {
		return ob
	}
	return noOutbox{}
}

// noOutbox refuses to keep writes.
type noOutbox struct{}

func (noOutbox) PutMutation(context.Context, *cache.Mutation) error { return errNoOutbox }
func (noOutbox) DeleteMutation(context.Context, *cache.Mutation) (bool, error) {
	return false, nil
}
func (noOutbox) Mutations(context.Context, string) ([]*cache.Mutation, error) { return nil, nil }

// Close closes both stores.
func (f *fallbackStore) Close() error {
	f.mu.Lock()
	m := f.memory
	f.mu.Unlock()
	err := f.primary.Close()
	if m != nil {
		_ = m.Close()
	}
	return err
}
