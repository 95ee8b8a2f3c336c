package fetcher

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/etagcache/etag-cache/cache"
	"github.com/etagcache/etag-cache/internal/errs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordServer is a Transport over records at /r/<name> (GET with ETag and
// If-None-Match; PUT checking If-Match, answering 412 with the current copy,
// and honouring Idempotency-Key: a repeated key gets the first answer and
// changes nothing) and a list at /r/ whose ETag changes with every write.
type recordServer struct {
	mu       sync.Mutex
	records  map[string]*record
	version  int
	answers  map[string]*Response // by Idempotency-Key
	applied  map[string]int       // writes applied, by Idempotency-Key
	requests []*Request
	offline  bool
	status   []int // statuses to answer the next writes with, instead of applying them
}

type record struct {
	value   string
	version int
}

func newRecordServer() *recordServer {
	return &recordServer{records: map[string]*record{"7": {"a", 1}, "8": {"x", 1}}, version: 1,
		answers: map[string]*Response{}, applied: map[string]int{}}
}

func (r *record) etag(name string) string { return fmt.Sprintf(`"%s-%d"`, name, r.version) }

func (s *recordServer) RoundTrip(_ context.Context, req *Request) (*Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	if s.offline {
		return nil, fmt.Errorf("offline: %w", ErrNetwork)
	}
	path := strings.TrimPrefix(req.URL, "https://api.test")
	if path == "/r/" {
		etag := `"list-` + strconv.Itoa(s.version) + `"`
		if req.Header["If-None-Match"] == etag {
			return resp(304, "", "etag", etag), nil
		}
		return resp(200, "list "+strconv.Itoa(s.version), "etag", etag), nil
	}
	name := strings.TrimPrefix(path, "/r/")
	rec := s.records[name]
	if rec == nil {
		return resp(404, "no"), nil
	}
	if req.Method == "GET" || req.Method == "" {
		if req.Header["If-None-Match"] == rec.etag(name) {
			return resp(304, "", "etag", rec.etag(name)), nil
		}
		return resp(200, rec.value, "etag", rec.etag(name)), nil
	}
	key := req.Header["Idempotency-Key"]
	if a := s.answers[key]; key != "" && a != nil {
		return a, nil
	}
	if len(s.status) > 0 {
		st := s.status[0]
		s.status = s.status[1:]
		return resp(st, "refused"), nil
	}
	if im := req.Header["If-Match"]; im != "" && im != rec.etag(name) {
		return resp(412, rec.value, "etag", rec.etag(name)), nil
	}
	rec.value, rec.version = string(req.Body), rec.version+1
	s.version++
	s.applied[key]++
	a := resp(200, rec.value, "etag", rec.etag(name))
	if key != "" {
		s.answers[key] = a
	}
	return a, nil
}

// change is another client's edit.
func (s *recordServer) change(name, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records[name].value, s.records[name].version = value, s.records[name].version+1
	s.version++
}

func (s *recordServer) writes() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Request
	for _, r := range s.requests {
		if r.Method != "GET" && r.Method != "" {
			out = append(out, r)
		}
	}
	return out
}

func (s *recordServer) setOffline(off bool) {
	s.mu.Lock()
	s.offline = off
	s.mu.Unlock()
}

const rec7, list = "https://api.test/r/7", "https://api.test/r/"

// testWait bounds the waits for a replay started by a connectivity change
// (it runs on its own goroutine); tick is how often they look.
const testWait, tick = 5 * time.Second, 2 * time.Millisecond

// count counts the recorded events of type t.
func (h *harness) count(t EventType) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(eventsOf(h.events, t))
}

func newWriteHarness(t *testing.T) (*harness, *recordServer, *Connectivity) {
	srv := newRecordServer()
	conn := NewConnectivity(true)
	wake := make(chan struct{})
	var h *harness
	h = newHarness(t, srv, func(o *Options) {
		o.Connectivity = conn
		o.Retry = RetryPolicy{MaxAttempts: 1, Rand: func() float64 { return 0.5 }} // no revalidation retries
		// Backoff timers run out only when the test says (h.wake) or the
		// client closes.
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			h.mu.Lock()
			h.sleeps = append(h.sleeps, d)
			h.mu.Unlock()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-wake:
				return nil
			}
		}
	})
	h.wake = wake
	return h, srv, conn
}

// mutate calls Mutate and waits for the background work.
func (h *harness) mutate(w Write) (*WriteResult, error) {
	h.t.Helper()
	r, err := h.client.Mutate(context.Background(), w)
	h.client.Wait()
	return r, err
}

func eventsOf(evs []Event, t EventType) []Event {
	var out []Event
	for _, e := range evs {
		if e.Type == t {
			out = append(out, e)
		}
	}
	return out
}

func TestWriteWithTheCachedETagSucceedsAndRefreshesWhatItAffects(t *testing.T) {
	h, srv, _ := newWriteHarness(t)
	h.mustGet(rec7)
	h.mustGet(list)
	h.take()

	r, err := h.mutate(Write{Method: "put", URL: rec7, Body: []byte("b"), Invalidates: []string{list}})
	require.NoError(t, err)
	assert.False(t, r.Queued)
	assert.Equal(t, 200, r.Status)
	assert.Equal(t, "b", body(r.Body))
	assert.Equal(t, `"7-2"`, r.ETag)

	w := srv.writes()
	require.Len(t, w, 1)
	assert.Equal(t, "PUT", w[0].Method)
	assert.Equal(t, `"7-1"`, w[0].Header["If-Match"], "auto: the ETag of the cached copy")
	assert.Equal(t, r.ID, w[0].Header["Idempotency-Key"], "the first attempt carries the key too")
	assert.Len(t, r.ID, 36)

	ups := eventsOf(h.take(), EventUpdate)
	urls := []string{}
	for _, u := range ups {
		urls = append(urls, u.URL)
	}
	assert.ElementsMatch(t, []string{rec7, list}, urls, "the record and the list are refreshed")
	got := h.mustGet(rec7)
	assert.Equal(t, "b", body(got.Body))
	assert.False(t, got.Pending)
}

func TestIfMatchChoice(t *testing.T) {
	h, srv, _ := newWriteHarness(t)
	_, err := h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("b")})
	require.NoError(t, err, "nothing cached: no If-Match")
	h.mustGet("https://api.test/r/8")
	_, err = h.mutate(Write{Method: "PUT", URL: "https://api.test/r/8", Body: []byte("y"), IfMatchMode: IfMatchNone})
	require.NoError(t, err)
	_, err = h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("c"), IfMatchMode: IfMatchValue, IfMatch: `"7-9"`})
	var ce *ConflictError
	require.True(t, errs.Into(err, &ce), "%v", err)
	w := srv.writes()
	require.Len(t, w, 3)
	assert.NotContains(t, w[0].Header, "If-Match")
	assert.NotContains(t, w[1].Header, "If-Match")
	assert.Equal(t, `"7-9"`, w[2].Header["If-Match"])
	require.NotNil(t, ce.Current)
	assert.Equal(t, "b", body(ce.Current.Body), "the conflict carries the server's copy")

	// After its own successful write a tab's next automatic If-Match is that
	// write's new ETag, even before its copy is refreshed.
	h.mustGet(rec7)
	_, err = h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("d")})
	require.NoError(t, err)
	_, err = h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("e")})
	require.NoError(t, err)
	w = srv.writes()
	assert.Equal(t, `"7-3"`, w[4].Header["If-Match"])
}

func TestConflictRollsBackThePatchAndCarriesTheCurrentCopy(t *testing.T) {
	h, srv, _ := newWriteHarness(t)
	h.mustGet(rec7)
	srv.change("7", "theirs")
	h.take()

	_, err := h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("mine"), Patch: []byte("mine")})
	var ce *ConflictError
	require.True(t, errs.Into(err, &ce), "%v", err)
	require.NotNil(t, ce.Current)
	assert.Equal(t, "theirs", body(ce.Current.Body))

	ups := eventsOf(h.take(), EventUpdate)
	require.Len(t, ups, 2, "the patch, then the server's copy")
	assert.True(t, ups[0].Result.Pending)
	assert.Equal(t, "mine", body(ups[0].Result.Body))
	assert.False(t, ups[1].Result.Pending)
	assert.Equal(t, "theirs", body(ups[1].Result.Body))
	got := h.mustGet(rec7)
	assert.Equal(t, "theirs", body(got.Body))
	assert.False(t, got.Pending)
}

func TestOfflineEditsOfOneRecordAreReplayedInOrderWithoutConflict(t *testing.T) {
	h, srv, conn := newWriteHarness(t)
	h.mustGet(rec7)
	conn.SetOnline(false)
	srv.setOffline(true)
	h.take()

	r1, err := h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("b"), Patch: []byte("b")})
	require.NoError(t, err)
	assert.True(t, r1.Queued)
	got := h.mustGet(rec7)
	assert.True(t, got.Pending)
	assert.Equal(t, "b", body(got.Body), "the patched copy is served offline")
	r2, err := h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("c"), Patch: []byte("c")})
	require.NoError(t, err)
	assert.True(t, r2.Queued)
	assert.Empty(t, srv.writes(), "nothing is sent while offline")

	ob, err := h.client.Outbox(context.Background())
	require.NoError(t, err)
	require.Len(t, ob, 2)
	assert.Equal(t, []string{r1.ID, r2.ID}, []string{ob[0].ID, ob[1].ID})
	assert.Equal(t, cache.MutationPending, ob[0].State)
	assert.Len(t, eventsOf(h.take(), EventQueued), 2)

	srv.setOffline(false)
	conn.SetOnline(true) // starts the replay
	require.Eventually(t, func() bool { return len(srv.writes()) >= 2 }, testWait, tick)
	h.client.Wait()

	w := srv.writes()
	require.Len(t, w, 2)
	assert.Equal(t, []string{"b", "c"}, []string{string(w[0].Body), string(w[1].Body)})
	assert.Equal(t, `"7-1"`, w[0].Header["If-Match"])
	assert.Equal(t, `"7-2"`, w[1].Header["If-Match"], "the second edit was made on the first: chained")
	assert.Equal(t, r2.ID, w[1].Header["Idempotency-Key"])
	evs := h.take()
	assert.Len(t, eventsOf(evs, EventSent), 2)
	assert.Empty(t, eventsOf(evs, EventConflict))
	ob, err = h.client.Outbox(context.Background())
	require.NoError(t, err)
	assert.Empty(t, ob)
	got = h.mustGet(rec7)
	assert.Equal(t, "c", body(got.Body))
	assert.False(t, got.Pending)
}

func TestAnEditBySomeoneElseBetweenQueuedEditsIsAConflict(t *testing.T) {
	h, srv, conn := newWriteHarness(t)
	h.mustGet(rec7)
	conn.SetOnline(false)
	_, err := h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("b"), Patch: []byte("b")})
	require.NoError(t, err)
	srv.change("7", "theirs")
	h.take()
	conn.SetOnline(true)
	require.Eventually(t, func() bool { return h.count(EventConflict) == 1 }, testWait, tick)
	h.client.Wait()
	evs := h.take()
	c := eventsOf(evs, EventConflict)
	require.Len(t, c, 1)
	require.NotNil(t, c[0].Result)
	assert.Equal(t, "theirs", body(c[0].Result.Body))
	ob, _ := h.client.Outbox(context.Background())
	assert.Empty(t, ob, "a conflict leaves the outbox")
	assert.Equal(t, "theirs", body(h.mustGet(rec7).Body), "the patch gave way to the server's copy")
}

func TestRetryClasses(t *testing.T) {
	for _, tc := range []struct {
		status int
		state  cache.MutationState
		event  EventType
	}{
		{503, cache.MutationPending, EventError},
		{500, cache.MutationPending, EventError},
		{429, cache.MutationPending, EventError},
		{408, cache.MutationPending, EventError},
		{400, cache.MutationFailed, EventFailed},
		{403, cache.MutationFailed, EventFailed},
		{404, cache.MutationFailed, EventFailed},
		{422, cache.MutationFailed, EventFailed},
	} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			h, srv, conn := newWriteHarness(t)
			h.mustGet(rec7)
			conn.SetOnline(false)
			_, err := h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("b"), Patch: []byte("b")})
			require.NoError(t, err)
			srv.mu.Lock()
			srv.status = []int{tc.status}
			srv.mu.Unlock()
			h.take()
			conn.SetOnline(true)
			require.Eventually(t, func() bool { return len(srv.writes()) == 1 }, testWait, tick)
			h.client.Wait()
			ob, err := h.client.Outbox(context.Background())
			require.NoError(t, err)
			require.Len(t, ob, 1, "kept in the outbox")
			assert.Equal(t, tc.state, ob[0].State)
			assert.Equal(t, 1, ob[0].Attempts)
			assert.Equal(t, "HTTP "+strconv.Itoa(tc.status), ob[0].LastError)
			evs := h.take()
			require.NotEmpty(t, eventsOf(evs, tc.event))
			got := h.mustGet(rec7)
			if tc.state == cache.MutationFailed {
				assert.Equal(t, "a", body(got.Body), "a refused write's patch is rolled back")
				assert.False(t, got.Pending)
				assert.Equal(t, tc.status, eventsOf(evs, EventFailed)[0].Status)
			} else {
				assert.Equal(t, "b", body(got.Body), "a write that will be retried keeps its patch")
				assert.True(t, got.Pending)
				// The backoff timer starts on its own goroutine (Wait does not wait for timers).
				assert.Eventually(t, func() bool {
					h.mu.Lock()
					defer h.mu.Unlock()
					for _, d := range h.sleeps {
						if d == DefaultRetry.BaseDelay/2 {
							return true
						}
					}
					return false
				}, testWait, tick, "backoff: full jitter of the base delay")
			}
		})
	}
}

func TestReplayOrder(t *testing.T) {
	h, srv, conn := newWriteHarness(t)
	rec8 := "https://api.test/r/8"
	conn.SetOnline(false)
	a, _ := h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("a1")})
	b, _ := h.mutate(Write{Method: "PUT", URL: rec8, Body: []byte("b1")})
	c, _ := h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("a2")})
	h.clock.Advance(1) // queue order is time, then ID

	// A retryable failure of the first write stops the replay: nothing
	// overtakes it.
	srv.mu.Lock()
	srv.status = []int{503}
	srv.mu.Unlock()
	conn.SetOnline(true)
	require.Eventually(t, func() bool { return len(srv.writes()) == 1 }, testWait, tick)
	h.client.Wait()
	assert.Len(t, srv.writes(), 1)

	// A refused write holds back later writes of its URL only.
	srv.mu.Lock()
	srv.status = []int{400}
	srv.mu.Unlock()
	require.NoError(t, h.client.Flush(context.Background()))
	h.client.Wait()
	w := srv.writes()
	require.Len(t, w, 3)
	assert.Equal(t, []string{a.ID, a.ID, b.ID}, []string{w[0].Header["Idempotency-Key"], w[1].Header["Idempotency-Key"],
		w[2].Header["Idempotency-Key"]})
	ob, _ := h.client.Outbox(context.Background())
	require.Len(t, ob, 2)
	assert.Equal(t, []string{a.ID, c.ID}, []string{ob[0].ID, ob[1].ID})
	assert.Equal(t, cache.MutationFailed, ob[0].State)

	// Retry puts it back; it and the write held behind it go, in order.
	require.NoError(t, h.client.Retry(context.Background(), a.ID))
	require.Eventually(t, func() bool { return len(srv.writes()) == 5 }, testWait, tick)
	h.client.Wait()
	w = srv.writes()
	assert.Equal(t, []string{a.ID, c.ID}, []string{w[3].Header["Idempotency-Key"], w[4].Header["Idempotency-Key"]})
	assert.Equal(t, 1, srv.applied[a.ID])
	assert.Equal(t, 1, srv.applied[c.ID])
	ob, _ = h.client.Outbox(context.Background())
	assert.Empty(t, ob)
	assert.ErrorIs(t, h.client.Retry(context.Background(), a.ID), ErrNoSuchWrite)
}

func TestDiscardRollsBackAndClearLeavesTheOutbox(t *testing.T) {
	h, _, conn := newWriteHarness(t)
	h.mustGet(rec7)
	conn.SetOnline(false)
	r, err := h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("b"), Patch: []byte("b")})
	require.NoError(t, err)
	_, err = h.mutate(Write{Method: "POST", URL: list, Body: []byte("new")})
	require.NoError(t, err)

	n, err := h.client.Clear(context.Background(), false)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	ob, _ := h.client.Outbox(context.Background())
	assert.Len(t, ob, 2, "clear() does not touch the outbox")

	h.mustGet(rec7) // offline: the server is still reachable in this test, the cache is refilled
	require.NoError(t, h.client.Discard(context.Background(), r.ID))
	ob, _ = h.client.Outbox(context.Background())
	require.Len(t, ob, 1)
	assert.Equal(t, "POST", ob[0].Method)

	n, err = h.client.ClearOutbox(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	ob, _ = h.client.Outbox(context.Background())
	assert.Empty(t, ob)
}

func TestDiscardRestoresThePatchedBody(t *testing.T) {
	h, _, conn := newWriteHarness(t)
	h.mustGet(rec7)
	conn.SetOnline(false)
	r, err := h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("b"), Patch: []byte("b")})
	require.NoError(t, err)
	assert.Equal(t, "b", body(h.mustGet(rec7).Body))
	require.NoError(t, h.client.Discard(context.Background(), r.ID))
	got := h.mustGet(rec7)
	assert.Equal(t, "a", body(got.Body))
	assert.False(t, got.Pending)
}

func TestUnreachableWriteIsQueuedOrRejected(t *testing.T) {
	h, srv, _ := newWriteHarness(t)
	h.mustGet(rec7)
	srv.setOffline(true) // the hint still says online: the send finds out
	_, err := h.mutate(Write{Method: "PUT", URL: rec7, Body: []byte("b"), Patch: []byte("b"), NoQueue: true})
	assert.ErrorIs(t, err, ErrNetwork)
	assert.Equal(t, "a", body(h.mustGet(rec7).Body), "rolled back")

	r, err := h.client.Mutate(context.Background(), Write{Method: "PUT", URL: rec7, Body: []byte("c")})
	require.NoError(t, err)
	assert.True(t, r.Queued)
	ob, _ := h.client.Outbox(context.Background())
	require.Len(t, ob, 1)
	assert.Equal(t, 1, ob[0].Attempts)
	assert.Contains(t, ob[0].LastError, "network")
	h.client.Wait()
}

func TestBadWritesAreConfigErrors(t *testing.T) {
	h, srv, _ := newWriteHarness(t)
	for _, w := range []Write{
		{Method: "GET", URL: rec7},
		{Method: "PUT", URL: "not a url"},
		{Method: "PUT", URL: rec7, Invalidates: []string{"::"}},
	} {
		_, err := h.mutate(w)
		var ce *ConfigError
		assert.True(t, errs.Into(err, &ce), "%+v: %v", w, err)
	}
	assert.Empty(t, srv.writes())
}

func TestAffectedURLs(t *testing.T) {
	h, _, _ := newWriteHarness(t)
	m := &cache.Mutation{URL: rec7, Invalidates: []string{list, rec7}}
	got := h.client.affected(m, resp(201, "", "location", "/r/8", "content-location", "https://evil.test/r/9"))
	assert.Equal(t, []string{list, "https://api.test/r/8"}, got, "same-origin Location; never the URL itself")
	got = h.client.affected(m, resp(200, "", "location", "https://api.test/r/8?x=1", "content-location", "r/9"))
	assert.Equal(t, []string{list, "https://api.test/r/8?x=1"}, got, "absolute same-origin; relative forms are left out")
}
