// The peer: the Dexie-based getCachedData a user would write instead of etag-cache (issue 5).
//
// Written from the description, as a competent user would, with no handicaps: responses are stored in Dexie 4 as
// {path, etag, timestamp, version, data} keyed by path, data being the parsed JSON (structured clone, so a cached
// read needs no JSON.parse). getCachedData serves the stored copy at once when its version matches and it is younger
// than the TTL, then fetches with If-None-Match and replaces the record on 200 (a 304 refreshes the timestamp).
// Concurrent calls are not deduplicated -- nothing in the description asks for it, and a user rarely adds it.
import Dexie from '/vendor/dexie/dexie.mjs';

/**
 * Opens the peer cache. ttl is in ms (default 7 days).
 * Returns { getCachedData(path, onUpdate?) -> Promise<{data, source, revalidation}>, db, close() }.
 * revalidation is a Promise that settles when the background fetch and store are done.
 */
export function openPeer({ dbName = 'peer-cache', version, ttl = 7 * 24 * 3600 * 1000 } = {}) {
  const db = new Dexie(dbName);
  db.version(1).stores({ responses: 'path' });

  async function revalidate(path, cached, onUpdate) {
    const headers = cached && cached.etag ? { 'If-None-Match': cached.etag } : {};
    const res = await fetch(path, { headers });
    if (res.status === 304 && cached) {
      await db.responses.update(path, { timestamp: Date.now() });
      return cached.data;
    }
    if (!res.ok) throw new Error(`peer: ${path}: HTTP ${res.status}`);
    const data = await res.json();
    await db.responses.put({ path, etag: res.headers.get('ETag'), timestamp: Date.now(), version, data });
    if (cached && onUpdate) onUpdate(data);
    return data;
  }

  async function getCachedData(path, onUpdate) {
    const cached = await db.responses.get(path);
    const usable = cached && cached.version === version && Date.now() - cached.timestamp < ttl;
    if (usable) {
      const revalidation = revalidate(path, cached, onUpdate).catch(() => undefined);
      return { data: cached.data, source: 'cache', revalidation };
    }
    const data = await revalidate(path, null, null);
    return { data, source: 'network', revalidation: Promise.resolve(data) };
  }

  return { db, getCachedData, close: () => db.close() };
}
