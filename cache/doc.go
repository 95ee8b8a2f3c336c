// Package cache keeps HTTP responses for offline-first web apps: the Entry
// model, key derivation, the freshness policy, an in-memory store and (in the
// js/wasm build) an IndexedDB store with the same behaviour.
//
// # Policy
//
// A Get never returns an entry written under another app version, nor one
// whose age since ValidatedAt has reached the TTL (exactly at the TTL is
// expired; a clock that went backwards counts as age zero). Such entries are
// deleted and reported as a *MissError carrying the Eviction. Put enforces
// MaxEntries and MaxBytes by evicting the least recently validated entries,
// never the one just put. Sweep removes every expired and other-version entry.
// Times are kept to the millisecond.
//
// # IndexedDB schema
//
// One database (IDBOptions.DBName) at a fixed schema version, 1. The app
// version is a field of each record, so an app release never needs an
// IndexedDB upgrade that another open tab could block.
//
//   - object store "entries": records under out-of-line keys (Key); indexes
//     "validatedAt" (TTL sweep: upperBound(now-TTL), inclusive; least recently
//     validated eviction: ascending cursor), "version" (sweep: the ranges
//     below and above the current version) and "ns" (Clear(namespace)). Every
//     eviction visits only the records it removes.
//   - object store "meta": {bytes: n} under "totals", the sum of the body
//     sizes, read and rewritten in the same readwrite transaction as every
//     put and delete. IndexedDB serialises readwrite transactions on the same
//     stores across tabs, so the total stays exact with several tabs open.
//     The entry count is the object store's count(). Records written by other
//     programs are counted with their "size" field when it is a valid number.
//
// A record is a plain object with readable fields: schema (1), key, url,
// method, ns, version, etag, lastModified, status, headers (an object of
// lower-case names to strings), storedAt and validatedAt (milliseconds since
// the epoch, numbers, so the index orders them), size, hash and body.
//
// The body is stored as an ArrayBuffer, not a string or a parsed object:
//
//   - it is binary-safe: any response (JSON, images, gzip) round-trips byte
//     for byte, and size is exact;
//   - IndexedDB clones an ArrayBuffer with a memcpy, where a structured object
//     costs a walk of the whole graph on every write and read, and a string
//     needs a UTF-8 to UTF-16 conversion in each direction (crossing into Go,
//     a 1 MiB string costs about 5.7 ms against 13 µs for bytes);
//   - Get hands the stored ArrayBuffer back as a *JSBody, so a cached read
//     goes from IndexedDB to JavaScript without ever copying the body through
//     Go memory; decoding JSON there (TextDecoder plus JSON.parse) is fast, and
//     Response/Blob accept an ArrayBuffer directly. Bytes() copies into Go only
//     when Go needs the bytes.
//
// Put stores a *JSBody's ArrayBuffer as is (the fetch transport produces
// them) and copies other bodies into a new one.
//
// # Bad input and faults
//
//   - A record that does not decode (not an object, a missing field, a wrong
//     type, a body that is not an ArrayBuffer or does not match size, another
//     schema number, a key field that differs from its key) is a
//     ReasonCorrupt miss, and the record is deleted. Decoding checks each
//     value's type before reading it and never panics.
//   - IndexedDB undefined, an open that fails, is blocked or times out:
//     OpenIndexedDB returns an error matching ErrUnavailable; callers fall
//     back to NewMemory.
//   - QuotaExceededError on a put: evict 1, 4, then 16 least recently
//     validated entries, retrying after each; then ErrQuota. The evictions are
//     returned (ReasonQuota) even with the error; nothing else is lost.
//   - Another tab deleting or upgrading the database closes the connection
//     (versionchange); the next operation reopens it and retries once.
//   - Every IndexedDB wait is bounded by the caller's context and
//     IDBOptions.OpTimeout; every operation is one short transaction.
package cache
