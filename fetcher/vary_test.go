//go:build !(js && wasm)

package fetcher

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Django view behind LocaleMiddleware: the body and ETag depend on
// Accept-Language, and the response says Vary: Accept-Language.
func localeHandler(gen *int, mu *sync.Mutex) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		g := *gen
		mu.Unlock()
		lang := r.Header.Get("Accept-Language")
		if lang == "" {
			lang = "en"
		}
		tag := fmt.Sprintf(`"%s-%d"`, lang, g)
		w.Header().Set("Vary", "Accept-Language, Cookie")
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"lang":%q,"gen":%d}`, lang, g)
	}
}

// Urdu and English pages of one URL are stored side by side, each served
// only to its own language and revalidated with its own ETag; invalidating
// the URL drops both.
func TestVaryKeepsVariantsApart(t *testing.T) {
	var mu sync.Mutex
	gen := 1
	h, rec, u := newInterop(t, localeHandler(&gen, &mu), nil)
	ur := WithHeader(map[string]string{"Accept-Language": "ur"})
	en := WithHeader(map[string]string{"Accept-Language": "en"})

	r, err := h.get(u, ur)
	require.NoError(t, err)
	assert.Equal(t, SourceNetwork, r.Source)
	assert.Equal(t, `{"lang":"ur","gen":1}`, body(r.Body))
	r, err = h.get(u, en)
	require.NoError(t, err)
	assert.Equal(t, SourceNetwork, r.Source, "the Urdu page is not served to an English request")
	assert.Equal(t, `{"lang":"en","gen":1}`, body(r.Body))

	for _, tc := range []struct {
		opt  GetOption
		lang string
	}{{ur, "ur"}, {en, "en"}, {ur, "ur"}} {
		r, err = h.get(u, tc.opt)
		require.NoError(t, err)
		assert.Equal(t, SourceCache, r.Source, tc.lang)
		assert.Equal(t, fmt.Sprintf(`{"lang":%q,"gen":1}`, tc.lang), body(r.Body))
		last := rec.last()
		assert.Equal(t, tc.lang, last.Get("Accept-Language"))
		assert.Equal(t, fmt.Sprintf(`"%s-1"`, tc.lang), last.Get("If-None-Match"), "the variant's own validator")
	}
	assert.Equal(t, []EventType{EventRevalidated, EventRevalidated, EventRevalidated}, types(h.take()))
	st, err := h.client.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, st.Entries, "each variant counts")

	// A change reaches each variant as its own update.
	mu.Lock()
	gen = 2
	mu.Unlock()
	h.mustGet(u)
	_, err = h.get(u, en)
	require.NoError(t, err)
	evs := h.take()
	require.Equal(t, []EventType{EventUpdate}, types(evs))
	assert.Equal(t, `{"lang":"en","gen":2}`, body(evs[0].Result.Body))
	r, err = h.get(u, ur)
	require.NoError(t, err)
	assert.Equal(t, `{"lang":"ur","gen":1}`, body(r.Body), "the Urdu copy is still Urdu")

	require.NoError(t, h.client.Invalidate(context.Background(), u))
	for _, opt := range []GetOption{ur, en} {
		r, err = h.get(u, opt)
		require.NoError(t, err)
		assert.Equal(t, SourceNetwork, r.Source, "invalidate dropped every variant")
	}
}

// Hostile and edge Vary headers: whether a second request with other
// headers is served the stored response.
func TestVaryRules(t *testing.T) {
	tests := []struct {
		name        string
		vary        string
		first, then map[string]string
		wantCached  bool
	}{
		{"Vary: * is never reused", "*", nil, nil, false},
		{"Vary: Accept, * is never reused", "Accept, *", nil, nil, false},
		{"a header absent from both requests matches", "X-Missing", nil, nil, true},
		{"absent first, present then", "X-Grade", nil, map[string]string{"X-Grade": "5"}, false},
		{"present first, absent then", "X-Grade", map[string]string{"X-Grade": "5"}, nil, false},
		{"Authorization: another user's token is not served", "Authorization",
			map[string]string{"Authorization": "Token a"}, map[string]string{"Authorization": "Token b"}, false},
		{"the same token is", "Authorization",
			map[string]string{"Authorization": "Token a"}, map[string]string{"authorization": "Token  a "}, true},
		{"Accept-Encoding is ignored (the browser decodes)", "Accept-Encoding",
			map[string]string{"Accept-Encoding": "gzip"}, map[string]string{"Accept-Encoding": "br"}, true},
		{"Cookie is ignored (the namespace keeps users apart)", "Cookie",
			map[string]string{"X-Unrelated": "1"}, map[string]string{"X-Unrelated": "2"}, true},
		{"an unrelated header may differ", "Accept",
			map[string]string{"Accept": "application/json", "X-Unrelated": "1"},
			map[string]string{"Accept": "application/json", "X-Unrelated": "2"}, true},
		{"garbage elements are skipped", `"x", , ;`, nil, map[string]string{"X": "1"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, rec, u := newInterop(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Vary", tc.vary)
				w.Header().Set("ETag", `"1"`)
				fmt.Fprint(w, "body")
			}, nil)
			_, err := h.get(u, WithHeader(tc.first))
			require.NoError(t, err)
			h.clock.Advance(time.Minute)
			r, err := h.get(u, WithHeader(tc.then))
			require.NoError(t, err)
			if tc.wantCached {
				assert.Equal(t, SourceCache, r.Source)
				assert.Equal(t, `"1"`, rec.last().Get("If-None-Match"), "revalidated with the stored validator")
			} else {
				assert.Equal(t, SourceNetwork, r.Source)
				assert.Empty(t, rec.last().Get("If-None-Match"), "a plain fetch")
			}
		})
	}
}

// Concurrent gets of one URL with different headers do not share a request
// (its response may vary on them): both requests reach the server while
// neither has been answered.
func TestConcurrentGetsWithOtherHeadersDoNotShare(t *testing.T) {
	release := make(chan struct{})
	srv := &fakeServer{handler: func(_ int, req *Request) (*Response, error) {
		<-release
		return resp(200, req.Header["Accept-Language"], "vary", "Accept-Language"), nil
	}}
	h := newHarness(t, srv, nil)
	var wg sync.WaitGroup
	langs := []string{"ur", "en"}
	bodies := make([]string, len(langs))
	for i, lang := range langs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := h.client.Get(context.Background(), testURL, WithHeader(map[string]string{"Accept-Language": lang}))
			if assert.NoError(t, err) {
				bodies[i] = body(r.Body)
			}
		}()
	}
	require.Eventually(t, func() bool { return len(srv.reqs()) == 2 }, 5*time.Second, time.Millisecond,
		"two requests in flight at once")
	close(release)
	wg.Wait()
	assert.Equal(t, langs, bodies, "each get has its own language's answer")
}
