//go:build js && wasm

package fetcher

// Faults found by probing the cache in a real browser (issue 12), each shown
// against the real IndexedDB and the loopback test server.

import (
	"context"
	"fmt"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/internal/jsutil"
)

// rawSizes sums the body sizes of every record of database name, read with a
// plain JS cursor, and returns the stored byte total with it.
func rawSizes(t *testing.T, name string) (sum, total int64) {
	t.Helper()
	read := js.Global().Call("eval", `(name) => new Promise((res, rej) => {
		const open = indexedDB.open(name);
		open.onerror = () => rej(open.error);
		open.onsuccess = () => {
			const db = open.result, tx = db.transaction(['entries', 'meta'], 'readonly');
			let sum = 0, total = -1;
			tx.objectStore('entries').openCursor().onsuccess = (e) => {
				const c = e.target.result;
				if (c) { sum += c.value.body.byteLength; c.continue(); }
			};
			tx.objectStore('meta').get('totals').onsuccess = (e) => { total = e.target.result ? e.target.result.bytes : 0; };
			tx.oncomplete = () => { db.close(); res([sum, total]); };
			tx.onerror = () => rej(tx.error);
		};
	})`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := jsutil.Await(ctx, read.Invoke(name))
	require.NoError(t, err)
	return int64(v.Index(0).Int()), int64(v.Index(1).Int())
}

// Fault 1: with a server that ignores If-None-Match (200, same ETag), get 8
// URLs and close while their revalidations are under way (a few ms later,
// varied), round after round: close() always returns, and the byte total
// stays the sum of the records (it once became the size of one record, so
// that a cache with maxBytes 1200 then held 2,072 bytes).
func TestCloseDuringRevalidationsKeepsTheByteTotal(t *testing.T) {
	base := serverURL(t)
	name := fmt.Sprintf("fault1-%d", time.Now().UnixNano())
	t.Cleanup(func() { js.Global().Get("indexedDB").Call("deleteDatabase", name) })
	urls := make([]string, 8)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/stubborn/%s/%d", base, uniquePath("f1", t), i)
	}
	for round := 0; round < 24; round++ {
		c, err := Open(context.Background(), Config{Version: "v1", DBName: name, Storage: StorageIndexedDB, MaxBytes: 1200, SweepDelay: -1})
		require.NoError(t, err)
		for _, u := range urls {
			_, err := c.Get(context.Background(), u)
			require.NoError(t, err)
		}
		time.Sleep(time.Duration(round%8) * time.Millisecond) // revalidations start after one JS task
		closed := make(chan error, 1)
		go func() { closed <- c.Close() }()
		select {
		case err := <-closed:
			require.NoError(t, err, "round %d", round)
		case <-time.After(20 * time.Second):
			t.Fatalf("round %d: Close did not return", round)
		}
		sum, total := rawSizes(t, name)
		require.Equal(t, sum, total, "round %d: the byte total is the sum of the records", round)
		require.LessOrEqual(t, sum, int64(1200), "round %d: MaxBytes holds", round)
	}
}

// Fault 8: another tab upgrades the database past our schema (a newer
// release): our connection is closed and cannot reopen. The cache falls back
// to memory with one storage-fallback warning and keeps caching, instead of
// turning network-only with a storage error on every operation.
func TestDatabaseUpgradedByAnotherTabFallsBackToMemory(t *testing.T) {
	base := serverURL(t)
	name := fmt.Sprintf("fault8-%d", time.Now().UnixNano())
	t.Cleanup(func() { js.Global().Get("indexedDB").Call("deleteDatabase", name) })
	var events []Event
	c, err := Open(context.Background(), Config{Version: "v1", DBName: name, SweepDelay: -1,
		Events: func(e Event) { events = append(events, e) }})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.Equal(t, "indexeddb", c.Storage())
	u := base + uniquePath("expose", t)
	_, err = c.Get(context.Background(), u)
	require.NoError(t, err)

	upgrade := js.Global().Call("eval", `(name) => new Promise((res, rej) => {
		const open = indexedDB.open(name, 99);
		open.onupgradeneeded = () => open.result.createObjectStore('newer');
		open.onsuccess = () => { open.result.close(); res(); };
		open.onerror = () => rej(open.error);
		open.onblocked = () => rej(new Error('blocked'));
	})`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = jsutil.Await(ctx, upgrade.Invoke(name))
	require.NoError(t, err, "go-indexeddb closes our connection on versionchange")

	r, err := c.Get(context.Background(), u)
	require.NoError(t, err)
	assert.Equal(t, SourceNetwork, r.Source, "the memory store starts empty")
	r, err = c.Get(context.Background(), u)
	require.NoError(t, err)
	assert.Equal(t, SourceCache, r.Source, "and caches from then on")
	assert.Equal(t, "memory", c.Storage())
	c.Wait()
	var warnings, errs int
	for _, e := range events {
		switch e.Type {
		case EventWarning:
			assert.Equal(t, WarnStorageFallback, e.Code)
			warnings++
		case EventError:
			errs++
		}
	}
	assert.Equal(t, 1, warnings, "one warning")
	assert.Equal(t, 0, errs, "no storage errors")
	db, _ := c.Database()
	assert.True(t, db.IsUndefined(), "no database for the JS read path")
	st, err := c.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, st.Entries)
}
