// Package storetest is the behaviour suite every cache store must pass: the
// in-memory store runs it on the host, the IndexedDB store in headless
// Chromium. One suite, two stores, so both agree.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/testsupport/fakeclock"
)

// Store is the behaviour under test, the methods *cache.Memory and
// *cache.IDBStore share.
type Store interface {
	Key(namespace, method, rawURL string) (key, normalizedURL string, err error)
	Get(ctx context.Context, key string) (*cache.Entry, error)
	Put(ctx context.Context, e *cache.Entry) ([]cache.Eviction, error)
	Touch(ctx context.Context, key string, r cache.Revalidation) (*cache.Entry, error)
	Delete(ctx context.Context, key string) (bool, error)
	Clear(ctx context.Context, namespace string) (int, error)
	ClearAll(ctx context.Context) error
	Stats(ctx context.Context) (cache.Stats, error)
	Sweep(ctx context.Context) ([]cache.Eviction, error)
	List(ctx context.Context, namespace string) ([]cache.Info, error)
	Close() error
}

// Opener opens a store with o. Within one test (one *testing.T) every call
// must open the same underlying storage, so a second call with another
// AppVersion shares it, as a tab of another app release does; its entries sit
// beside the first's. Closing one store must not close the others.
// The opener closes its stores and deletes the storage in t.Cleanup.
type Opener func(t *testing.T, o cache.Options) Store

// Base is the time the suite's clocks start at.
var Base = time.Date(2025, 3, 14, 9, 26, 53, 589_000_000, time.UTC)

const (
	v1  = "v1"
	v2  = "v2"
	ttl = time.Hour
)

// Run runs the whole suite against the stores open returns.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"RoundTrip", testRoundTrip},
		{"EmptyBody", testEmptyBody},
		{"MissAbsent", testMissAbsent},
		{"TTLEdges", testTTLEdges},
		{"VersionsSideBySide", testVersionsSideBySide},
		{"PutRejects", testPutRejects},
		{"Namespaces", testNamespaces},
		{"MaxEntriesEvictsLRV", testMaxEntries},
		{"MaxBytesEvictsLRV", testMaxBytes},
		{"TooLarge", testTooLarge},
		{"Touch", testTouch},
		{"TouchExpiredAndVersion", testTouchExpiredAndVersion},
		{"Delete", testDelete},
		{"Variants", testVariants},
		{"List", testList},
		{"StatsExact", testStatsExact},
		{"Sweep", testSweep},
		{"ReturnsCopies", testReturnsCopies},
		{"Closed", testClosed},
		{"Outbox", testOutbox},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// entry builds a v1 entry for path in namespace ns with body, validated at va.
func entry(t *testing.T, ns, path string, body string, va time.Time) *cache.Entry {
	t.Helper()
	key, u, err := cache.Key(ns, v1, "GET", "https://api.example.edu"+path)
	require.NoError(t, err)
	return &cache.Entry{
		Key: key, URL: u, Method: "GET", Namespace: ns, AppVersion: v1,
		ETag: `"` + path + `"`, Status: 200,
		Header:   map[string]string{"content-type": "application/json"},
		StoredAt: va, ValidatedAt: va, Body: cache.Bytes(body),
	}
}

func openAt(t *testing.T, open Opener, o cache.Options) (Store, *fakeclock.Clock) {
	clock := fakeclock.New(Base)
	if o.AppVersion == "" {
		o.AppVersion = v1
	}
	if o.TTL == 0 {
		o.TTL = ttl
	}
	o.Now = clock.Now
	return open(t, o), clock
}

func put(t *testing.T, s Store, e *cache.Entry) []cache.Eviction {
	t.Helper()
	evs, err := s.Put(ctx(t), e)
	require.NoError(t, err, "Put(%q)", e.Key)
	return evs
}

func mustGet(t *testing.T, s Store, key string) *cache.Entry {
	t.Helper()
	e, err := s.Get(ctx(t), key)
	require.NoError(t, err, "Get(%q)", key)
	require.NotNil(t, e)
	return e
}

// requireMiss asserts Get(key) is a miss for reason, reporting an eviction
// unless nothing was there (absent) or the entry is another version's (left
// alone).
func requireMiss(t *testing.T, s Store, key string, reason cache.Reason) *cache.MissError {
	t.Helper()
	e, err := s.Get(ctx(t), key)
	require.Nil(t, e, "Get(%q) returned an entry", key)
	require.ErrorIs(t, err, cache.ErrMiss)
	var miss *cache.MissError
	require.ErrorAs(t, err, &miss)
	assert.Equal(t, reason, miss.Reason, "Get(%q) reason", key)
	assert.Equal(t, key, miss.Key)
	if reason == cache.ReasonAbsent || reason == cache.ReasonVersion {
		assert.Nil(t, miss.Evicted)
	} else if assert.NotNil(t, miss.Evicted, "Get(%q) evicted", key) {
		assert.Equal(t, key, miss.Evicted.Key)
		assert.Equal(t, reason, miss.Evicted.Reason)
	}
	return miss
}

func stats(t *testing.T, s Store) cache.Stats {
	t.Helper()
	st, err := s.Stats(ctx(t))
	require.NoError(t, err)
	return st
}

func bodyOf(e *cache.Entry) string {
	if e.Body == nil {
		return ""
	}
	return string(e.Body.Bytes())
}

func keysOf(evs []cache.Eviction) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, fmt.Sprintf("%s:%s", ev.Key, ev.Reason))
	}
	slices.Sort(out)
	return out
}

func testRoundTrip(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{})
	key, u, err := s.Key("student-42", "get", "HTTPS://API.Example.edu:443/grades?term=2&year=2025#top")
	require.NoError(t, err)
	want2, _, _ := cache.Key("student-42", v1, "GET", u)
	assert.Equal(t, want2, key, "the store keys under its own version")
	body := []byte{0, 1, 2, 0xff, 0xfe, '{', '}', 0x80}
	want := &cache.Entry{
		Key: key, URL: u, Method: "GET", Namespace: "student-42", AppVersion: v1,
		ETag: `W/"abc-123"`, LastModified: "Fri, 14 Mar 2025 09:00:00 GMT", Status: 203,
		Header: map[string]string{
			"content-type": "application/json; charset=utf-8", "cache-control": "private, max-age=0",
			"date": "Fri, 14 Mar 2025 09:26:53 GMT", "content-length": "8",
		},
		StoredAt: Base.Add(-2 * time.Minute), ValidatedAt: Base.Add(-time.Minute),
		Body: cache.Bytes(body), Hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	}
	assert.Empty(t, put(t, s, want))
	got := mustGet(t, s, key)
	assert.Equal(t, want.Key, got.Key)
	assert.Equal(t, "https://api.example.edu/grades?term=2&year=2025", got.URL)
	assert.Equal(t, want.Method, got.Method)
	assert.Equal(t, want.Namespace, got.Namespace)
	assert.Equal(t, want.AppVersion, got.AppVersion)
	assert.Equal(t, `W/"abc-123"`, got.ETag)
	assert.Equal(t, want.LastModified, got.LastModified)
	assert.Equal(t, 203, got.Status)
	assert.Equal(t, want.Header, got.Header)
	assert.True(t, want.StoredAt.Equal(got.StoredAt), "StoredAt = %v, want %v", got.StoredAt, want.StoredAt)
	assert.True(t, want.ValidatedAt.Equal(got.ValidatedAt), "ValidatedAt = %v, want %v", got.ValidatedAt, want.ValidatedAt)
	assert.Equal(t, want.Hash, got.Hash)
	require.NotNil(t, got.Body)
	assert.Equal(t, len(body), got.Body.Len())
	assert.Equal(t, body, got.Body.Bytes())
	assert.Equal(t, int64(len(body)), got.Size())
	assert.Equal(t, cache.Stats{Entries: 1, Bytes: int64(len(body))}, stats(t, s))
}

func testEmptyBody(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{})
	e := entry(t, "", "/empty", "", Base)
	e.Body = nil
	e.Header = nil
	put(t, s, e)
	got := mustGet(t, s, e.Key)
	assert.Equal(t, int64(0), got.Size())
	assert.Empty(t, bodyOf(got))
	assert.Empty(t, got.Header)
	assert.True(t, got.StoredAt.Equal(Base))
}

func testMissAbsent(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{})
	requireMiss(t, s, "nothing-here", cache.ReasonAbsent)
	requireMiss(t, s, "", cache.ReasonAbsent)
}

func testTTLEdges(t *testing.T, open Opener) {
	tests := []struct {
		name string
		age  time.Duration // clock minus ValidatedAt
		want cache.Reason  // "" = hit
	}{
		{"fresh", time.Minute, ""},
		{"just before TTL", ttl - time.Millisecond, ""},
		{"exactly at TTL", ttl, cache.ReasonTTL},
		{"just after TTL", ttl + time.Millisecond, cache.ReasonTTL},
		{"long past TTL", 30 * 24 * time.Hour, cache.ReasonTTL},
		{"clock went backwards", -time.Hour, ""},
		{"clock went far backwards", -365 * 24 * time.Hour, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, clock := openAt(t, open, cache.Options{})
			e := entry(t, "", "/ttl", "x", Base)
			put(t, s, e)
			clock.Set(Base.Add(tc.age))
			if tc.want == "" {
				assert.Equal(t, "x", bodyOf(mustGet(t, s, e.Key)))
				assert.Equal(t, 1, stats(t, s).Entries)
				return
			}
			requireMiss(t, s, e.Key, tc.want)
			requireMiss(t, s, e.Key, cache.ReasonAbsent) // deleted, not only hidden
			assert.Equal(t, cache.Stats{}, stats(t, s))
		})
	}
}

func testVersionsSideBySide(t *testing.T, open Opener) {
	s1, _ := openAt(t, open, cache.Options{AppVersion: v1})
	e := entry(t, "", "/v", "old", Base)
	put(t, s1, e)
	s2, _ := openAt(t, open, cache.Options{AppVersion: v2})
	k2, _, err := s2.Key("", "GET", e.URL)
	require.NoError(t, err)
	assert.NotEqual(t, e.Key, k2, "each version keys its own entries")
	requireMiss(t, s2, k2, cache.ReasonAbsent)
	requireMiss(t, s2, e.Key, cache.ReasonVersion) // v1's entry, read through v2: not served, not deleted
	assert.Equal(t, "old", bodyOf(mustGet(t, s1, e.Key)), "reading never evicts another version's entry")

	put(t, s2, withVersion(t, entry(t, "", "/v", "new", Base), v2))
	assert.Equal(t, "old", bodyOf(mustGet(t, s1, e.Key)))
	assert.Equal(t, "new", bodyOf(mustGet(t, s2, k2)))
	assert.Equal(t, cache.Stats{Entries: 2, Bytes: 6}, stats(t, s1))
	_, err = s2.Touch(ctx(t), e.Key, cache.Revalidation{ValidatedAt: Base})
	var miss *cache.MissError
	require.ErrorAs(t, err, &miss)
	assert.Equal(t, cache.ReasonVersion, miss.Reason)
	assert.Nil(t, miss.Evicted)
	assert.Equal(t, "old", bodyOf(mustGet(t, s1, e.Key)))
}

func testPutRejects(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{})
	noKey := entry(t, "", "/a", "x", Base)
	noKey.Key = ""
	other := entry(t, "", "/b", "x", Base)
	other.AppVersion = v2
	elsewhere := entry(t, "", "/c", "x", Base)
	elsewhere.Key = entry(t, "", "/d", "", Base).Key
	otherNS := entry(t, "alice", "/c", "x", Base)
	otherNS.Namespace = "bob"
	wrongVariant := entry(t, "", "/v", "x", Base)
	wrongVariant.Vary = map[string]string{"accept-language": "ur"}
	wrongVariant.Key = cache.VariantKey(wrongVariant.Key, map[string]string{"accept-language": "en"})
	tests := []struct {
		name string
		e    *cache.Entry
	}{
		{"nil entry", nil},
		{"empty key", noKey},
		{"other app version", other},
		{"key of another URL", elsewhere},
		{"key of another namespace", otherNS},
		{"key of another variant", wrongVariant},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := s.Put(ctx(t), tc.e)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "cache: "), "error %q lacks the package prefix", err)
			assert.Empty(t, evs)
			assert.Equal(t, cache.Stats{}, stats(t, s))
		})
	}
}

func testNamespaces(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{})
	names := []string{"alice", "bob", "", "a|b", "1:x"}
	for _, ns := range names {
		put(t, s, entry(t, ns, "/me", "data of "+ns, Base))
	}
	for _, ns := range names {
		e := entry(t, ns, "/me", "", Base)
		assert.Equal(t, "data of "+ns, bodyOf(mustGet(t, s, e.Key)), "namespace %q", ns)
	}
	n, err := s.Clear(ctx(t), "alice")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	requireMiss(t, s, entry(t, "alice", "/me", "", Base).Key, cache.ReasonAbsent)
	for _, ns := range names[1:] {
		assert.Equal(t, "data of "+ns, bodyOf(mustGet(t, s, entry(t, ns, "/me", "", Base).Key)), "namespace %q", ns)
	}
	n, err = s.Clear(ctx(t), "nobody")
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	assert.Equal(t, len(names)-1, stats(t, s).Entries)

	// Clear removes what every app version stored for the namespace.
	s2, _ := openAt(t, open, cache.Options{AppVersion: v2})
	put(t, s2, withVersion(t, entry(t, "bob", "/me", "v2 data of bob", Base), v2))
	put(t, s2, withVersion(t, entry(t, "bob", "/other", "v2", Base), v2))
	n, err = s.Clear(ctx(t), "bob")
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	requireMiss(t, s2, withVersion(t, entry(t, "bob", "/me", "", Base), v2).Key, cache.ReasonAbsent)
	assert.Equal(t, len(names)-2, stats(t, s).Entries)
}

func testMaxEntries(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{MaxEntries: 3})
	a := entry(t, "", "/a", "a", Base.Add(-2*time.Minute))
	b := entry(t, "", "/b", "b", Base.Add(-3*time.Minute)) // least recently validated
	c := entry(t, "", "/c", "c", Base.Add(-1*time.Minute))
	for _, e := range []*cache.Entry{a, b, c} {
		assert.Empty(t, put(t, s, e))
	}
	// d is validated even longer ago than b, yet the entry just put is never evicted.
	d := entry(t, "", "/d", "d", Base.Add(-10*time.Minute))
	evs := put(t, s, d)
	require.Len(t, evs, 1)
	assert.Equal(t, cache.Eviction{Key: b.Key, URL: b.URL, Namespace: "", Reason: cache.ReasonCapacity}, evs[0])
	requireMiss(t, s, b.Key, cache.ReasonAbsent)
	for _, e := range []*cache.Entry{a, c, d} {
		mustGet(t, s, e.Key)
	}
	// Replacing an existing key does not grow the count.
	assert.Empty(t, put(t, s, entry(t, "", "/a", "A", Base)))
	// The next one pushes out d, now the least recently validated.
	evs = put(t, s, entry(t, "", "/e", "e", Base))
	assert.Equal(t, []string{d.Key + ":capacity"}, keysOf(evs))
	assert.Equal(t, cache.Stats{Entries: 3, Bytes: 3}, stats(t, s))
}

func testMaxBytes(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{MaxBytes: 10})
	a := entry(t, "", "/a", "aaaa", Base.Add(-3*time.Minute))
	b := entry(t, "", "/b", "bbbb", Base.Add(-2*time.Minute))
	put(t, s, a)
	put(t, s, b)
	c := entry(t, "", "/c", "cccccc", Base.Add(-time.Minute)) // 14 bytes: a goes
	assert.Equal(t, []string{a.Key + ":capacity"}, keysOf(put(t, s, c)))
	assert.Equal(t, cache.Stats{Entries: 2, Bytes: 10}, stats(t, s))
	// Shrinking b frees room without evicting.
	assert.Empty(t, put(t, s, entry(t, "", "/b", "b", Base.Add(-2*time.Minute))))
	assert.Equal(t, cache.Stats{Entries: 2, Bytes: 7}, stats(t, s))
	// A body of exactly MaxBytes evicts everything else.
	full := entry(t, "", "/full", "0123456789", Base.Add(-time.Hour+time.Second))
	assert.Equal(t, []string{b.Key + ":capacity", c.Key + ":capacity"}, keysOf(put(t, s, full)))
	assert.Equal(t, cache.Stats{Entries: 1, Bytes: 10}, stats(t, s))
}

func testTooLarge(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{MaxBytes: 10})
	keep := entry(t, "", "/keep", "12345", Base)
	put(t, s, keep)
	big := entry(t, "", "/keep", "0123456789A", Base) // same key: the old entry stays
	evs, err := s.Put(ctx(t), big)
	require.ErrorIs(t, err, cache.ErrTooLarge)
	assert.Empty(t, evs)
	assert.Equal(t, "12345", bodyOf(mustGet(t, s, keep.Key)))
	assert.Equal(t, cache.Stats{Entries: 1, Bytes: 5}, stats(t, s))
}

func testTouch(t *testing.T, open Opener) {
	s, clock := openAt(t, open, cache.Options{})
	e := entry(t, "ns", "/t", "body", Base)
	e.LastModified = "Thu, 13 Mar 2025 00:00:00 GMT"
	e.Header = map[string]string{
		"content-type": "application/json", "cache-control": "max-age=0", "date": "Fri, 14 Mar 2025 09:26:53 GMT",
		"content-length": "4",
	}
	put(t, s, e)
	later := Base.Add(30 * time.Minute)
	clock.Set(later)
	got, err := s.Touch(ctx(t), e.Key, cache.Revalidation{
		ValidatedAt: later, ETag: `W/"/t"`,
		Header: map[string]string{
			"Cache-Control": "max-age=60", "date": "Fri, 14 Mar 2025 09:56:53 GMT",
			"content-type": "text/html", "content-length": "0", "x-request-id": "r2",
		},
	})
	require.NoError(t, err)
	check := func(got *cache.Entry) {
		t.Helper()
		assert.Equal(t, `W/"/t"`, got.ETag)
		assert.Equal(t, e.LastModified, got.LastModified, "empty LastModified keeps the stored one")
		assert.True(t, later.Equal(got.ValidatedAt), "ValidatedAt = %v, want %v", got.ValidatedAt, later)
		assert.True(t, Base.Equal(got.StoredAt), "StoredAt changed to %v", got.StoredAt)
		assert.Equal(t, map[string]string{
			"content-type": "application/json", "cache-control": "max-age=60",
			"date": "Fri, 14 Mar 2025 09:56:53 GMT", "content-length": "4", "x-request-id": "r2",
		}, got.Header)
		assert.Equal(t, "body", bodyOf(got))
	}
	check(got)
	check(mustGet(t, s, e.Key))
	// The refreshed entry lives a TTL from its new ValidatedAt.
	clock.Set(Base.Add(ttl + time.Minute))
	check(mustGet(t, s, e.Key))

	// Zero ValidatedAt means now.
	clock.Set(Base.Add(ttl + 2*time.Minute))
	got, err = s.Touch(ctx(t), e.Key, cache.Revalidation{})
	require.NoError(t, err)
	assert.True(t, got.ValidatedAt.Equal(Base.Add(ttl+2*time.Minute)), "ValidatedAt = %v", got.ValidatedAt)
	assert.Equal(t, `W/"/t"`, got.ETag)

	_, err = s.Touch(ctx(t), "missing", cache.Revalidation{ValidatedAt: later})
	require.ErrorIs(t, err, cache.ErrMiss)
	var miss *cache.MissError
	require.ErrorAs(t, err, &miss)
	assert.Equal(t, cache.ReasonAbsent, miss.Reason)
	assert.Equal(t, cache.Stats{Entries: 1, Bytes: 4}, stats(t, s))
}

func testTouchExpiredAndVersion(t *testing.T, open Opener) {
	s1, clock := openAt(t, open, cache.Options{})
	e := entry(t, "", "/x", "x", Base)
	put(t, s1, e)
	// A 304 after the TTL ran out confirms the body: the entry is fresh again.
	clock.Set(Base.Add(2 * ttl))
	got, err := s1.Touch(ctx(t), e.Key, cache.Revalidation{ValidatedAt: clock.Now()})
	require.NoError(t, err)
	assert.Equal(t, "x", bodyOf(got))
	mustGet(t, s1, e.Key)

	s2, _ := openAt(t, open, cache.Options{AppVersion: v2})
	_, err = s2.Touch(ctx(t), e.Key, cache.Revalidation{ValidatedAt: Base})
	var miss *cache.MissError
	require.ErrorAs(t, err, &miss)
	assert.Equal(t, cache.ReasonVersion, miss.Reason)
	assert.Nil(t, miss.Evicted, "another version's entry is left alone")
	mustGet(t, s1, e.Key)
}

func testDelete(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{})
	e := entry(t, "", "/d", "abc", Base)
	other := entry(t, "", "/o", "12", Base)
	put(t, s, e)
	put(t, s, other)
	ok, err := s.Delete(ctx(t), e.Key)
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = s.Delete(ctx(t), e.Key)
	require.NoError(t, err)
	assert.False(t, ok)
	requireMiss(t, s, e.Key, cache.ReasonAbsent)
	mustGet(t, s, other.Key)
	assert.Equal(t, cache.Stats{Entries: 1, Bytes: 2}, stats(t, s))
}

// Variants of one URL (Vary) are stored side by side, each under its own key,
// counted in the totals one by one; deleting the URL's key deletes them all,
// and nothing of another URL.
func testVariants(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{})
	ur := entry(t, "", "/page", "urdu", Base)
	ur.Vary = map[string]string{"accept-language": "ur"}
	en := entry(t, "", "/page", "english", Base)
	en.Vary = map[string]string{"accept-language": "en"}
	en.Key = cache.VariantKey(ur.Key, en.Vary)
	// A URL whose key starts with /page's, which Delete of /page must not touch.
	longer := entry(t, "", "/page2", "x", Base)
	put(t, s, ur)
	put(t, s, en)
	put(t, s, longer)
	assert.NotEqual(t, ur.Key, en.Key)
	assert.True(t, strings.HasPrefix(en.Key, ur.Key), "a variant's key starts with its URL's")
	got := mustGet(t, s, ur.Key)
	assert.Equal(t, "urdu", bodyOf(got))
	assert.Equal(t, ur.Vary, got.Vary)
	got = mustGet(t, s, en.Key)
	assert.Equal(t, "english", bodyOf(got))
	assert.Equal(t, en.Vary, got.Vary)
	assert.Equal(t, cache.Stats{Entries: 3, Bytes: 4 + 7 + 1}, stats(t, s))

	ok, err := s.Delete(ctx(t), ur.Key)
	require.NoError(t, err)
	assert.True(t, ok)
	requireMiss(t, s, ur.Key, cache.ReasonAbsent)
	requireMiss(t, s, en.Key, cache.ReasonAbsent)
	mustGet(t, s, longer.Key)
	assert.Equal(t, cache.Stats{Entries: 1, Bytes: 1}, stats(t, s))

	// Only a variant left: deleting the URL's key still finds it.
	put(t, s, en)
	ok, err = s.Delete(ctx(t), ur.Key)
	require.NoError(t, err)
	assert.True(t, ok)
	requireMiss(t, s, en.Key, cache.ReasonAbsent)
}

// List describes a namespace's entries of every version, in key order,
// without bodies, marks those past the TTL, and changes nothing.
func testList(t *testing.T, open Opener) {
	s, clock := openAt(t, open, cache.Options{})
	a := entry(t, "alice", "/a", "aaa", Base)
	a.Vary = map[string]string{"accept-language": "ur"}
	a.LastModified = "Tue, 01 Oct 2024 10:00:00 GMT"
	old := entry(t, "alice", "/b", "bb", Base.Add(-ttl+time.Minute)) // expires in a minute
	bob := entry(t, "bob", "/a", "b", Base)
	for _, e := range []*cache.Entry{a, old, bob} {
		put(t, s, e)
	}
	clock.Advance(2 * time.Minute)
	got, err := s.List(ctx(t), "alice")
	require.NoError(t, err)
	require.Len(t, got, 2)
	i := got[0]
	assert.True(t, i.StoredAt.Equal(Base) && i.ValidatedAt.Equal(Base), "times %v %v", i.StoredAt, i.ValidatedAt)
	i.StoredAt, i.ValidatedAt = time.Time{}, time.Time{}
	assert.Equal(t, cache.Info{
		Key: a.Key, URL: a.URL, Namespace: "alice", AppVersion: v1, Status: 200, ETag: a.ETag,
		LastModified: a.LastModified, Header: a.Header, Vary: a.Vary, Size: 3,
	}, i)
	assert.Equal(t, old.Key, got[1].Key)
	assert.True(t, got[1].Expired, "past the TTL")
	assert.Equal(t, int64(2), got[1].Size)
	got, err = s.List(ctx(t), "carol")
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Equal(t, cache.Stats{Entries: 3, Bytes: 6}, stats(t, s), "listing changed nothing")
}

func testStatsExact(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{MaxEntries: 4})
	steps := []struct {
		name string
		do   func(t *testing.T)
		want cache.Stats
	}{
		{"empty", func(*testing.T) {}, cache.Stats{}},
		{"put 3", func(t *testing.T) {
			put(t, s, entry(t, "", "/1", "1", Base.Add(-3*time.Second)))
			put(t, s, entry(t, "", "/2", "22", Base.Add(-2*time.Second)))
			put(t, s, entry(t, "x", "/3", "333", Base.Add(-1*time.Second)))
		}, cache.Stats{Entries: 3, Bytes: 6}},
		{"replace grows", func(t *testing.T) { put(t, s, entry(t, "", "/1", "11111", Base.Add(-3*time.Second))) },
			cache.Stats{Entries: 3, Bytes: 10}},
		{"replace shrinks", func(t *testing.T) { put(t, s, entry(t, "", "/2", "", Base.Add(-2*time.Second))) },
			cache.Stats{Entries: 3, Bytes: 8}},
		{"delete", func(t *testing.T) {
			ok, err := s.Delete(ctx(t), entry(t, "x", "/3", "", Base).Key)
			require.NoError(t, err)
			require.True(t, ok)
		}, cache.Stats{Entries: 2, Bytes: 5}},
		{"fill and evict", func(t *testing.T) {
			put(t, s, entry(t, "", "/4", "4444", Base))
			put(t, s, entry(t, "", "/5", "55", Base))
			evs := put(t, s, entry(t, "", "/6", "6", Base)) // evicts /1 (5 bytes)
			require.Equal(t, []string{entry(t, "", "/1", "", Base).Key + ":capacity"}, keysOf(evs))
		}, cache.Stats{Entries: 4, Bytes: 7}},
		{"clear namespace", func(t *testing.T) {
			put(t, s, entry(t, "x", "/7", "7777777", Base)) // evicts /2 (0 bytes)
			n, err := s.Clear(ctx(t), "x")
			require.NoError(t, err)
			require.Equal(t, 1, n)
		}, cache.Stats{Entries: 3, Bytes: 7}},
		{"clear all", func(t *testing.T) { require.NoError(t, s.ClearAll(ctx(t))) }, cache.Stats{}},
		{"put after clear all", func(t *testing.T) { put(t, s, entry(t, "", "/8", "88", Base)) },
			cache.Stats{Entries: 1, Bytes: 2}},
	}
	for _, st := range steps {
		st.do(t)
		assert.Equal(t, st.want, stats(t, s), "after %s", st.name)
	}
}

func testSweep(t *testing.T, open Opener) {
	s1, clock := openAt(t, open, cache.Options{AppVersion: v1})
	fresh := entry(t, "", "/fresh", "f", Base.Add(-ttl+time.Millisecond))
	atTTL := entry(t, "", "/at-ttl", "t", Base.Add(-ttl))
	old := entry(t, "", "/old", "o", Base.Add(-3*ttl))
	future := entry(t, "", "/future", "u", Base.Add(time.Hour)) // clock went backwards since
	for _, e := range []*cache.Entry{fresh, atTTL, old, future} {
		put(t, s1, e)
	}
	s2, _ := openAt(t, open, cache.Options{AppVersion: v2})
	put(t, s2, withVersion(t, entry(t, "", "/v2-fresh", "2", Base), v2))
	put(t, s2, withVersion(t, entry(t, "", "/v2-old", "2", Base.Add(-3*ttl)), v2))
	s0, _ := openAt(t, open, cache.Options{AppVersion: "v0"})
	put(t, s0, withVersion(t, entry(t, "", "/v0", "0", Base), "v0"))
	clock.Set(Base)

	// While stores of v2 and v0 are open (tabs of those releases), their
	// entries stay.
	evs, err := s1.Sweep(ctx(t))
	require.NoError(t, err)
	k := func(p string) string { return entry(t, "", p, "", Base).Key }
	kv := func(p, v string) string { return withVersion(t, entry(t, "", p, "", Base), v).Key }
	assert.Equal(t, []string{k("/at-ttl") + ":ttl", k("/old") + ":ttl"}, keysOf(evs))
	assert.Equal(t, 5, stats(t, s1).Entries)

	// Once they are closed, their entries go.
	require.NoError(t, s2.Close())
	require.NoError(t, s0.Close())
	evs, err = s1.Sweep(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, []string{
		kv("/v0", "v0") + ":version", kv("/v2-fresh", v2) + ":version", kv("/v2-old", v2) + ":version",
	}, keysOf(evs))
	for _, e := range []*cache.Entry{fresh, future} {
		mustGet(t, s1, e.Key)
	}
	assert.Equal(t, cache.Stats{Entries: 2, Bytes: 2}, stats(t, s1))
	evs, err = s1.Sweep(ctx(t))
	require.NoError(t, err)
	assert.Empty(t, evs, "a second sweep finds nothing")
}

// withVersion makes e an entry of app version v, key included.
func withVersion(t *testing.T, e *cache.Entry, v string) *cache.Entry {
	t.Helper()
	key, _, err := cache.Key(e.Namespace, v, e.Method, e.URL)
	require.NoError(t, err)
	e.Key, e.AppVersion = key, v
	return e
}

func testReturnsCopies(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{})
	e := entry(t, "", "/c", "abc", Base)
	put(t, s, e)
	e.Header["content-type"] = "changed after put"
	got := mustGet(t, s, e.Key)
	assert.Equal(t, "application/json", got.Header["content-type"])
	got.Header["content-type"] = "changed after get"
	got.ETag = "changed"
	again := mustGet(t, s, e.Key)
	assert.Equal(t, "application/json", again.Header["content-type"])
	assert.Equal(t, `"/c"`, again.ETag)
}

func testClosed(t *testing.T, open Opener) {
	s, _ := openAt(t, open, cache.Options{})
	require.NoError(t, s.Close())
	_, err := s.Get(ctx(t), "k")
	assert.True(t, errors.Is(err, cache.ErrClosed), "Get after Close: %v", err)
	_, err = s.Put(ctx(t), entry(t, "", "/x", "x", Base))
	assert.ErrorIs(t, err, cache.ErrClosed)
	_, err = s.Stats(ctx(t))
	assert.ErrorIs(t, err, cache.ErrClosed)
}

// testOutbox: mutations round-trip in queue order per namespace, apart from
// the entries: Clear, ClearAll and Sweep leave them, and a store of another
// app version sees them.
func testOutbox(t *testing.T, open Opener) {
	s, clock := openAt(t, open, cache.Options{})
	ob, ok := s.(cache.Outbox)
	require.True(t, ok, "the store keeps an outbox")
	m := func(ns, id string, at time.Duration) *cache.Mutation {
		return &cache.Mutation{ID: id, Namespace: ns, Method: "PUT", URL: "https://api.example.edu/g/" + id,
			Header: map[string]string{"Content-Type": "application/json", "X-CSRFToken": "t"}, Body: []byte(`{"s":1}`),
			IfMatch: `"e1"`, After: "prev", Invalidates: []string{"https://api.example.edu/g/"}, Patched: true,
			Prior: []byte(`{"s":0}`), QueuedAt: Base.Add(at), Attempts: 2, State: cache.MutationPending,
			LastError: "HTTP 503"}
	}
	second, first, other := m("u1", "b", 2*time.Second), m("u1", "a", time.Second), m("u2", "c", 0)
	for _, x := range []*cache.Mutation{second, first, other} {
		require.NoError(t, ob.PutMutation(ctx(t), x))
	}
	list := func(ns string) []*cache.Mutation {
		got, err := ob.Mutations(ctx(t), ns)
		require.NoError(t, err)
		for _, g := range got {
			g.QueuedAt = g.QueuedAt.UTC() // stores keep milliseconds, not the location
		}
		return got
	}
	got := list("u1")
	require.Len(t, got, 2)
	assert.Equal(t, first, got[0], "queue order, every field kept")
	assert.Equal(t, second, got[1])

	// Replacing: the same namespace, time and ID.
	first.State, first.LastError, first.Attempts = cache.MutationFailed, "HTTP 400", 3
	require.NoError(t, ob.PutMutation(ctx(t), first))
	got = list("u1")
	require.Len(t, got, 2)
	assert.Equal(t, cache.MutationFailed, got[0].State)

	// Apart from the entries.
	put(t, s, entry(t, "u1", "/x", "x", clock.Now()))
	_, err := s.Clear(ctx(t), "u1")
	require.NoError(t, err)
	require.NoError(t, s.ClearAll(ctx(t)))
	clock.Advance(10 * ttl)
	_, err = s.Sweep(ctx(t))
	require.NoError(t, err)
	st, err := s.Stats(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, cache.Stats{}, st, "the outbox counts in no entry total")
	s2, _ := openAt(t, open, cache.Options{AppVersion: v2})
	got2, err := s2.(cache.Outbox).Mutations(ctx(t), "u1")
	require.NoError(t, err)
	assert.Len(t, got2, 2, "an app update keeps the queued writes")

	found, err := ob.DeleteMutation(ctx(t), first)
	require.NoError(t, err)
	assert.True(t, found)
	found, err = ob.DeleteMutation(ctx(t), first)
	require.NoError(t, err)
	assert.False(t, found)
	assert.Equal(t, []*cache.Mutation{second}, list("u1"))
	assert.Equal(t, []*cache.Mutation{other}, list("u2"))
	assert.Error(t, ob.PutMutation(ctx(t), &cache.Mutation{Namespace: "u1"}), "ID, URL and Method are required")
}
