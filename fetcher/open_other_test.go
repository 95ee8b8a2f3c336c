//go:build !(js && wasm)

package fetcher

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/cache"
)

// Outside the browser there is no IndexedDB: demanding it fails with
// ErrUnavailable, "auto" falls back to memory with one warning.
func TestOpenStorageChoice(t *testing.T) {
	_, err := Open(t.Context(), Config{Version: "v1", Storage: StorageIndexedDB})
	require.ErrorIs(t, err, cache.ErrUnavailable)

	var events []Event
	c, err := Open(t.Context(), Config{Version: "v1", SweepDelay: -1, Events: func(e Event) { events = append(events, e) }})
	require.NoError(t, err)
	defer c.Close()
	assert.Equal(t, "memory", c.Storage())
	require.Len(t, events, 1)
	assert.Equal(t, EventWarning, events[0].Type)
	assert.Equal(t, WarnStorageFallback, events[0].Code)
}
