// The physical floor: a raw IndexedDB read from plain JavaScript, no library.
//
// It stores the same thing etag-cache stores -- the response body as bytes (an ArrayBuffer) beside its validators
// and timestamps -- and a read is the least work any cache of that shape must do to hand the page parsed JSON: one
// readonly transaction, one get by key, TextDecoder + JSON.parse. No version/TTL check, no revalidation.
// mode 'object' stores the parsed value instead (structured clone, like the Dexie peer) for reference.

function req(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Opens (creating) the floor database. Returns { put(url), get(url) -> data, close() }. */
export async function openFloor({ dbName = 'floor', mode = 'bytes' } = {}) {
  const open = indexedDB.open(dbName, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('entries', { keyPath: 'key' });
  const db = await req(open);
  const decoder = new TextDecoder();

  /** Fetches url from the network and stores it the way etag-cache does. */
  async function put(url) {
    const res = await fetch(url, { cache: 'no-store' });
    const body = await res.arrayBuffer();
    const now = Date.now();
    const rec = { // the field set etag-cache's IndexedDB store writes (cache/idb_record.go)
      schema: 1, key: 'GET ' + url, url, method: 'GET', ns: '', version: 'bench',
      etag: res.headers.get('ETag') || '', lastModified: res.headers.get('Last-Modified') || '', status: res.status,
      headers: { 'content-type': res.headers.get('Content-Type') || '' },
      storedAt: now, validatedAt: now, size: body.byteLength, hash: '',
    };
    if (mode === 'object') rec.data = JSON.parse(decoder.decode(body));
    else rec.body = body;
    const tx = db.transaction('entries', 'readwrite');
    tx.objectStore('entries').put(rec);
    await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
  }

  /** Reads url's record and returns the parsed body (undefined when absent). */
  async function get(url) {
    const rec = await req(db.transaction('entries', 'readonly').objectStore('entries').get('GET ' + url));
    if (!rec) return undefined;
    return mode === 'object' ? rec.data : JSON.parse(decoder.decode(rec.body));
  }

  return { put, get, close: () => db.close() };
}
