package httprules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

var etagTests = []struct {
	name string
	in   string
	want ETag
	ok   bool
}{
	{"strong", `"abc"`, ETag{Tag: `"abc"`}, true},
	{"weak", `W/"abc"`, ETag{Weak: true, Tag: `"abc"`}, true},
	{"empty tag", `""`, ETag{Tag: `""`}, true},
	{"weak empty tag", `W/""`, ETag{Weak: true, Tag: `""`}, true},
	{"surrounding whitespace", " \t\"x\" ", ETag{Tag: `"x"`}, true},
	{"obs-text", "\"caf\xc3\xa9\"", ETag{Tag: "\"caf\xc3\xa9\""}, true},
	{"django md5", `"0cc175b9c0f1b6a831c399e269772661"`, ETag{Tag: `"0cc175b9c0f1b6a831c399e269772661"`}, true},
	{"lowercase w", `w/"abc"`, ETag{}, false},
	{"unquoted", `abc`, ETag{}, false},
	{"weak unquoted", `W/abc`, ETag{}, false},
	{"W slash only", `W/`, ETag{}, false},
	{"empty", ``, ETag{}, false},
	{"lone quote", `"`, ETag{}, false},
	{"unterminated", `"abc`, ETag{}, false},
	{"trailing garbage", `"abc"x`, ETag{}, false},
	{"two tags", `"a", "b"`, ETag{}, false},
	{"embedded space", `"a b"`, ETag{}, false},
	{"control char", "\"a\x01b\"", ETag{}, false},
	{"star", `*`, ETag{}, false},
	{"space after W/", `W/ "x"`, ETag{}, false},
}

func TestParseETag(t *testing.T) {
	for _, tt := range etagTests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseETag(tt.in)
			assert.Equal(t, tt.ok, ok, "ParseETag(%q) ok", tt.in)
			assert.Equal(t, tt.want, got, "ParseETag(%q) = %q, want %q", tt.in, got, tt.want)
			if ok {
				round, ok2 := ParseETag(got.String())
				assert.True(t, ok2)
				assert.Equal(t, got, round, "round trip of %q", got.String())
			}
		})
	}
}

func TestETagComparison(t *testing.T) {
	// The table of RFC 9110 §8.8.3.2.
	tests := []struct {
		name         string
		a, b         string
		strong, weak bool
	}{
		{"weak weak", `W/"1"`, `W/"1"`, false, true},
		{"weak weak different", `W/"1"`, `W/"2"`, false, false},
		{"weak strong", `W/"1"`, `"1"`, false, true},
		{"strong strong", `"1"`, `"1"`, true, true},
		{"strong strong different", `"1"`, `"2"`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, okA := ParseETag(tt.a)
			b, okB := ParseETag(tt.b)
			assert.True(t, okA && okB)
			assert.Equal(t, tt.strong, StrongMatch(a, b), "StrongMatch(%q, %q)", tt.a, tt.b)
			assert.Equal(t, tt.weak, WeakMatch(a, b), "WeakMatch(%q, %q)", tt.a, tt.b)
			assert.Equal(t, tt.weak, SameETag(tt.a, tt.b), "SameETag(%q, %q)", tt.a, tt.b)
		})
	}
	assert.False(t, WeakMatch(ETag{}, ETag{}), "zero ETags must not match")
}

func TestSameETag(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"gzip weakened", `"x"`, `W/"x"`, true},
		{"empty both", ``, ``, false},
		{"empty one", `"x"`, ``, false},
		{"malformed identical", `abc`, `abc`, true},
		{"malformed different", `abc`, `abd`, false},
		{"malformed vs valid", `abc`, `"abc"`, false},
		{"lowercase w vs strong", `w/"x"`, `"x"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, SameETag(tt.a, tt.b), "SameETag(%q, %q)", tt.a, tt.b)
		})
	}
}

var ifNoneMatchTests = []struct {
	name    string
	header  string
	current string
	ok      bool
	match   bool
}{
	{"star", `*`, `"x"`, true, true},
	{"star no current etag", `*`, ``, true, true},
	{"star padded", ` * `, `"x"`, true, true},
	{"single equal", `"x"`, `"x"`, true, true},
	{"single different", `"x"`, `"y"`, true, false},
	{"weak header strong current", `W/"x"`, `"x"`, true, true},
	{"strong header weak current", `"x"`, `W/"x"`, true, true},
	{"list second", `"a", "b", "c"`, `"b"`, true, true},
	{"list no match", `"a", "b"`, `"c"`, true, false},
	{"list no spaces", `"a","b"`, `"b"`, true, true},
	{"empty elements", `, ,"a",,`, `"a"`, true, true},
	{"comma only", `,`, `"a"`, false, false},
	{"empty", ``, `"a"`, false, false},
	{"W slash only", `W/`, `"a"`, false, false},
	{"lowercase w", `w/"x"`, `"x"`, false, false},
	{"unquoted", `x`, `x`, false, false},
	{"unquoted in list", `"a", b`, `"a"`, false, false},
	{"star in list", `*, "a"`, `"a"`, false, false},
	{"missing comma", `"a" "b"`, `"a"`, false, false},
	{"current malformed", `"a"`, `a`, true, false},
	{"current empty", `"a"`, ``, true, false},
	{"unterminated", `"a`, `"a"`, false, false},
	{"huge list", strings.Repeat(`"a", `, 2000) + `"z"`, `"z"`, true, true},
	{"10KB tag", `"` + strings.Repeat("a", 10240) + `"`, `"` + strings.Repeat("a", 10240) + `"`, true, true},
}

func TestIfNoneMatch(t *testing.T) {
	for _, tt := range ifNoneMatchTests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := ParseIfNoneMatch(tt.header)
			assert.Equal(t, tt.ok, ok, "ParseIfNoneMatch(%q) ok", tt.header)
			assert.Equal(t, tt.match, m.Matches(tt.current), "ParseIfNoneMatch(%q).Matches(%q)", tt.header, tt.current)
		})
	}
}

func FuzzIfNoneMatch(f *testing.F) {
	for _, tt := range ifNoneMatchTests {
		f.Add(tt.header, tt.current)
	}
	for _, tt := range etagTests {
		f.Add(tt.in, tt.in)
	}
	f.Fuzz(func(t *testing.T, header, current string) {
		m, ok := ParseIfNoneMatch(header)
		match := m.Matches(current)
		if !ok && match {
			t.Fatalf("malformed If-None-Match %q matched %q", header, current)
		}
		if !ok && (m.Any || len(m.Tags) > 0) {
			t.Fatalf("malformed If-None-Match %q returned %+v", header, m)
		}
		for _, tag := range m.Tags {
			if again, ok := ParseETag(tag.String()); !ok || again != tag {
				t.Fatalf("tag %q from %q does not round-trip", tag.String(), header)
			}
		}
		if e, ok := ParseETag(current); ok {
			if again, ok := ParseETag(e.String()); !ok || again != e {
				t.Fatalf("ParseETag(%q) = %+v does not round-trip", current, e)
			}
			if !WeakMatch(e, e) || StrongMatch(e, e) == e.Weak {
				t.Fatalf("comparison of %q with itself is wrong", current)
			}
		} else if match && !m.Any {
			t.Fatalf("malformed current ETag %q matched %q", current, header)
		}
	})
}
