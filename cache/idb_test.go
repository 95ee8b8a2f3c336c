//go:build js && wasm

package cache_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall/js"
	"testing"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/testsupport/storetest"
)

var dbSeq atomic.Int64

// testDBName returns a database name unique to this test run and deletes
// that database when the test ends.
func testDBName(t *testing.T) string {
	name := fmt.Sprintf("etag-cache-test/%s/%d", t.Name(), dbSeq.Add(1))
	t.Cleanup(func() { deleteDB(t, name) })
	return name
}

func deleteDB(t *testing.T, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := idb.Global().DeleteDatabase(name)
	require.NoError(t, err)
	require.NoError(t, req.Await(ctx), "deleting %q", name)
}

// openIDB opens IndexedDB stores on one database per test; stores are closed
// before the database is deleted (cleanups run last-registered first).
func openIDB() storetest.Opener {
	var mu sync.Mutex
	names := map[*testing.T]string{}
	return func(t *testing.T, o cache.Options) storetest.Store {
		mu.Lock()
		name, ok := names[t]
		if !ok {
			name = testDBName(t)
			names[t] = name
		}
		mu.Unlock()
		s, err := cache.OpenIndexedDB(context.Background(), cache.IDBOptions{Options: o, DBName: name})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
}

func TestIDBStore(t *testing.T) {
	storetest.Run(t, openIDB())
}

func ctxT(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func newStore(t *testing.T, name string, o cache.Options) *cache.IDBStore {
	if o.AppVersion == "" {
		o.AppVersion = "v1"
	}
	if o.Now == nil {
		o.Now = func() time.Time { return storetest.Base }
	}
	s, err := cache.OpenIndexedDB(ctxT(t), cache.IDBOptions{Options: o, DBName: name})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func testEntry(t *testing.T, path, body string, va time.Time) *cache.Entry {
	key, u, err := cache.Key("", "v1", "GET", "https://api.example.edu"+path)
	require.NoError(t, err)
	return &cache.Entry{Key: key, URL: u, Method: "GET", AppVersion: "v1", Status: 200,
		StoredAt: va, ValidatedAt: va, Body: cache.Bytes(body), Header: map[string]string{}}
}

// schemaVersion is the store's database version (cache/idb.go).
const schemaVersion = 2

// withRawDB opens a second, plain connection to the database and runs fn
// with a readwrite transaction's entries store, then closes it.
func withRawDB(t *testing.T, name string, fn func(entries *idb.ObjectStore)) {
	ctx := ctxT(t)
	req, err := idb.Global().Open(ctx, name, schemaVersion, func(*idb.Database, uint, uint) error { return nil })
	require.NoError(t, err)
	db, err := req.Await(ctx)
	require.NoError(t, err)
	defer db.Close()
	tx, err := db.Transaction(idb.TransactionReadWrite, "entries")
	require.NoError(t, err)
	entries, err := tx.ObjectStore("entries")
	require.NoError(t, err)
	fn(entries)
	require.NoError(t, tx.Await(ctx))
}

// jsEval evaluates a JS expression (test fixtures only).
func jsEval(src string) js.Value { return js.Global().Call("eval", src) }

func TestIDBCorruptRecords(t *testing.T) {
	name := testDBName(t)
	s := newStore(t, name, cache.Options{})
	valid := testEntry(t, "/valid", "ok", storetest.Base)
	_, err := s.Put(ctxT(t), valid)
	require.NoError(t, err)
	// A valid schema-3 record, then one broken field per row. meta(f) edits the
	// meta JSON of the record with f.
	good := `{schema: 3, version: "v1", validatedAt: VA, size: 2, body: new Uint8Array([1, 2]).buffer,
		meta: JSON.stringify({key: KEY, ns: "", version: "v1", url: "https://h/KEY", method: "GET", status: 200,
			etag: "", lastModified: "", storedAt: 0, hash: "", headers: {}})}`
	edit := func(f string) string { return `(r => { ` + f + `; return r })(` + good + `)` }
	meta := func(f string) string {
		return edit(`const m = JSON.parse(r.meta); ` + f + `; r.meta = JSON.stringify(m)`)
	}
	va := fmt.Sprint(storetest.Base.UnixMilli())
	records := []struct{ name, js string }{
		{"control: a hand-written valid record", good},
		{"a string instead of an object", `"just a string"`},
		{"a number", `42`},
		{"null", `null`},
		{"an array", `[1, 2, 3]`},
		{"empty object", `({})`},
		{"missing body", edit(`delete r.body`)},
		{"body is a string", edit(`r.body = "12"`)},
		{"body is a Uint8Array", edit(`r.body = new Uint8Array([1, 2])`)},
		{"size does not match body", edit(`r.size = 3`)},
		{"validatedAt is a string", edit(`r.validatedAt = "yesterday"`)},
		{"validatedAt is NaN", edit(`r.validatedAt = NaN`)},
		{"status is a float", meta(`m.status = 200.5`)},
		{"status is a string", meta(`m.status = "200"`)},
		{"headers is a string", meta(`m.headers = "a: b"`)},
		{"header value is a number", meta(`m.headers = {"content-length": 2}`)},
		{"etag is a number", meta(`m.etag = 1`)},
		{"version is a number", meta(`m.version = 1`)},
		{"other schema", edit(`r.schema = 99`)},
		{"schema 2 (an older release's record)", edit(`r.schema = 2`)},
		{"key field differs", meta(`m.key = "elsewhere"`)},
		{"namespace differs from the key's", meta(`m.ns = "bob"`)},
		{"URL differs from the key's", meta(`m.url = "https://h/other"`)},
		{"method differs from the key's", meta(`m.method = "POST"`)},
		{"version differs from the key's", meta(`m.version = "v0"`)},
		{"the record's version differs from its meta's", edit(`r.version = "v0"`)},
		{"meta is not JSON", edit(`r.meta = "{"`)},
		{"meta is an object", edit(`r.meta = JSON.parse(r.meta)`)},
		{"meta lacks the url", meta(`delete m.url`)},
	}
	keys := make([]string, len(records))
	withRawDB(t, name, func(entries *idb.ObjectStore) {
		for i, r := range records {
			var err error
			keys[i], _, err = cache.Key("", "v1", "GET", fmt.Sprintf("https://h/raw-%02d", i))
			require.NoError(t, err)
			src := "(" + r.js + ")"
			src = replaceAll(src, "https://h/KEY", fmt.Sprintf("https://h/raw-%02d", i))
			src = replaceAll(src, "KEY", fmt.Sprintf("%q", keys[i]))
			src = replaceAll(src, "VA", va)
			_, err = entries.PutKey(js.ValueOf(keys[i]), jsEval(src))
			require.NoError(t, err, r.name)
		}
	})
	for i, r := range records {
		t.Run(r.name, func(t *testing.T) {
			e, err := s.Get(ctxT(t), keys[i])
			if i == 0 {
				require.NoError(t, err)
				assert.Equal(t, []byte{1, 2}, e.Body.Bytes())
				return
			}
			require.ErrorIs(t, err, cache.ErrMiss)
			var miss *cache.MissError
			require.ErrorAs(t, err, &miss)
			assert.Equal(t, cache.ReasonCorrupt, miss.Reason)
			require.NotNil(t, miss.Evicted)
			assert.Equal(t, keys[i], miss.Evicted.Key)
			_, err = s.Get(ctxT(t), keys[i])
			require.ErrorAs(t, err, &miss)
			assert.Equal(t, cache.ReasonAbsent, miss.Reason, "the corrupt record is removed")
		})
	}
	e, err := s.Get(ctxT(t), valid.Key)
	require.NoError(t, err, "valid entries stay")
	assert.Equal(t, "ok", string(e.Body.Bytes()))
	st, err := s.Stats(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, 2, st.Entries)
	// A corrupt record is also dropped by Touch; Sweep and eviction survive them.
	withRawDB(t, name, func(entries *idb.ObjectStore) {
		_, err := entries.PutKey(js.ValueOf("raw-touch"), jsEval(`({validatedAt: 0, version: "v0", size: "big"})`))
		require.NoError(t, err)
	})
	_, err = s.Touch(ctxT(t), "raw-touch", cache.Revalidation{})
	var miss *cache.MissError
	require.ErrorAs(t, err, &miss)
	assert.Equal(t, cache.ReasonCorrupt, miss.Reason)
}

func replaceAll(s, old, new string) string {
	out := ""
	for {
		i := indexOf(s, old)
		if i < 0 {
			return out + s
		}
		out += s[:i] + new
		s = s[i+len(old):]
	}
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// Sweep and capacity eviction go through indexes that also hold records other
// programs wrote; such records are evicted without breaking the byte total.
func TestIDBSweepWithForeignRecords(t *testing.T) {
	name := testDBName(t)
	s := newStore(t, name, cache.Options{TTL: time.Hour})
	fresh := testEntry(t, "/fresh", "abc", storetest.Base)
	_, err := s.Put(ctxT(t), fresh)
	require.NoError(t, err)
	withRawDB(t, name, func(entries *idb.ObjectStore) {
		_, err := entries.PutKey(js.ValueOf("foreign-old"), jsEval(`({validatedAt: 5, version: "v1"})`))
		require.NoError(t, err)
		_, err = entries.PutKey(js.ValueOf("foreign-ver"), jsEval(`({validatedAt: "x", version: 7})`))
		require.NoError(t, err)
	})
	evs, err := s.Sweep(ctxT(t))
	require.NoError(t, err)
	got := map[string]cache.Reason{}
	for _, ev := range evs {
		got[ev.Key] = ev.Reason
	}
	assert.Equal(t, map[string]cache.Reason{"foreign-old": cache.ReasonTTL, "foreign-ver": cache.ReasonVersion}, got)
	st, err := s.Stats(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, cache.Stats{Entries: 1, Bytes: 3}, st)
}

func TestIDBGetReturnsJSBody(t *testing.T) {
	s := newStore(t, testDBName(t), cache.Options{})
	body := []byte{0, 0xff, 'h', 'i', 0x80}
	e := testEntry(t, "/bin", string(body), storetest.Base)
	_, err := s.Put(ctxT(t), e)
	require.NoError(t, err)
	got, err := s.Get(ctxT(t), e.Key)
	require.NoError(t, err)
	jb, ok := got.Body.(*cache.JSBody)
	require.True(t, ok, "Body is %T, want *cache.JSBody", got.Body)
	v := jb.JSValue()
	require.True(t, v.InstanceOf(js.Global().Get("ArrayBuffer")), "JSValue is not an ArrayBuffer")
	assert.Equal(t, len(body), v.Get("byteLength").Int())
	p := make([]byte, len(body))
	js.CopyBytesToGo(p, js.Global().Get("Uint8Array").New(v))
	assert.Equal(t, body, p)
	assert.Equal(t, body, jb.Bytes())

	// A JSBody put back is stored without a round trip through Go.
	e2 := testEntry(t, "/bin2", "", storetest.Base)
	e2.Body = cache.NewJSBody(js.Global().Get("Uint8Array").New(v)) // a whole-buffer view
	_, err = s.Put(ctxT(t), e2)
	require.NoError(t, err)
	got2, err := s.Get(ctxT(t), e2.Key)
	require.NoError(t, err)
	assert.Equal(t, body, got2.Body.Bytes())
}

func TestNewJSBody(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []byte
	}{
		{"ArrayBuffer", `new Uint8Array([1, 2, 3]).buffer`, []byte{1, 2, 3}},
		{"whole Uint8Array", `new Uint8Array([4, 5])`, []byte{4, 5}},
		{"partial view", `new Uint8Array([1, 2, 3, 4]).subarray(1, 3)`, []byte{2, 3}},
		{"DataView", `new DataView(new Uint8Array([9, 8, 7]).buffer, 1)`, []byte{8, 7}},
		{"string", `"abc"`, []byte{}},
		{"undefined", `undefined`, []byte{}},
		{"plain object", `({byteLength: 5})`, []byte{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := cache.NewJSBody(jsEval("(" + tc.src + ")"))
			assert.Equal(t, len(tc.want), b.Len())
			assert.Equal(t, tc.want, b.Bytes())
			assert.True(t, b.JSValue().InstanceOf(js.Global().Get("ArrayBuffer")))
		})
	}
}

// Another connection deleting the database closes ours (versionchange); the
// store reopens on its next operation instead of wedging.
func TestIDBSurvivesDatabaseDeletion(t *testing.T) {
	name := testDBName(t)
	s := newStore(t, name, cache.Options{})
	e := testEntry(t, "/a", "a", storetest.Base)
	_, err := s.Put(ctxT(t), e)
	require.NoError(t, err)

	deleteDB(t, name) // completes only once our connection closed itself

	_, err = s.Get(ctxT(t), e.Key)
	require.ErrorIs(t, err, cache.ErrMiss, "the database is new and empty")
	_, err = s.Put(ctxT(t), e)
	require.NoError(t, err)
	got, err := s.Get(ctxT(t), e.Key)
	require.NoError(t, err)
	assert.Equal(t, "a", string(got.Body.Bytes()))

	// Twice in a row, with a write as the first operation after.
	deleteDB(t, name)
	_, err = s.Put(ctxT(t), testEntry(t, "/b", "bb", storetest.Base))
	require.NoError(t, err)
	st, err := s.Stats(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, cache.Stats{Entries: 1, Bytes: 2}, st)
}

func TestIDBUnavailable(t *testing.T) {
	global := js.Global()
	reflect := global.Get("Reflect")
	desc := global.Get("Object").Call("getOwnPropertyDescriptor", global, "indexedDB")
	if desc.IsUndefined() {
		// An accessor on the prototype: shadow it with an own property.
		t.Cleanup(func() { reflect.Call("deleteProperty", global, "indexedDB") })
	} else {
		t.Cleanup(func() { reflect.Call("defineProperty", global, "indexedDB", desc) })
	}
	ok := reflect.Call("defineProperty", global, "indexedDB",
		js.ValueOf(map[string]any{"value": js.Undefined(), "configurable": true, "writable": true})).Bool()
	require.True(t, ok, "could not redefine globalThis.indexedDB")
	require.True(t, global.Get("indexedDB").IsUndefined())

	s, err := cache.OpenIndexedDB(ctxT(t), cache.IDBOptions{Options: cache.Options{AppVersion: "v1"}, DBName: "never"})
	require.ErrorIs(t, err, cache.ErrUnavailable)
	assert.Nil(t, s)
	assert.Contains(t, err.Error(), "indexedDB is undefined")
}

func TestIDBOpenRejectsBadOptions(t *testing.T) {
	for _, o := range []cache.IDBOptions{
		{Options: cache.Options{AppVersion: "v1"}},
		{Options: cache.Options{AppVersion: ""}, DBName: "x"},
		{Options: cache.Options{AppVersion: "v1", TTL: -1}, DBName: "x"},
		{Options: cache.Options{AppVersion: "v1"}, DBName: "x", OpTimeout: -time.Second},
	} {
		s, err := cache.OpenIndexedDB(ctxT(t), o)
		require.Error(t, err, "%+v", o)
		assert.NotErrorIs(t, err, cache.ErrUnavailable)
		assert.Nil(t, s)
	}
}

// A database at a higher version than ours cannot be opened (VersionError):
// that is ErrUnavailable, not a panic.
func TestIDBOpenVersionError(t *testing.T) {
	name := testDBName(t)
	ctx := ctxT(t)
	req, err := idb.Global().Open(ctx, name, 5, func(*idb.Database, uint, uint) error { return nil })
	require.NoError(t, err)
	db, err := req.Await(ctx)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = cache.OpenIndexedDB(ctx, cache.IDBOptions{Options: cache.Options{AppVersion: "v1"}, DBName: name})
	require.ErrorIs(t, err, cache.ErrUnavailable)
}

// A put refused for lack of space evicts the least recently validated entries
// (64 kB first, then as much again) and retries; one that is still refused
// once its own size is freed, or once nothing is left, puts every evicted
// record back: a response that cannot fit never costs the cache its copies.
func TestIDBQuotaRetry(t *testing.T) {
	const each, newSize = 40 << 10, 100 << 10 // 64 kB frees two entries
	tests := []struct {
		name        string
		failures    int
		stored      int
		wantEvicted int // evictions that stand
		wantErr     error
	}{
		{"one refusal: 64 kB freed, retry", 1, 5, 2, nil},
		{"two refusals: then as much again", 2, 8, 4, nil},
		{"refused with its size freed: all put back", 10, 10, 0, cache.ErrTooLarge},
		{"refused with nothing left: all put back", 10, 2, 0, cache.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t, testDBName(t), cache.Options{})
			var kept []*cache.Entry
			for i := 0; i < tc.stored; i++ {
				e := testEntry(t, fmt.Sprintf("/e%02d", i), strings.Repeat("x", each), storetest.Base.Add(time.Duration(i)*time.Second))
				_, err := s.Put(ctxT(t), e)
				require.NoError(t, err)
				kept = append(kept, e)
			}
			t.Cleanup(cache.FailNextPuts(tc.failures))
			newE := testEntry(t, "/new", strings.Repeat("n", newSize), storetest.Base.Add(time.Hour))
			evs, err := s.Put(ctxT(t), newE)
			require.Len(t, evs, tc.wantEvicted)
			for i, ev := range evs {
				assert.Equal(t, cache.ReasonQuota, ev.Reason)
				assert.Equal(t, kept[i].Key, ev.Key, "evicted least recently validated first")
			}
			st, serr := s.Stats(ctxT(t))
			require.NoError(t, serr)
			left := tc.stored - tc.wantEvicted
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				_, gerr := s.Get(ctxT(t), newE.Key)
				require.ErrorIs(t, gerr, cache.ErrMiss, "the refused entry was not stored")
				assert.Equal(t, cache.Stats{Entries: left, Bytes: int64(each * left)}, st)
			} else {
				require.NoError(t, err)
				_, gerr := s.Get(ctxT(t), newE.Key)
				require.NoError(t, gerr)
				assert.Equal(t, cache.Stats{Entries: left + 1, Bytes: int64(each*left + newSize)}, st)
			}
			for _, e := range kept[tc.wantEvicted:] {
				got, gerr := s.Get(ctxT(t), e.Key)
				if assert.NoError(t, gerr, "no entry lost beyond those evicted") {
					assert.True(t, string(e.Body.Bytes()) == string(got.Body.Bytes()), "body of %s intact", e.URL)
				}
			}
		})
	}
}

func TestIDBConcurrentUse(t *testing.T) {
	s := newStore(t, testDBName(t), cache.Options{MaxEntries: 10})
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			e := testEntry(t, fmt.Sprintf("/c%d", i), "12345", storetest.Base.Add(time.Duration(i)*time.Millisecond))
			if _, err := s.Put(context.Background(), e); err != nil {
				errs <- err
			}
			if _, err := s.Get(context.Background(), e.Key); err != nil && !assert.ErrorIs(t, err, cache.ErrMiss) {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := s.Stats(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, cache.Stats{Entries: 10, Bytes: 50}, st, "byte total exact under concurrent puts")
}

// makeDB creates database name at version with object stores (the indexes of
// our schema 1 on "entries" when ours1), and puts value under "k" in the
// first store.
func makeDB(t *testing.T, name string, version uint, ours1 bool, stores []string, value string) {
	ctx := ctxT(t)
	req, err := idb.Global().Open(ctx, name, version, func(db *idb.Database, _, _ uint) error {
		for _, st := range stores {
			os, err := db.CreateObjectStore(st, idb.ObjectStoreOptions{})
			if err != nil {
				return err
			}
			if ours1 && st == "entries" {
				for _, ix := range []string{"validatedAt", "version", "ns"} {
					if _, err := os.CreateIndex(ix, js.ValueOf(ix), idb.IndexOptions{}); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	db, err := req.Await(ctx)
	require.NoError(t, err)
	tx, err := db.Transaction(idb.TransactionReadWrite, stores[0])
	require.NoError(t, err)
	st, err := tx.ObjectStore(stores[0])
	require.NoError(t, err)
	_, err = st.PutKey(js.ValueOf("k"), jsEval(value))
	require.NoError(t, err)
	require.NoError(t, tx.Await(ctx))
	require.NoError(t, db.Close())
}

// readRaw reads key of store in database name at version, or undefined.
func readRaw(t *testing.T, name string, version uint, store, key string) js.Value {
	ctx := ctxT(t)
	req, err := idb.Global().Open(ctx, name, version, func(*idb.Database, uint, uint) error { return nil })
	require.NoError(t, err)
	db, err := req.Await(ctx)
	require.NoError(t, err)
	defer db.Close()
	tx, err := db.Transaction(idb.TransactionReadOnly, store)
	require.NoError(t, err)
	st, err := tx.ObjectStore(store)
	require.NoError(t, err)
	r, err := st.Get(js.ValueOf(key))
	require.NoError(t, err)
	v, err := r.Await(ctx)
	require.NoError(t, err)
	return v
}

// A database of our name that another program made is ErrUnavailable (the
// caller falls back to memory), and its data is left alone.
func TestIDBForeignDatabase(t *testing.T) {
	for _, version := range []uint{1, schemaVersion} {
		t.Run(fmt.Sprint("version ", version), func(t *testing.T) {
			name := testDBName(t)
			makeDB(t, name, version, false, []string{"todos"}, `({title: "keep me"})`)
			s, err := cache.OpenIndexedDB(ctxT(t), cache.IDBOptions{Options: cache.Options{AppVersion: "v1"}, DBName: name})
			require.ErrorIs(t, err, cache.ErrUnavailable)
			assert.Nil(t, s)
			assert.Equal(t, "keep me", readRaw(t, name, version, "todos", "k").Get("title").String(),
				"the other program's data is untouched")
		})
	}
}

// A database of our schema 1 (an earlier release) is rebuilt: emptied, then
// used.
func TestIDBUpgradesFromSchemaOne(t *testing.T) {
	name := testDBName(t)
	makeDB(t, name, 1, true, []string{"entries", "meta"}, `({schema: 1, key: "k", body: new ArrayBuffer(3)})`)
	s := newStore(t, name, cache.Options{})
	st, err := s.Stats(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, cache.Stats{}, st, "the old records are gone")
	e := testEntry(t, "/new", "abc", storetest.Base)
	_, err = s.Put(ctxT(t), e)
	require.NoError(t, err)
	_, err = s.Get(ctxT(t), e.Key)
	require.NoError(t, err)
}

// Clear removes everything a namespace's reads can reach: every key of its
// key range, whatever a (tampered) record claims about its namespace.
func TestIDBClearFollowsTheKeyRange(t *testing.T) {
	name := testDBName(t)
	s := newStore(t, name, cache.Options{})
	alice, _, err := cache.Key("alice", "v1", "GET", "https://h/me")
	require.NoError(t, err)
	bob, _, err := cache.Key("bob", "v1", "GET", "https://h/me")
	require.NoError(t, err)
	for _, k := range []string{alice, bob} {
		e := testEntry(t, "/x", "12", storetest.Base)
		ns := map[string]string{alice: "alice", bob: "bob"}[k]
		e.Key, e.URL, e.Namespace = k, "https://h/me", ns
		_, err := s.Put(ctxT(t), e)
		require.NoError(t, err)
	}
	// bob's record copied under alice's key: not served to alice, cleared with her.
	rec := readRaw(t, name, schemaVersion, "entries", bob)
	withRawDB(t, name, func(entries *idb.ObjectStore) {
		_, err := entries.PutKey(js.ValueOf(alice), rec)
		require.NoError(t, err)
	})
	var miss *cache.MissError
	_, err = s.Get(ctxT(t), alice)
	require.ErrorAs(t, err, &miss)
	assert.Equal(t, cache.ReasonCorrupt, miss.Reason, "bob's record under alice's key is not served")
	withRawDB(t, name, func(entries *idb.ObjectStore) {
		_, err := entries.PutKey(js.ValueOf(alice), rec)
		require.NoError(t, err)
	})
	n, err := s.Clear(ctxT(t), "alice")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.True(t, readRaw(t, name, schemaVersion, "entries", alice).IsUndefined())
	_, err = s.Get(ctxT(t), bob)
	require.NoError(t, err, "bob keeps his")
}

// The start-up sweep recounts the byte total from the records' sizes when it
// has not for a day: a total that drifted is repaired.
func TestIDBSweepRepairsTheByteTotal(t *testing.T) {
	name := testDBName(t)
	now := storetest.Base
	s := newStore(t, name, cache.Options{Now: func() time.Time { return now }})
	for i, body := range []string{"a", "bb", "cccc"} {
		_, err := s.Put(ctxT(t), testEntry(t, fmt.Sprintf("/%d", i), body, now))
		require.NoError(t, err)
	}
	_, err := s.Sweep(ctxT(t)) // counts once
	require.NoError(t, err)
	drift := func(bytes int) {
		ctx := ctxT(t)
		req, err := idb.Global().Open(ctx, name, schemaVersion, func(*idb.Database, uint, uint) error { return nil })
		require.NoError(t, err)
		db, err := req.Await(ctx)
		require.NoError(t, err)
		defer db.Close()
		tx, err := db.Transaction(idb.TransactionReadWrite, "meta")
		require.NoError(t, err)
		meta, err := tx.ObjectStore("meta")
		require.NoError(t, err)
		_, err = meta.PutKey(js.ValueOf("totals"), js.ValueOf(map[string]any{"bytes": bytes, "recountedAt": float64(now.UnixMilli())}))
		require.NoError(t, err)
		require.NoError(t, tx.Await(ctx))
	}
	drift(148)
	_, err = s.Sweep(ctxT(t))
	require.NoError(t, err)
	st, err := s.Stats(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, int64(148), st.Bytes, "within a day of the last count, the total is trusted")
	now = now.Add(25 * time.Hour)
	_, err = s.Sweep(ctxT(t))
	require.NoError(t, err)
	st, err = s.Stats(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, cache.Stats{Entries: 3, Bytes: 7}, st, "recounted from the records")
}

// The root of fault 1 (close() during revalidations corrupted the byte
// total): an operation whose context has ended must fail and change nothing.
// go-indexeddb's Await returns (undefined, nil) when the context ends first;
// read as "no old record, no totals", a put committed a total of one record.
func TestIDBCancelledOperationsChangeNothing(t *testing.T) {
	name := testDBName(t)
	s := newStore(t, name, cache.Options{})
	var kept []*cache.Entry
	for i, body := range []string{"aaaa", "bb", "c"} {
		e := testEntry(t, fmt.Sprintf("/%d", i), body, storetest.Base)
		_, err := s.Put(ctxT(t), e)
		require.NoError(t, err)
		kept = append(kept, e)
	}
	want := cache.Stats{Entries: 3, Bytes: 7}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	ops := map[string]func() error{
		"put a new entry": func() error { _, err := s.Put(cancelled, testEntry(t, "/new", "12345", storetest.Base)); return err },
		"put over one":    func() error { _, err := s.Put(cancelled, testEntry(t, "/0", "z", storetest.Base)); return err },
		"touch":           func() error { _, err := s.Touch(cancelled, kept[1].Key, cache.Revalidation{}); return err },
		"delete":          func() error { _, err := s.Delete(cancelled, kept[2].Key); return err },
		"clear":           func() error { _, err := s.Clear(cancelled, ""); return err },
		"sweep":           func() error { _, err := s.Sweep(cancelled); return err },
		"get":             func() error { _, err := s.Get(cancelled, kept[0].Key); return err },
	}
	for name, op := range ops {
		err := op()
		assert.Error(t, err, name)
		assert.NotErrorIs(t, err, cache.ErrMiss, "%s: a cancelled read is not a miss", name)
		st, err := s.Stats(ctxT(t))
		require.NoError(t, err)
		assert.Equal(t, want, st, "after a cancelled %s", name)
	}
	for _, e := range kept {
		got, err := s.Get(ctxT(t), e.Key)
		require.NoError(t, err)
		assert.Equal(t, e.Body, cache.Bytes(got.Body.Bytes()))
	}
}
