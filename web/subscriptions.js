// subscriptions.js — one job: the per-URL listeners of one cache, subscribers (subscribe) and once-callbacks (get's
// onUpdate), and what each is handed: results, `update` results and `error` events of its URL. A subscriber never
// sees the same stored version twice and is never rolled back by a read that lost a race with a newer update.
//
// Listeners are keyed by href as it is: the href the cache resolved (options.js resolveURL) is the href the Go side
// reports results and events under, and the one other tabs relay. Nothing here re-parses URLs.

import { errorFromDetail, safeCall } from './errors.js';

/** Identity of one stored version of a response. */
function stamp(result) {
  return `${result.storedAt}|${result.etag}|${result.lastModified}|${result.status}`;
}

function addTo(map, key, value) {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom(map, key, value) {
  const set = map.get(key);
  if (set && set.delete(value) && set.size === 0) map.delete(key);
}

/** The subscribers and once-callbacks of one cache. */
export class Subscriptions {
  #read;
  #subs = new Map(); // href -> Set<{href, fn, onError, headers, stamp, storedAt, active}>
  #once = new Map(); // href -> Set<{fn}> (one entry per get, so one get's removal leaves another's alone)

  /**
   * read(href, headers) → Promise<result> reads a subscriber's URL (the cache's get, arguments already checked); its
   * rejections go to the subscriber's onError.
   */
  constructor(read) {
    this.#read = read;
  }

  /**
   * Adds a subscriber of href and reads href for it. fn gets the result, then every update of href (each stored
   * version once, none older than the last it got); onError, when given, gets the read's rejection and the `error`
   * events of href. headers go with this subscriber's reads. Returns a function that removes the subscriber; calling
   * it again does nothing.
   */
  subscribe(href, fn, { onError, headers } = {}) {
    const sub = { href, fn, onError, headers, stamp: null, storedAt: 0, active: true };
    addTo(this.#subs, href, sub);
    this.#readFor(sub);
    return () => {
      if (!sub.active) return;
      sub.active = false;
      removeFrom(this.#subs, href, sub);
    };
  }

  /** Calls fn once, with the next update of href. Returns a function that removes it (e.g. when the get failed). */
  once(href, fn) {
    const entry = { fn };
    addTo(this.#once, href, entry);
    return () => removeFrom(this.#once, href, entry);
  }

  /**
   * Reads the URL of every subscriber again, each with its own headers (the window came back online, the page became
   * visible again).
   */
  reread() {
    for (const set of this.#subs.values()) for (const sub of set) if (sub.active) this.#readFor(sub);
  }

  /** Whether href has a subscriber. */
  has(href) {
    return this.#subs.has(href);
  }

  /**
   * Reads href again for each of its subscribers (its entry was invalidated: the read fetches it). A result that is
   * another stored version than a subscriber's reaches its fn, as any read does; a failure reaches its onError.
   */
  rereadURL(href) {
    const subs = this.#subs.get(href);
    if (subs) for (const sub of [...subs]) if (sub.active) this.#readFor(sub);
  }

  /** Hands an `update` result to the once-callbacks of its URL (which are then forgotten) and to its subscribers. */
  update(result) {
    const once = this.#once.get(result.url);
    if (once) {
      this.#once.delete(result.url);
      for (const entry of once) safeCall(entry.fn, result);
    }
    const subs = this.#subs.get(result.url);
    if (subs) for (const sub of [...subs]) this.#notify(sub, result);
  }

  /**
   * Hands a result another tab fetched for a URL it had not stored (no `update` event there: nothing to compare
   * with) to the subscribers of that URL, which take it if it is another version than theirs.
   */
  fetched(result) {
    const subs = this.#subs.get(result.url);
    if (subs) for (const sub of [...subs]) this.#notify(sub, result);
  }

  /** Hands an `error` event detail, as an Error with a stable name, to the onError of its URL's subscribers. */
  error(detail) {
    const subs = this.#subs.get(detail.url);
    if (!subs) return;
    const err = errorFromDetail(detail);
    for (const sub of [...subs]) if (sub.active && sub.onError) safeCall(sub.onError, err);
  }

  /** Stops every subscriber and forgets every once-callback; reads under way deliver nothing. */
  clear() {
    for (const set of this.#subs.values()) for (const sub of set) sub.active = false;
    this.#subs.clear();
    this.#once.clear();
  }

  /** Reads sub's URL and hands the result (or the rejection) to that one subscriber. */
  #readFor(sub) {
    this.#read(sub.href, sub.headers).then(
      (result) => this.#notify(sub, result),
      (err) => {
        if (sub.active && sub.onError) safeCall(sub.onError, err);
      },
    );
  }

  /** Hands result to sub unless sub already has this version or a newer one (a read that lost a race). */
  #notify(sub, result) {
    if (!sub.active) return;
    const s = stamp(result);
    if (s === sub.stamp) return;
    if (result.storedAt > 0 && result.storedAt < sub.storedAt) return;
    sub.stamp = s;
    sub.storedAt = Math.max(sub.storedAt, result.storedAt);
    safeCall(sub.fn, result);
  }
}
