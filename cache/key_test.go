package cache_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/cache"
)

func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"plain", "https://api.example.edu/grades", "https://api.example.edu/grades", false},
		{"fragment dropped", "https://api.example.edu/grades#term-2", "https://api.example.edu/grades", false},
		{"scheme and host lower-cased", "HTTPS://API.Example.EDU/Grades", "https://api.example.edu/Grades", false},
		{"default https port dropped", "https://api.example.edu:443/a", "https://api.example.edu/a", false},
		{"default http port dropped", "http://api.example.edu:80/a", "http://api.example.edu/a", false},
		{"other port kept", "http://localhost:8000/a", "http://localhost:8000/a", false},
		{"http port 443 kept", "http://api.example.edu:443/a", "http://api.example.edu:443/a", false},
		{"empty port dropped", "https://api.example.edu:/a", "https://api.example.edu/a", false},
		{"empty path is slash", "https://api.example.edu", "https://api.example.edu/", false},
		{"empty path with query", "https://api.example.edu?b=1&a=2", "https://api.example.edu/?b=1&a=2", false},
		{"query order kept", "https://h/x?b=2&a=1&b=1", "https://h/x?b=2&a=1&b=1", false},
		{"query escapes kept", "https://h/x?q=a%20b+c&e=%2F", "https://h/x?q=a%20b+c&e=%2F", false},
		{"path escapes kept", "https://h/a%2Fb/c%20d", "https://h/a%2Fb/c%20d", false},
		{"ipv6 default port", "https://[::1]:443/a", "https://[::1]/a", false},
		{"ipv6 other port", "http://[::1]:8080/a", "http://[::1]:8080/a", false},
		{"surrounding spaces", "  https://h/a  ", "https://h/a", false},
		{"browser keeps | ^ [ ] raw", "https://h/a|b^c[1]?x=|", "https://h/a|b^c[1]?x=|", false},
		{"space and quotes escaped as a browser does", "https://h/a b\"?q='x y'", "https://h/a%20b%22?q=%27x%20y%27", false},
		{"non-ASCII escaped as UTF-8", "https://h/é?n=é", "https://h/%C3%A9?n=%C3%A9", false},
		{"userinfo kept", "https://u:p@H/a", "https://u:p@h/a", false},
		{"bare ? kept", "https://h/a?", "https://h/a?", false},
		{"non-digit port", "https://h:x/a", "", true},
		{"space in host", "https://a b/a", "", true},
		{"relative path", "/api/grades", "", true},
		{"scheme-relative", "//api.example.edu/grades", "", true},
		{"no host", "https:///grades", "", true},
		{"other scheme", "ftp://h/a", "", true},
		{"opaque", "https:h/a", "", true},
		{"empty", "", "", true},
		{"malformed escapes kept as a browser sends them", "https://h/u/%zz/%?q=%", "https://h/u/%zz/%?q=%", false},
		{"control char", "https://h/a\x7f\x00", "", true},
		{"only port", "https://:443/a", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cache.NormalizeURL(tc.in)
			if tc.wantErr {
				require.Error(t, err, "NormalizeURL(%q) = %q", tc.in, got)
				assert.True(t, strings.HasPrefix(err.Error(), "cache: "), "error %q", err)
				assert.ErrorIs(t, err, cache.ErrBadURL)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got, "NormalizeURL(%q)", tc.in)
		})
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		name, ns, method, url string
		wantKey, wantURL      string
	}{
		{"default method", "", "", "https://h/a", "0:|2:v1|GET|https://h/a", "https://h/a"},
		{"method upper-cased", "s1", "get", "https://h/a#f", "2:s1|2:v1|GET|https://h/a", "https://h/a"},
		{"head", "s1", "HEAD", "https://h/a", "2:s1|2:v1|HEAD|https://h/a", "https://h/a"},
		{"namespace with separators", "a|GET|x", "GET", "https://h/a", "7:a|GET|x|2:v1|GET|https://h/a", "https://h/a"},
		{"unicode namespace (bytes counted)", "é", "GET", "https://h/", "2:é|2:v1|GET|https://h/", "https://h/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, u, err := cache.Key(tc.ns, "v1", tc.method, tc.url)
			require.NoError(t, err)
			assert.Equal(t, tc.wantKey, key, "Key(%q, v1, %q, %q)", tc.ns, tc.method, tc.url)
			assert.Equal(t, tc.wantURL, u)
			assert.True(t, strings.HasPrefix(key, cache.KeyPrefix(tc.ns)), "KeyPrefix(%q)", tc.ns)
		})
	}
}

func TestKeyErrors(t *testing.T) {
	for _, tc := range []struct{ name, method, url string }{
		{"relative URL", "GET", "/grades"},
		{"method with separator", "GET|x", "https://h/"},
		{"method with space", "G ET", "https://h/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := cache.Key("", "v1", tc.method, tc.url)
			require.Error(t, err)
		})
	}
}

// Namespaces and versions that could be confused by a naive "ns|version|method|url"
// join never produce the same key, and no key of one namespace starts with
// another namespace's prefix.
func TestKeyNamespacesNeverCollide(t *testing.T) {
	type req struct{ ns, version, method, url string }
	reqs := []req{
		{"", "v", "GET", "https://h/a"},
		{"a", "v", "GET", "https://h/a"},
		{"a|GET", "v", "GET", "https://h/a"},
		{"a", "v", "GET|https://h/a", "https://h/a"},
		{"1:a", "v", "GET", "https://h/a"},
		{"a:1", "v", "GET", "https://h/a"},
		{"2:a|", "v", "GET", "https://h/a"},
		{"|", "v", "GET", "https://h/a"},
		{"a|GET|https://h/a", "v", "GET", "https://h/a"},
		{"a", "v", "GET", "https://h/a?x"},
		{"a", "v", "POST", "https://h/a"},
		{"a|1:v", "", "GET", "https://h/a"},
		{"a", "v|1:x", "GET", "https://h/a"},
		{"a", "v2", "GET", "https://h/a"},
	}
	seen := map[string]req{}
	for _, r := range reqs {
		for _, other := range reqs {
			if other.ns != r.ns {
				k, _, err := cache.Key(other.ns, other.version, other.method, other.url)
				if err == nil && strings.HasPrefix(k, cache.KeyPrefix(r.ns)) {
					t.Errorf("Key(%q) starts with KeyPrefix(%q)", other, r.ns)
				}
			}
		}
		key, _, err := cache.Key(r.ns, r.version, r.method, r.url)
		if err != nil {
			continue // a method containing '|' is refused, which also avoids collisions
		}
		if prev, dup := seen[key]; dup {
			t.Errorf("Key(%q) == Key(%q) == %q", r, prev, key)
		}
		seen[key] = r
	}
	assert.GreaterOrEqual(t, len(seen), len(reqs)-1)
}

func FuzzKey(f *testing.F) {
	f.Add("ns", "v1", "GET", "https://h/a?b#c")
	f.Add("a|b", "2:x|", "post", "HTTP://H:80")
	f.Add("", "", "", "/relative")
	f.Fuzz(func(t *testing.T, ns, version, method, raw string) {
		key, u, err := cache.Key(ns, version, method, raw)
		if err != nil {
			return
		}
		if !strings.Contains(key, "|"+u) || strings.Contains(u, "#") || !strings.HasPrefix(key, cache.KeyPrefix(ns)) {
			t.Fatalf("Key(%q, %q, %q, %q) = %q, %q", ns, version, method, raw, key, u)
		}
		again, err := cache.NormalizeURL(u)
		if err != nil || again != u {
			t.Fatalf("NormalizeURL not idempotent: %q -> %q, %v", u, again, err)
		}
	})
}
