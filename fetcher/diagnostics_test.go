package fetcher

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestETagNotExposedWarning(t *testing.T) {
	tests := []struct {
		name     string
		origin   string
		first    *Response
		later    *Response
		urls     []string
		warnings int
		lost     bool
	}{
		{"cross-origin without validators warns once per origin", "https://app.example",
			resp(200, "a"), resp(200, "a"),
			[]string{"https://api.example/1", "https://api.example/2", "https://api.example/1"}, 1, false},
		{"cross-origin lost its etag", "https://app.example",
			resp(200, "a", "etag", `"1"`), resp(200, "a"), []string{"https://api.example/1", "https://api.example/1"}, 1, true},
		{"cross-origin with etag", "https://app.example",
			resp(200, "a", "etag", `"1"`), resp(304, ""), []string{"https://api.example/1", "https://api.example/1"}, 0, false},
		{"cross-origin with last-modified only", "https://app.example",
			resp(200, "a", "last-modified", "Tue, 01 Oct 2024 10:00:00 GMT"), resp(304, ""), []string{"https://api.example/1"}, 0, false},
		{"cross-origin empty body", "https://app.example", resp(200, ""), resp(200, ""), []string{"https://api.example/1"}, 0, false},
		{"same origin", "https://api.example", resp(200, "a"), resp(200, "a"), []string{"https://api.example:443/1"}, 0, false},
		{"unknown origin", "", resp(200, "a"), resp(200, "a"), []string{"https://api.example/1"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &fakeServer{handler: func(n int, _ *Request) (*Response, error) {
				if n == 1 {
					return tt.first, nil
				}
				return tt.later, nil
			}}
			h := newHarness(t, srv, func(o *Options) { o.Origin = tt.origin })
			for _, u := range tt.urls {
				h.mustGet(u)
			}
			var warns []Event
			for _, e := range h.take() {
				if e.Type == EventWarning {
					warns = append(warns, e)
				}
			}
			require.Len(t, warns, tt.warnings)
			if tt.warnings > 0 {
				assert.Equal(t, WarnETagNotExposed, warns[0].Code)
				assert.Contains(t, warns[0].Message, "Access-Control-Expose-Headers: ETag, Last-Modified")
				assert.Equal(t, tt.lost, strings.Contains(warns[0].Message, "lost"))
			}
		})
	}
}
