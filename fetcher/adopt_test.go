package fetcher

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/cache"
)

func TestAdopt(t *testing.T) {
	never := &fakeServer{handler: func(int, *Request) (*Response, error) { panic("Adopt must not fetch") }}
	tests := []struct {
		name      string
		resp      *Response
		stored    bool
		wantEvent []EventType
	}{
		{"cacheable", resp(200, `{"a":1}`, "etag", `"1"`), true, nil},
		{"no-store", resp(200, "x", "etag", `"n"`, "cache-control", "no-store"), false, nil},
		{"not a cacheable status", resp(203, "x", "etag", `"n"`), false, nil},
		{"an error status", resp(500, "x"), false, nil},
		{"cross-origin without validators warns", resp(200, "x"), true, []EventType{EventWarning}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, never, func(o *Options) { o.Origin = "https://app.example" })
			received := h.clock.Now().Add(-5 * time.Second)
			ok, err := h.client.Adopt(t.Context(), testURL, tt.resp, received)
			require.NoError(t, err)
			assert.Equal(t, tt.stored, ok)
			assert.Equal(t, tt.wantEvent, nilIfEmpty(types(h.take())))
			key, _, _ := h.client.Key(testURL)
			e, err := h.store.Get(t.Context(), key)
			if !tt.stored {
				require.ErrorIs(t, err, cache.ErrMiss)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, received, e.StoredAt, "stored when it arrived")
			assert.Equal(t, received, e.ValidatedAt)
			assert.Equal(t, tt.resp.Header["etag"], e.ETag)
		})
	}
}

func TestAdoptLeavesAStoredEntryAlone(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) { return resp(200, "server", "etag", `"s"`), nil }}
	h := newHarness(t, srv, nil)
	h.mustGet(testURL)
	ok, err := h.client.Adopt(t.Context(), testURL, resp(200, "older", "etag", `"o"`), h.clock.Now().Add(-time.Minute))
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, "server", body(h.mustGet(testURL).Body))
	_, err = h.client.Adopt(t.Context(), "/relative", resp(200, "x"), h.clock.Now())
	assert.ErrorIs(t, err, cache.ErrBadURL)
}

func nilIfEmpty(ts []EventType) []EventType {
	if len(ts) == 0 {
		return nil
	}
	return ts
}
