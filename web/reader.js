// reader.js — one job: the cached read at the IndexedDB floor. JavaScript does the one readonly get (the cheapest
// IndexedDB read there is) and hands the record to Go in one synchronous call, handle.judge(key, record), which
// decides (decode, identity, version, TTL, stale) and starts the background revalidation when one is due. No
// goroutine, Promise or js.Func per read on the Go side, and the body never crosses into Go. Anything judge refuses
// (absent, corrupt, expired, another version) returns null here, and the caller takes the general path
// (handle.get), which removes what must go and fetches. Reads in the 'force-cache' and 'only-if-cached' modes come
// here too (judge(key, record, mode): served without a revalidation); the other modes ask the server first.
//
// The record is the Go store's (cache/idb_record.go, schema 2): {schema, ns, version, validatedAt, size, meta, body}
// where meta is a JSON string with {url, status, etag, lastModified, storedAt, headers, ...}. Once Go has judged a
// record servable, its fields are well formed.

import { convertResult } from './body.js';

/** Verdicts of handle.judge. */
const MISS = 0;
const STALE = 2; // served stale (else 1, fresh)
const REVALIDATING = 4; // flag: the read started (or found running) the record's background revalidation

/** How many URL -> key answers are remembered (the key is Go's to derive; it only depends on the URL). */
const MAX_KEYS = 512;

/** One readonly get, as a Promise. Rejects when the connection is closed (another tab deleted the database). */
function readRecord(db, store, key) {
  return new Promise((resolve, reject) => {
    const req = db.transaction(store, 'readonly').objectStore(store).get(key);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** A Reader serves cached reads of one handle. */
export class Reader {
  #handle;
  #keys = new Map(); // href -> key, or null for a URL Go refuses
  #conn = undefined; // {db, store} from handle.database(), null when there is none; undefined: not asked yet
  #closed = false;

  constructor(handle) {
    this.#handle = handle;
  }

  /** Stops using the handle: its functions are released when the Go side closes. Reads then resolve with null. */
  close() {
    this.#closed = true;
  }

  /**
   * Resolves with the cached result for href, or null when the general path must answer. Never rejects. mode is
   * get's cache mode: 'default', or 'force-cache' / 'only-if-cached', which Go judges without a revalidation (any
   * other mode must not come here: Go refuses it, and the general path answers).
   */
  async read(href, mode = 'default') {
    try {
      return await this.#read(href, mode);
    } catch {
      return null; // e.g. the Go program exited: the general path reports it
    }
  }

  async #read(href, mode) {
    if (this.#closed) return null;
    let key = this.#keys.get(href);
    if (key === undefined) {
      key = this.#handle.key(href);
      if (this.#keys.size >= MAX_KEYS) this.#keys.clear();
      this.#keys.set(href, key);
    }
    if (key === null) return null;
    if (this.#conn === undefined) this.#conn = this.#handle.database();
    const conn = this.#conn;
    if (!conn) {
      this.#conn = undefined; // not connected now: ask again next time (the general path reconnects)
      return null;
    }
    let rec;
    try {
      rec = await readRecord(conn.db, conn.store, key);
    } catch {
      this.#conn = undefined; // closed under us: the general path reconnects, then we ask for the new one
      return null;
    }
    if (rec === undefined || this.#closed) return null;
    // The default read passes no third argument: the hot path stays as it was.
    const verdict = mode === 'default' ? this.#handle.judge(key, rec) : this.#handle.judge(key, rec, mode);
    if (typeof verdict !== 'number' || verdict === MISS) return null;
    const m = JSON.parse(rec.meta);
    return convertResult({
      url: m.url, status: m.status, etag: m.etag, lastModified: m.lastModified, source: 'cache',
      stale: (verdict & STALE) !== 0, revalidating: (verdict & REVALIDATING) !== 0,
      pending: typeof m.pending === 'string' && m.pending !== '', storedAt: m.storedAt, validatedAt: rec.validatedAt,
      contentType: m.headers['content-type'], headers: m.headers, body: rec.body,
    });
  }
}
