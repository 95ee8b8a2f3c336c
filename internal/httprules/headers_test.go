package httprules

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStoredAndMetadataHeaders(t *testing.T) {
	h := map[string]string{
		"Content-Type": "application/json", "ETag": `"x"`, "Cache-Control": "max-age=5", "Set-Cookie": "s=1",
		"Connection": "keep-alive, X-Trace, close", "Keep-Alive": "timeout=5", "X-Trace": "abc", "TE": "trailers",
		"Transfer-Encoding": "chunked", "Upgrade": "h2c", "Proxy-Connection": "keep-alive", "Trailer": "X",
		"Date": "d", "Vary": "Accept",
	}
	assert.Equal(t, map[string]string{"content-type": "application/json", "etag": `"x"`,
		"cache-control": "max-age=5", "date": "d", "vary": "Accept"}, StoredHeaders(h))
	assert.Equal(t, map[string]string{"etag": `"x"`, "cache-control": "max-age=5", "date": "d", "vary": "Accept"},
		MetadataHeaders(h), "a 304 refreshes no content header, no hop-by-hop field, no field Connection names")
	for _, name := range []string{"connection", "te", "keep-alive", "content-length", "set-cookie", ""} {
		assert.False(t, UpdatableOn304(name), name)
	}
	assert.True(t, UpdatableOn304("x-request-id"))
}
