package httprules

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseVary(t *testing.T) {
	tests := []struct {
		in    string
		names []string
		star  bool
	}{
		{"", nil, false},
		{"Accept-Language", []string{"accept-language"}, false},
		{"accept, Accept-Language ,ACCEPT", []string{"accept", "accept-language"}, false},
		{"*", nil, true},
		{"Accept, *", []string{"accept"}, true},
		{"Accept-Encoding", nil, false},                                     // the browser decodes
		{"Cookie, Origin, Sec-Fetch-Mode, Proxy-Authorization", nil, false}, // the browser's own
		{"Authorization", []string{"authorization"}, false},
		{"X-Namespace,,  ,X-App-Version", []string{"x-app-version", "x-namespace"}, false},
		{"bad name, \"quoted\", ok", []string{"ok"}, false}, // not tokens: skipped
		{"\x00\xff", nil, false},
	}
	for _, tc := range tests {
		names, star := ParseVary(tc.in)
		assert.Equal(t, tc.names, names, "%q", tc.in)
		assert.Equal(t, tc.star, star, "%q", tc.in)
	}
}

func TestVaryValuesAndMatches(t *testing.T) {
	names := []string{"accept-language", "authorization"}
	stored := VaryValues(names, map[string]string{"Accept-Language": "ur-PK,  en;q=0.5", "X-Other": "1"})
	assert.Equal(t, map[string]string{"accept-language": "ur-PK, en;q=0.5", "authorization": ""}, stored)
	assert.Nil(t, VaryValues(nil, map[string]string{"a": "b"}))

	tests := []struct {
		name   string
		header map[string]string
		want   bool
	}{
		{"same values, other case and spacing", map[string]string{"accept-language": "ur-PK, en;q=0.5 "}, true},
		{"another language", map[string]string{"Accept-Language": "en"}, false},
		{"absent where it was present", map[string]string{}, false},
		{"present where it was absent", map[string]string{"Accept-Language": "ur-PK, en;q=0.5", "Authorization": "Token x"}, false},
		{"an unrelated header differs", map[string]string{"Accept-Language": "ur-PK, en;q=0.5", "X-Other": "2"}, true},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, VaryMatches(stored, tc.header), tc.name)
	}
	assert.True(t, VaryMatches(nil, map[string]string{"anything": "x"}), "no vary matches every request")
}

// FuzzVary: parsing never panics; the names are sorted, unique, lower-case
// tokens; the values of a request match themselves.
func FuzzVary(f *testing.F) {
	for _, s := range []string{"", "*", "Accept-Language, Accept", "a,,b, a", "Cookie", "\x00", "x y"} {
		f.Add(s, "en")
	}
	f.Fuzz(func(t *testing.T, v, value string) {
		names, _ := ParseVary(v)
		if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
			t.Fatalf("names %q not sorted and unique", names)
		}
		hdr := map[string]string{}
		for _, n := range names {
			if n != strings.ToLower(n) || !isToken(n) || ignoredVary(n) {
				t.Fatalf("name %q", n)
			}
			hdr[strings.ToUpper(n)] = value
		}
		stored := VaryValues(names, hdr)
		if !VaryMatches(stored, hdr) {
			t.Fatalf("%q with %q does not match itself", names, value)
		}
	})
}
