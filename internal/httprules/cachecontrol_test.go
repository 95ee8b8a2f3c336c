package httprules

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

var cacheControlTests = []struct {
	name string
	in   string
	want CacheControl // Directives not compared
}{
	{"empty", ``, CacheControl{}},
	{"no-store", `no-store`, CacheControl{NoStore: true}},
	{"no-cache", `no-cache`, CacheControl{NoCache: true}},
	{"private max-age", `private, max-age=60`, CacheControl{Private: true, HasMaxAge: true, MaxAge: time.Minute}},
	{"case-insensitive names", `No-Store, MAX-AGE=5`, CacheControl{NoStore: true, HasMaxAge: true, MaxAge: 5 * time.Second}},
	{"qualified no-cache with comma in quotes", `no-cache="set-cookie, x-foo", max-age=10`,
		CacheControl{NoCache: true, HasMaxAge: true, MaxAge: 10 * time.Second}},
	{"quoted max-age", `max-age="30"`, CacheControl{HasMaxAge: true, MaxAge: 30 * time.Second}},
	{"whitespace", "  public ,\tmax-age = 7 ,must-revalidate ", CacheControl{Public: true, MustRevalidate: true, HasMaxAge: true, MaxAge: 7 * time.Second}},
	{"duplicates same", `max-age=5, max-age=5`, CacheControl{HasMaxAge: true, MaxAge: 5 * time.Second}},
	{"duplicates conflict -> stale", `max-age=5, max-age=50`, CacheControl{HasMaxAge: true}},
	{"negative max-age", `max-age=-1`, CacheControl{HasMaxAge: true}},
	{"non-numeric max-age", `max-age=abc`, CacheControl{HasMaxAge: true}},
	{"max-age no value", `max-age=, no-store`, CacheControl{NoStore: true}},
	{"max-age overflow capped", `max-age=99999999999999999999999`, CacheControl{HasMaxAge: true, MaxAge: maxDeltaSeconds * time.Second}},
	{"unknown directives", `stale-while-revalidate=30, foo, bar="baz", immutable`, CacheControl{Immutable: true}},
	{"garbage skipped", `@@@, no-store, ===, "x", max-age=1`, CacheControl{NoStore: true, HasMaxAge: true, MaxAge: time.Second}},
	{"garbage after value", `max-age=5 junk, no-cache`, CacheControl{NoCache: true}},
	{"space-separated no-store no-cache (invalid) is read conservatively", `no-store no-cache`,
		CacheControl{NoStore: true, NoCache: true}},
	{"no-store after garbage in one element", `public no-store, max-age=60`,
		CacheControl{NoStore: true, HasMaxAge: true, MaxAge: time.Minute}},
	{"no-store inside a quoted value does not count", `private="no-store no-cache"`, CacheControl{Private: true}},
	{"NO-CACHE in capitals after junk", `junk NO-CACHE`, CacheControl{NoCache: true}},
	{"unterminated quote", `no-cache, private="abc`, CacheControl{NoCache: true}},
	{"empty elements", `,,, ,no-store,`, CacheControl{NoStore: true}},
	{"escaped quote", `foo="a\"b,c", no-store`, CacheControl{NoStore: true}},
	{"escaped quote hides no-cache", `foo="a\" no-cache", max-age=2`, CacheControl{HasMaxAge: true, MaxAge: 2 * time.Second}},
	{"no-store substring is not no-store", `no-stored, x-no-store`, CacheControl{}},
	{"10KB garbage", strings.Repeat("x=\"", 5000), CacheControl{}},
}

func TestParseCacheControl(t *testing.T) {
	for _, tt := range cacheControlTests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseCacheControl(tt.in)
			got.Directives = nil
			assert.Equal(t, tt.want, got, "ParseCacheControl(%q)", tt.in)
		})
	}
}

func TestParseCacheControlDirectives(t *testing.T) {
	got := ParseCacheControl(`Foo="a\"b", bar, foo=second, stale-if-error=60`)
	assert.Equal(t, map[string]string{"foo": `a"b`, "bar": "", "stale-if-error": "60"}, got.Directives)
}

func FuzzCacheControl(f *testing.F) {
	for _, tt := range cacheControlTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cc := ParseCacheControl(s)
		if cc.MaxAge < 0 || cc.MaxAge > maxDeltaSeconds*time.Second {
			t.Fatalf("ParseCacheControl(%q).MaxAge = %v", s, cc.MaxAge)
		}
		if cc.MaxAge != 0 && !cc.HasMaxAge {
			t.Fatalf("ParseCacheControl(%q): MaxAge without HasMaxAge", s)
		}
		if cc.NoStore && !strings.Contains(strings.ToLower(s), "no-store") {
			t.Fatalf("ParseCacheControl(%q) invented no-store", s)
		}
		for name := range cc.Directives {
			if name == "" || name != strings.ToLower(name) {
				t.Fatalf("ParseCacheControl(%q): bad directive name %q", s, name)
			}
		}
	})
}
