//go:build js && wasm

package fetcher

import (
	"context"
	"fmt"
	"sync"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/jsutil"
	"github.com/etagcache/etag-cache/internal/testsupport/fakeclock"
)

// jsGet reads key from the client's database the way the JS face does: one
// readonly transaction, one get.
func jsGet(t *testing.T, c *Client, key string) js.Value {
	t.Helper()
	db, store := c.Database()
	require.False(t, db.IsUndefined(), "no database")
	read := js.Global().Call("eval", `(db, s, k) => new Promise((res, rej) => {
		const r = db.transaction(s, 'readonly').objectStore(s).get(k);
		r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); })`)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	v, err := jsutil.Await(ctx, read.Invoke(db, store, key))
	require.NoError(t, err)
	return v
}

// jsPut stores rec under key in the client's database, as another program
// (or a corrupted disk) might.
func jsPut(t *testing.T, c *Client, key string, rec js.Value) {
	t.Helper()
	db, store := c.Database()
	put := js.Global().Call("eval", `(db, s, k, v) => new Promise((res, rej) => {
		const tx = db.transaction(s, 'readwrite'); tx.objectStore(s).put(v, k);
		tx.oncomplete = () => res(); tx.onerror = () => rej(tx.error); })`)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := jsutil.Await(ctx, put.Invoke(db, store, key, rec))
	require.NoError(t, err)
}

// The thin read path (a record read in JS, judged by ServeRecord) serves
// exactly what Get serves, for each kind of stored record.
func TestServeRecordAgreesWithGet(t *testing.T) {
	type setup struct {
		ns        string
		cc        string        // Cache-Control of the stored response
		advance   time.Duration // clock moved before the reads
		version   string        // app version of the store that wrote the record
		tamper    string        // JS that rewrites the stored record r
		remove    bool          // the entry is deleted before the read
		otherKey  bool          // another namespace's record is copied under the reader's key
		lang      string        // the response varies on Accept-Language, stored for "ur"; the reader's
		wantServe bool
		wantStale bool
	}
	cases := map[string]setup{
		"fresh (max-age)":               {cc: "max-age=600", wantServe: true},
		"revalidated every read":        {cc: "no-cache", wantServe: true},
		"stale (past max-age)":          {cc: "max-age=60", advance: 2 * time.Minute, wantServe: true, wantStale: true},
		"past TTL":                      {advance: 2 * time.Hour},
		"other app version":             {version: "v0"},
		"corrupt":                       {tamper: `r.meta = "{"`},
		"absent":                        {remove: true},
		"other namespace's record here": {ns: "alice", otherKey: true},
		"the reader's variant (Vary)":   {lang: "ur", wantServe: true},
		"another variant (Vary)":        {lang: "en"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			clock := fakeclock.New(time.Now().Truncate(time.Millisecond))
			dbName := fmt.Sprintf("serve-record-%d", time.Now().UnixNano())
			hang := make(chan struct{})
			t.Cleanup(func() { close(hang) })
			served := false
			tr := TransportFunc(func(ctx context.Context, req *Request) (*Response, error) {
				if !served {
					served = true
					h := map[string]string{"etag": `"a"`, "content-type": "application/json", "cache-control": tc.cc}
					if tc.lang != "" {
						h["vary"] = "Accept-Language"
					}
					return &Response{Status: 200, Body: cache.Bytes(`{"n":1}`), Header: h}, nil
				}
				select { // revalidations hang: nothing changes while the two paths are compared
				case <-ctx.Done():
					return nil, ctx.Err()
				case <-hang:
					return nil, ErrNetwork
				}
			})
			open := func(version, ns, lang string) *Client {
				store, err := cache.OpenIndexedDB(context.Background(), cache.IDBOptions{
					Options: cache.Options{AppVersion: version, TTL: time.Hour, Now: clock.Now}, DBName: dbName})
				require.NoError(t, err)
				var hdr map[string]string
				if lang != "" {
					hdr = map[string]string{"Accept-Language": lang}
				}
				c, err := New(Options{Store: store, Namespace: ns, Transport: tr, Now: clock.Now, Header: hdr})
				require.NoError(t, err)
				t.Cleanup(func() { _ = c.Close(); _ = store.Close() })
				return c
			}
			writerVersion := "v1"
			if tc.version != "" {
				writerVersion = tc.version
			}
			writerLang := ""
			if tc.lang != "" {
				writerLang = "ur"
			}
			writer := open(writerVersion, tc.ns, writerLang)
			const u = "https://school.example/api/grades/"
			_, err := writer.Get(context.Background(), u)
			require.NoError(t, err)
			reader := writer
			if tc.version != "" || tc.otherKey {
				reader = open("v1", "bob", "")
				if !tc.otherKey {
					reader = open("v1", tc.ns, "")
				}
			}
			if tc.lang != "" && tc.lang != writerLang {
				reader = open("v1", tc.ns, tc.lang)
			}
			clock.Advance(tc.advance)
			key, _, err := reader.Key(u)
			require.NoError(t, err)
			switch {
			case tc.otherKey:
				aliceKey, _, _ := writer.Key(u)
				jsPut(t, reader, key, jsGet(t, reader, aliceKey)) // alice's record under bob's key
			case tc.tamper != "":
				jsPut(t, reader, key, js.Global().Call("eval", "(r => { "+tc.tamper+"; return r })").Invoke(jsGet(t, reader, key)))
			case tc.remove:
				require.NoError(t, reader.Invalidate(context.Background(), u))
			}
			rec := jsGet(t, reader, key)

			res, ok := reader.ServeRecord(key, rec)
			require.Equal(t, tc.wantServe, ok, "ServeRecord served")
			if !ok {
				assert.Equal(t, int64(0), reader.Counters().Hits, "a refused record is no hit")
				// Get does not serve it either: it goes to the network (which hangs).
				ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
				defer cancel()
				_, err := reader.Get(ctx, u)
				require.ErrorIs(t, err, context.DeadlineExceeded, "Get served a record ServeRecord refused")
				assert.Equal(t, int64(0), reader.Counters().Hits)
				return
			}
			assert.Equal(t, tc.wantStale, res.Stale)
			got, err := reader.Get(context.Background(), u)
			require.NoError(t, err)
			assert.Equal(t, SourceCache, got.Source, "Get serves the same record")
			assert.Equal(t, got.Stale, res.Stale)
			assert.Equal(t, got.ETag, res.ETag)
			assert.Equal(t, got.URL, res.URL)
			assert.Equal(t, got.Header, res.Header)
			assert.Equal(t, got.StoredAt, res.StoredAt)
			assert.Equal(t, got.ValidatedAt, res.ValidatedAt)
			assert.Equal(t, string(got.Body.Bytes()), string(res.Body.Bytes()))
		})
	}
}

// The thin read path serves force-cache and only-if-cached without a
// revalidation, and leaves no-cache and reload to Get.
func TestServeRecordModes(t *testing.T) {
	clock := fakeclock.New(time.Now().Truncate(time.Millisecond))
	var mu sync.Mutex
	requests := 0
	tr := TransportFunc(func(context.Context, *Request) (*Response, error) {
		mu.Lock()
		requests++
		mu.Unlock()
		return &Response{Status: 200, Body: cache.Bytes(`{"n":1}`), Header: map[string]string{
			"etag": `"a"`, "content-type": "application/json", "cache-control": "no-cache"}}, nil
	})
	sent := func() int {
		mu.Lock()
		defer mu.Unlock()
		return requests
	}
	store, err := cache.OpenIndexedDB(context.Background(), cache.IDBOptions{
		Options: cache.Options{AppVersion: "v1", Now: clock.Now}, DBName: fmt.Sprintf("serve-modes-%d", time.Now().UnixNano())})
	require.NoError(t, err)
	c, err := New(Options{Store: store, Transport: tr, Now: clock.Now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close(); _ = store.Close() })
	const u = "https://school.example/api/grades/"
	_, err = c.Get(context.Background(), u)
	require.NoError(t, err)
	key, _, err := c.Key(u)
	require.NoError(t, err)
	rec := jsGet(t, c, key)

	for _, m := range []Mode{ModeForceCache, ModeOnlyIfCached} {
		res, ok := c.ServeRecord(key, rec, WithMode(m))
		require.True(t, ok, m.String())
		assert.Equal(t, SourceCache, res.Source)
		c.Wait()
		assert.Equal(t, 1, sent(), "%s: no revalidation of a no-cache record", m)
	}
	for _, m := range []Mode{ModeNoCache, ModeReload} {
		_, ok := c.ServeRecord(key, rec, WithMode(m))
		assert.False(t, ok, "%s asks the server first: Get's", m)
	}
	_, ok := c.ServeRecord(key, rec)
	require.True(t, ok)
	c.Wait()
	assert.Equal(t, 2, sent(), "the default read revalidates it")
}
