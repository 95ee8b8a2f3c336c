//go:build js && wasm

package cache_test

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/etagcache/etag-cache/cache"
)

// The JS face resolves URLs with the browser's `new URL(url, page)` and hands
// Go the href; NormalizeURL must give that href back unchanged, so the two
// sides agree on every URL without a second canonicaliser in JavaScript.
func TestNormalizeURLKeepsBrowserHrefs(t *testing.T) {
	inputs := []string{
		"https://API.Example.EDU:443/Grades?b=2&a=1#frag",
		"http://h:80", "http://h:8080/a/../b/./c", "https://h/a b/é/ü?q=a b&é='x'",
		"https://h/%2F%zz/%/a%20b?x=%zz&y=%", "https://h/u/%zz", "https://h/u/%", "https://h/a|b^c[1]{2}`<>\"/?x=|^`{}",
		"https://user:pa ss@h/x", "https://[::1]:443/a", "http://[2001:DB8::1]:8080/",
		"https://h/?", "https://h/a?#", "https://xn--bcher-kva.example/", "https://bücher.example/a",
		"https://h/a\\b", "HTTPS://H/%7e~%41", "https://h/;p=1?q=;",
	}
	jsURL := js.Global().Get("URL")
	for _, in := range inputs {
		u := jsURL.New(in)
		u.Set("hash", "")
		href := u.Get("href").String()
		got, err := cache.NormalizeURL(href)
		require.NoError(t, err, "NormalizeURL(%q) (from %q)", href, in)
		assert.Equal(t, href, got, "NormalizeURL(%q) (from %q)", href, in)
	}
}
