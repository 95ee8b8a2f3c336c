package cache

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleMeta() meta {
	return meta{
		Key: "3:u:1|GET|https://h/a", Namespace: "u:1", Version: "v3", URL: "https://h/a?q=é", Method: "GET",
		Status: 200, ETag: `W/"x\"y"`, LastModified: "Tue, 01 Oct 2024 10:00:00 GMT", StoredAt: 1_700_000_000_123,
		Hash: "crc64:ab:3", Header: map[string]string{"content-type": "application/json", "x-odd": "a\tb\x01\\\"ü"},
		Pending: "m-1",
	}
}

func TestMetaRoundTrip(t *testing.T) {
	m := sampleMeta()
	s := m.encode()
	var viaJSON map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &viaJSON), "encode must write JSON: %s", s)
	assert.Equal(t, "u:1", viaJSON["ns"])
	assert.Equal(t, "a\tb\x01\\\"ü", viaJSON["headers"].(map[string]any)["x-odd"])
	got, err := decodeMeta(s)
	require.NoError(t, err)
	assert.Equal(t, m, got)

	// What JSON.stringify would write for the same object decodes too.
	std, err := json.Marshal(m)
	require.NoError(t, err)
	got, err = decodeMeta(string(std))
	require.NoError(t, err)
	assert.Equal(t, m, got)
}

func TestMetaEntry(t *testing.T) {
	m := sampleMeta()
	e := m.entry()
	assert.Equal(t, time.UnixMilli(m.StoredAt), e.StoredAt)
	assert.Equal(t, m, metaOf(e, "v3"))
}

func TestDecodeMetaHostile(t *testing.T) {
	good := sampleMeta().encode()
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"not an object", `"x"`},
		{"array", `[]`},
		{"missing key", strings.Replace(good, `"key":`, `"kei":`, 1)},
		{"missing headers", `{"key":"k","ns":"","version":"v","url":"u","status":200,"storedAt":1}`},
		{"status string", strings.Replace(good, `"status":200`, `"status":"200"`, 1)},
		{"status fraction", strings.Replace(good, `"status":200`, `"status":200.5`, 1)},
		{"status out of range", strings.Replace(good, `"status":200`, `"status":1000`, 1)},
		{"storedAt beyond 2^53", strings.Replace(good, `"storedAt":1700000000123`, `"storedAt":1e300`, 1)},
		{"header not a string", `{"key":"k","ns":"","version":"v","url":"u","status":200,"storedAt":1,"headers":{"a":1}}`},
		{"trailing data", good + "x"},
		{"truncated", good[:len(good)-3]},
		{"bad escape", `{"key":"\q"}`},
		{"short unicode escape", `{"key":"\u12"}`},
		{"raw control char", "{\"key\":\"a\x01\"}"},
		{"too deep", `{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`},
		{"duplicate-free garbage", `{"key":"k",,}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeMeta(tc.in)
			require.Error(t, err, "decodeMeta(%q)", tc.in)
			assert.ErrorContains(t, err, "cache: malformed meta")
		})
	}
}

func TestDecodeMetaSkipsUnknownFields(t *testing.T) {
	in := `{"future":{"a":[1,true,null,"x",{"b":-2.5e3}]},"key":"k","ns":"","version":"v","url":"u",` +
		`"status":200,"storedAt":-5,"headers":{},"more":false}`
	m, err := decodeMeta(in)
	require.NoError(t, err)
	assert.Equal(t, "k", m.Key)
	assert.Equal(t, int64(-5), m.StoredAt)
	assert.Equal(t, map[string]string{}, m.Header)
}

func FuzzMeta(f *testing.F) {
	f.Add(sampleMeta().encode())
	f.Add(`{"key":"k","ns":"","version":"v","url":"u","status":200,"storedAt":1,"headers":{"a":"\ud83d\ude00"}}`)
	f.Add(`{"key":"\ud800","ns":"","version":"v","url":"u","status":0,"storedAt":0,"headers":{}}`)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := decodeMeta(s)
		if err != nil {
			return
		}
		again, err := decodeMeta(m.encode())
		if err != nil {
			t.Fatalf("decodeMeta(encode(%q)): %v", s, err)
		}
		if len(again.Header) == 0 && len(m.Header) == 0 {
			again.Header, m.Header = nil, nil
		}
		if !assert.ObjectsAreEqual(m, again) {
			t.Fatalf("round trip of %q: %+v != %+v", s, m, again)
		}
	})
}
