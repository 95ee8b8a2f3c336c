package httprules

import (
	"hash/crc64"
	"strconv"
)

// crcTable is the CRC-64 (ECMA) table Fingerprint uses.
var crcTable = crc64.MakeTable(crc64.ECMA)

// Fingerprint identifies a body for change detection when the server sends
// no validator: its CRC-64 and length. It detects changes, it does not defend
// against a server forging collisions (the server is the app's own). It
// replaced SHA-256, which costs ~40 KB of brotli'd module and is several
// times slower in wasm, where a cheap phone hashes every fetched body.
func Fingerprint(body []byte) string {
	return "crc64:" + strconv.FormatUint(crc64.Checksum(body, crcTable), 16) + ":" + strconv.Itoa(len(body))
}
