package fetcher

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// RFC 9111 rules the engine applies, each against a scripted server: the
// first response is stored, the second answers the revalidation (and a third,
// when the rule calls for one, the unconditional fetch that follows).
func TestValidatorRules(t *testing.T) {
	tests := []struct {
		name       string
		responses  []*Response
		wantReqs   []map[string]string // conditional headers of requests 2.. (nil entry = unconditional)
		wantEvents []EventType
		wantBody   string
		wantETag   string
	}{
		{"304 with another strong ETag: nothing updated, one unconditional fetch",
			[]*Response{resp(200, "A", "etag", `"A"`), resp(304, "", "etag", `"B"`), resp(200, "B", "etag", `"B"`)},
			[]map[string]string{{"If-None-Match": `"A"`}, nil}, []EventType{EventUpdate}, "B", `"B"`},
		{"304 with another weak ETag: the same",
			[]*Response{resp(200, "A", "etag", `W/"A"`), resp(304, "", "etag", `W/"B"`), resp(200, "B", "etag", `W/"B"`)},
			[]map[string]string{{"If-None-Match": `W/"A"`}, nil}, []EventType{EventUpdate}, "B", `W/"B"`},
		{"304 naming another ETag, then the same body after all: revalidated, validator kept from the 200",
			[]*Response{resp(200, "A", "etag", `"A"`), resp(304, "", "etag", `"B"`), resp(200, "A", "etag", `"A"`)},
			[]map[string]string{{"If-None-Match": `"A"`}, nil}, []EventType{EventRevalidated}, "A", `"A"`},
		{"304 with the weakened tag of the stored one confirms it (gzip layer)",
			[]*Response{resp(200, "A", "etag", `"A"`), resp(304, "", "etag", `W/"A"`)},
			[]map[string]string{{"If-None-Match": `"A"`}}, []EventType{EventRevalidated}, "A", `W/"A"`},
		{"304 without validators confirms the stored one",
			[]*Response{resp(200, "A", "etag", `"A"`), resp(304, "")},
			[]map[string]string{{"If-None-Match": `"A"`}}, []EventType{EventRevalidated}, "A", `"A"`},
		{"304 with another Last-Modified: refetched",
			[]*Response{resp(200, "A", "last-modified", "Tue, 01 Oct 2024 10:00:00 GMT"),
				resp(304, "", "last-modified", "Tue, 01 Oct 2024 11:00:00 GMT"),
				resp(200, "B", "last-modified", "Tue, 01 Oct 2024 11:00:00 GMT")},
			[]map[string]string{{"If-Modified-Since": "Tue, 01 Oct 2024 10:00:00 GMT"}, nil}, []EventType{EventUpdate}, "B", ""},
		{"200 with the same ETag over a changed body: stored, update",
			[]*Response{resp(200, "A", "etag", `"same"`), resp(200, "B", "etag", `"same"`)},
			[]map[string]string{{"If-None-Match": `"same"`}}, []EventType{EventUpdate}, "B", `"same"`},
		{"200 with the same ETag and body: revalidated",
			[]*Response{resp(200, "A", "etag", `"same"`), resp(200, "A", "etag", `"same"`)},
			[]map[string]string{{"If-None-Match": `"same"`}}, []EventType{EventRevalidated}, "A", `"same"`},
		{"200 with the same ETag and body but another status: update",
			[]*Response{resp(200, "A", "etag", `"same"`), resp(203, "A", "etag", `"same"`)},
			[]map[string]string{{"If-None-Match": `"same"`}}, []EventType{EventUpdate}, "A", `"same"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
				if n > len(tt.responses) {
					t.Errorf("request %d: only %d scripted", n, len(tt.responses))
					return resp(500, ""), nil
				}
				return tt.responses[n-1], nil
			}}
			h := newHarness(t, srv, func(o *Options) { o.CacheableStatus = []int{200, 203} })
			h.mustGet(testURL)
			h.clock.Advance(time.Minute)
			h.mustGet(testURL)
			reqs := srv.reqs()
			require.Len(t, reqs, 1+len(tt.wantReqs))
			for i, want := range tt.wantReqs {
				got := map[string]string{}
				for _, k := range []string{"If-None-Match", "If-Modified-Since"} {
					if v, ok := reqs[i+1].Header[k]; ok {
						got[k] = v
					}
				}
				if want == nil {
					assert.Empty(t, got, "request %d is unconditional", i+2)
				} else {
					assert.Equal(t, want, got, "request %d", i+2)
				}
			}
			assert.Equal(t, tt.wantEvents, types(h.take()))
			key, _, _ := h.client.Key(testURL)
			e, err := h.store.Get(context.Background(), key)
			require.NoError(t, err)
			assert.Equal(t, tt.wantBody, body(e.Body))
			assert.Equal(t, tt.wantETag, e.ETag)
		})
	}
}

// Hop-by-hop fields (the fixed list and those Connection names) are neither
// stored from a 200 nor merged from a 304.
func TestHopByHopFieldsAreNeverStored(t *testing.T) {
	srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
		if n == 1 {
			return resp(200, "A", "etag", `"A"`, "connection", "X-Trace", "x-trace", "1", "keep-alive", "timeout=5"), nil
		}
		return resp(304, "", "connection", "X-Hop, close", "x-hop", "2", "te", "trailers", "x-kept", "yes"), nil
	}}
	h := newHarness(t, srv, nil)
	h.mustGet(testURL)
	r := h.mustGet(testURL)
	key, _, _ := h.client.Key(testURL)
	e, err := h.store.Get(context.Background(), key)
	require.NoError(t, err)
	for _, name := range []string{"connection", "x-trace", "keep-alive", "x-hop", "te"} {
		assert.NotContains(t, e.Header, name)
		assert.NotContains(t, r.Header, name)
	}
	assert.Equal(t, "yes", e.Header["x-kept"], "the 304's other fields are merged")
}

// `no-store no-cache` (space-separated, invalid) is read conservatively: the
// response is not stored.
func TestSpaceSeparatedNoStoreIsNotStored(t *testing.T) {
	srv := &fakeServer{handler: func(int, *Request) (*Response, error) {
		return resp(200, "A", "etag", `"A"`, "cache-control", "no-store no-cache"), nil
	}}
	h := newHarness(t, srv, nil)
	h.mustGet(testURL)
	r := h.mustGet(testURL)
	assert.Equal(t, SourceNetwork, r.Source)
	assert.Len(t, srv.reqs(), 2)
}

// Freshness counts the Age a CDN reports and the apparent age from Date
// (RFC 9111 §4.2.3), and an Expires without a Date from the receipt time.
func TestFreshnessWithAgeDateAndExpires(t *testing.T) {
	clock := newClock()
	date := clock.Now().UTC().Format(http.TimeFormat)
	tests := []struct {
		name      string
		hdr       []string
		after     time.Duration
		wantFresh bool
	}{
		{"max-age 600, Age 540: stale 61 s later", []string{"cache-control", "max-age=600", "age", "540", "date", date}, 61 * time.Second, false},
		{"max-age 600, Age 540: fresh 59 s later", []string{"cache-control", "max-age=600", "age", "540", "date", date}, 59 * time.Second, true},
		{"max-age 600 without Age: fresh 61 s later", []string{"cache-control", "max-age=600", "date", date}, 61 * time.Second, true},
		{"Date 9 minutes old: stale 61 s later", []string{"cache-control", "max-age=600",
			"date", clock.Now().Add(-9 * time.Minute).UTC().Format(http.TimeFormat)}, 61 * time.Second, false},
		{"Age: -1 ignored", []string{"cache-control", "max-age=600", "age", "-1", "date", date}, 61 * time.Second, true},
		{"Age: 99999999999 capped: stale at once", []string{"cache-control", "max-age=600", "age", "99999999999"}, time.Second, false},
		{"Date in the future: no apparent age", []string{"cache-control", "max-age=600",
			"date", clock.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}, 61 * time.Second, true},
		{"Expires without Date: fresh until it", []string{"expires", clock.Now().Add(time.Hour).UTC().Format(http.TimeFormat)},
			59 * time.Minute, true},
		{"Expires without Date: stale after it", []string{"expires", clock.Now().Add(time.Hour).UTC().Format(http.TimeFormat)},
			61 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &fakeServer{handler: func(int, *Request) (*Response, error) {
				return resp(200, "A", append([]string{"etag", `"A"`}, tt.hdr...)...), nil
			}}
			h := newHarness(t, srv, nil)
			h.clock.Set(clock.Now())
			h.mustGet(testURL)
			h.clock.Advance(tt.after)
			r, err := h.client.Get(context.Background(), testURL) // no Wait: Stale is what the read saw
			require.NoError(t, err)
			h.client.Wait()
			assert.Equal(t, !tt.wantFresh, r.Stale, "Stale")
			want := 1
			if !tt.wantFresh {
				want = 2
			}
			assert.Len(t, srv.reqs(), want, "a revalidation only once it is stale")
		})
	}
}
