// Package cache keeps HTTP responses for offline-first web apps: the Entry
// model, key derivation, the freshness policy, an in-memory store and (in the
// js/wasm build) an IndexedDB store with the same behaviour.
//
// # Policy
//
// Keys name a namespace, an app version, a method and a URL (Key); a store
// keys entries under its own app version, so tabs of two releases keep their
// entries side by side. A Get never returns an entry of another app version
// (it is a miss that leaves the entry alone), nor one whose age since
// ValidatedAt has reached the TTL (exactly at the TTL is expired; a clock that
// went backwards counts as age zero), which is deleted and reported as a
// *MissError carrying the Eviction. Put enforces MaxEntries and MaxBytes by
// evicting the least recently validated entries (the last time the server
// sent or confirmed them), never the one just put. Variants of one URL (a
// response's Vary values, Entry.Vary) are stored under VariantKey keys, which
// start with the URL's key: each is an entry of its own, and Delete of the
// URL's key removes them all. Sweep removes every
// expired entry and every entry of an app version no open store uses.
// Times are kept to the millisecond.
//
// # IndexedDB schema
//
// One database (IDBOptions.DBName) at a fixed database version, 2. The app
// version is inside the keys and records, so an app release never needs an
// IndexedDB upgrade that another open tab could block. A database of version
// 1 (this package's earlier schema) is emptied and rebuilt; one of the same
// name that another program made is left alone (ErrUnavailable).
//
//   - object store "entries": records under out-of-line keys
//     ("<len(ns)>:<ns>|<len(version)>:<version>|<METHOD>|<URL>"); indexes
//     "validatedAt" (TTL sweep: upperBound(now-TTL), inclusive; least recently
//     validated eviction: ascending cursor), "version" (sweep: the ranges
//     below and above the current version) and "size" (recounting the byte
//     total without reading bodies). A namespace's entries are one key range
//     (KeyPrefix), which Clear deletes. Every eviction visits only the
//     records it removes.
//   - object store "meta": {bytes, recountedAt} under "totals": the sum of
//     the records' sizes, read and rewritten in the same readwrite
//     transaction as every put and delete. IndexedDB serialises readwrite
//     transactions on the same stores across tabs, so the total stays exact
//     with several tabs open; the start-up sweep recounts it from the size
//     index once a day, repairing any drift. The entry count is count().
//
// A record is a plain object: {schema: 3, version, validatedAt, size, meta,
// body}. version, validatedAt (milliseconds since the epoch) and size are
// what the indexes need. meta is one JSON string holding the rest -- key,
// namespace, version, URL, method, status, ETag, Last-Modified, storedAt,
// the body fingerprint, the headers and the Vary values -- so that judging a record costs one
// string crossing into Go (see meta.go); JavaScript reads the same fields
// with one JSON.parse when it serves a record itself (Database, Judge).
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
//   - A record is served only when every identity field it carries agrees
//     with the key it was read under: the meta's key, namespace, version,
//     method and URL, and the record's version. A record that does not decode
//     (not an object, a missing field, a wrong type, a body that is not an
//     ArrayBuffer or does not match size, another schema number, an identity
//     field that disagrees) is a ReasonCorrupt miss, and the record is
//     deleted. Decoding checks each value's type before reading it and never
//     panics.
//   - IndexedDB undefined, an open that fails, is blocked or times out, a
//     database another program made or upgraded past ours: OpenIndexedDB
//     returns an error matching ErrUnavailable; callers fall back to
//     NewMemory.
//   - QuotaExceededError on a put: with navigator.storage.estimate(), the
//     least recently validated entries are evicted until what the entry needs
//     is free, and an entry that could not fit even with every entry gone
//     evicts nothing (ErrTooLarge); without an estimate, 1, 4, then 16 are
//     evicted, retrying after each; then ErrQuota. The evictions are returned
//     (ReasonQuota) even with the error; nothing else is lost.
//   - Another tab deleting the database closes the connection
//     (versionchange); the next operation reopens it and retries once.
//   - Every IndexedDB wait is bounded by the caller's context and
//     IDBOptions.OpTimeout, and a context that ends is an error, never an
//     empty result; every operation is one short transaction, aborted when
//     the operation fails, so nothing is ever committed half done.
package cache
