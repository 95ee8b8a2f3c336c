// Soak test ("never wrong, never leaked, never lost"): several caches and tabs through gets, subscriptions,
// invalidations, clears, closes, namespace and version changes and offline flips; then the byte total must equal the
// sum of the records, no promise may be left unsettled, and no entry of another namespace or version may ever have
// been served.
// Run: cd web && DIST_DIR=../dist node --test --test-concurrency=1 e2e/soak.test.mjs   (needs `make build` first)
// Environment: SOAK_SEED (default below; printed, so a failure reproduces), SOAK_OPS (operations per tab).
//
// Three blank pages of the demo's origin in one browser context (one IndexedDB database, shared by every cache) each
// run a seeded random loop of operations in the page. Each cache sends fetchInit headers naming its namespace and
// version to the demo server's test-only /api/_test/echo?id=N, which echoes them in the body ({ns, v, id, n}; its
// ETag moves on every 3rd request of an id), so every result served — get results, subscriber calls, onUpdate
// calls, `update` events — must name the namespace and version of the cache that served it. Meanwhile the test
// flips the context offline and back on a seeded schedule. Every operation is raced against a 15 s timer.
//
// Timing: the operations are a fixed seeded sequence per tab; a time budget stops a loop early on a slow machine
// (printed), so the run stays within 60 s.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildDemo, startServer, launchBrowser, newBlankPage, readDatabase, parseKey, waitUntil } from './harness.mjs';

const SEED = Number(process.env.SOAK_SEED || 20261122);
const OPS = Number(process.env.SOAK_OPS || 1500); // per tab
const TABS = 3;
const URLS = 10;
const BUDGET_MS = 35000; // each tab's loop stops here even if its operations are not all done
const OP_TIMEOUT_MS = 15000; // a promise unsettled this long is a failure
const DB = 'soak-e2e';

let build;
let browser;
let server;

before(async () => {
  build = await buildDemo();
  browser = await launchBrowser();
  server = await startServer(build.bin);
});

after(async () => {
  await server?.stop();
  await browser?.close();
  await build?.cleanup();
});

/** mulberry32: a small seeded PRNG (the same one runs in the pages). */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The loop one tab runs, in the page (serialised by page.evaluate: everything it uses is inside). Returns
 * {violations, counts, ops, ms, last}: violations are strings (the test fails on any), counts what happened, last
 * the last operations (for a failure's context).
 */
async function tabLoop({ seed, tab, ops, budgetMs, opTimeoutMs, dbName, urls }) {
  const { createCache } = await import('/etag-cache.js');
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const COMBOS = [['alpha', 'v1'], ['alpha', 'v2'], ['beta', 'v1'], ['beta', 'v2']];
  const violations = [];
  const counts = {};
  const count = (k) => {
    counts[k] = (counts[k] || 0) + 1;
  };
  const recent = [];
  const note = (line) => {
    recent.push(`${Math.round(performance.now() - t0)}ms ${line}`);
    if (recent.length > 40) recent.shift();
  };
  const fail = (what) => {
    violations.push(`tab ${tab}: ${what}`);
    note(`VIOLATION ${what}`);
  };
  const t0 = performance.now();

  // Offline as the page sees it: the time it went offline, or null while online; when each flip was seen. The
  // page's events lag the browser's network emulation a little either way, so a request failing while the page
  // still thinks it is online is judged at the end, against the flips seen around it (suspects).
  const net = { offlineSince: navigator.onLine ? null : performance.now(), flips: 0, seen: [] };
  const suspects = [];
  const clearAllAt = [];
  addEventListener('offline', () => {
    net.offlineSince = performance.now();
    net.flips++;
    net.seen.push(performance.now());
    count('offline event');
  });
  addEventListener('online', () => {
    net.offlineSince = null;
    net.flips++;
    net.seen.push(performance.now());
    count('online event');
  });

  // Every promise the loop starts is tracked until it settles.
  const pending = new Set();
  function track(label, promise) {
    const entry = { label, start: performance.now() };
    pending.add(entry);
    const settled = Promise.resolve(promise).then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));
    settled.then(() => pending.delete(entry));
    let timer;
    const late = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ late: true }), opTimeoutMs);
    });
    return Promise.race([settled, late]).then((res) => {
      clearTimeout(timer);
      if (res.late) fail(`unsettled after ${opTimeoutMs} ms: ${label}`);
      return res;
    });
  }

  /** Checks a result c served: its body must name c's namespace and version, and the URL's id. */
  function check(where, c, r, url) {
    const d = r && r.data;
    count(`served ${where} ${r && r.source}`);
    if (!d || d.ns !== c.ns || d.v !== c.v) {
      fail(`${where}: cache ${c.ns}/${c.v} served ${JSON.stringify(d)} (source ${r && r.source}, url ${r && r.url})`);
      return;
    }
    const id = Number(new URL(r.url).searchParams.get('id'));
    if (d.id !== id) fail(`${where}: ${r.url} served the body of id ${d.id}`);
    if (url !== undefined && r.url !== new URL(url, location.href).href) fail(`${where}: asked ${url}, got ${r.url}`);
  }

  /**
   * Classifies a rejection: the allowed ones are counted, anything else is a violation. A get still in flight when
   * its cache was closed may reject (how it is named is lifecycle.test.mjs's business: counted here by message);
   * offline, a read with nothing cached rejects with NetworkError.
   */
  function rejected(where, c, err, { offlineOK, start }) {
    const name = err && err.name;
    if (name === 'NetworkError' && offlineOK) return count(`${where} NetworkError (offline)`);
    if (name === 'NetworkError' && start !== undefined && /Failed to fetch/.test(err.message)) {
      suspects.push({ start, end: performance.now(), what: `${where} rejected ${name}: ${err.message} (cache ${c.ns}/${c.v})` });
      return count(`${where} NetworkError (suspect: online as far as the page knew)`);
    }
    if (c.closed && (name === 'EtagCacheError' || name === 'NetworkError')) {
      return count(`${where} cut by close: ${name}: ${String(err.message).replace(/"?https?:\/\/\S+/g, 'URL')}`);
    }
    fail(`${where} rejected ${name}: ${err && err.message} (cache ${c.ns}/${c.v}${c.closed ? ', closed' : ''}, ` +
      `offline ${net.offlineSince !== null}, flips ${net.flips})`);
  }

  let gen = 0;
  async function open(ns, v) {
    const label = `createCache ${ns}/${v}`;
    note(label);
    const res = await track(label, createCache({
      version: v, namespace: ns, dbName, fetchInit: { headers: { 'X-Namespace': ns, 'X-App-Version': v } },
    }));
    if (!res.ok) {
      fail(`${label} rejected ${res.error && res.error.name}: ${res.error && res.error.message}`);
      return null;
    }
    const c = { cache: res.value, ns, v, id: ++gen, subs: [], closed: false, keepUntil: 0, openedAt: performance.now() };
    c.cache.addEventListener('update', (e) => {
      if (c.closed) fail(`update event after close (${c.ns}/${c.v})`);
      check('update event', c, e.detail);
    });
    c.cache.addEventListener('error', (e) => {
      count(`error event ${e.detail.kind}`);
      if (e.detail.kind === 'storage') fail(`storage error event (${c.ns}/${c.v}): ${e.detail.message}`);
    });
    c.cache.addEventListener('evict', (e) => count(`evict ${e.detail.reason}`));
    c.cache.addEventListener('warning', (e) => {
      count(`warning ${e.detail.code}`);
      if (e.detail.code !== 'module-unavailable') fail(`warning ${e.detail.code}: ${e.detail.message}`);
    });
    count(`open ${ns}/${v}`);
    return c;
  }

  /** A get of c, checked; awaited or not (fired: overlapping with what follows, close included). */
  function get(c, url, fired) {
    const start = performance.now();
    const flips = net.flips;
    const offlineAtStart = net.offlineSince;
    const withUpdate = rnd() < 0.3;
    const init = withUpdate ? { onUpdate: (r) => check('onUpdate', c, r, url) } : {};
    let p;
    try {
      p = c.cache.get(url, init);
    } catch (err) {
      p = Promise.reject(err);
    }
    return track(`get ${url} (${c.ns}/${c.v}${fired ? ', fired' : ''})`, p).then((res) => {
      if (res.late) return;
      // Offline throughout (since at least 1 s before it started: no request of an earlier online moment can be
      // shared with it), a result from the network is impossible.
      const offlineThroughout = offlineAtStart !== null && start - offlineAtStart > 1000 && net.flips === flips;
      if (res.ok) {
        check(fired ? 'fired get' : 'get', c, res.value, url);
        if (res.value.source === 'network' && offlineThroughout) fail(`get ${url}: network data while offline`);
      } else {
        rejected('get', c, res.error, {
          offlineOK: offlineAtStart !== null || net.flips !== flips || net.offlineSince !== null, start,
        });
      }
    });
  }

  let cur = await open(...COMBOS[Math.floor(rnd() * COMBOS.length)]);
  const firstStorage = cur && cur.cache.storage;
  let done = 0;
  for (; done < ops && performance.now() - t0 < budgetMs; done++) {
    const x = rnd();
    const url = `/api/_test/echo?id=${Math.floor(rnd() * urls)}`;
    if (!cur) break;
    const c = cur;
    if (x < 0.34) {
      note(`get ${url}`);
      await get(c, url, false);
    } else if (x < 0.48) {
      note(`fire get ${url}`);
      get(c, url, true);
    } else if (x < 0.58) {
      if (c.subs.length < 3) {
        note(`subscribe ${url}`);
        const sub = { url, active: true };
        try {
          const off = c.cache.subscribe(url, (r) => {
            if (!sub.active) fail(`subscriber of ${url} called after unsubscribe/close`);
            check('subscriber', c, r, url);
          }, {
            onError: (err) => {
              if (!sub.active) fail(`onError of ${url} called after unsubscribe/close`);
              count(`subscriber error ${err.name}`);
              if (err.name !== 'NetworkError') fail(`subscriber of ${url}: ${err.name}: ${err.message}`);
            },
          });
          sub.off = () => {
            sub.active = false;
            off();
          };
          c.subs.push(sub);
          count('subscribe');
        } catch (err) {
          fail(`subscribe threw ${err.name}: ${err.message}`);
        }
      }
    } else if (x < 0.64) {
      if (c.subs.length > 0) {
        const i = Math.floor(rnd() * c.subs.length);
        note(`unsubscribe ${c.subs[i].url}`);
        c.subs.splice(i, 1)[0].off();
        count('unsubscribe');
      }
    } else if (x < 0.74) {
      note(`invalidate ${url}`);
      const res = await track(`invalidate ${url}`, c.cache.invalidate(url));
      if (res.ok) count('invalidate');
      else if (!res.late) rejected('invalidate', c, res.error, { offlineOK: false });
    } else if (x < 0.76) {
      const all = rnd() < 0.25;
      note(`clear${all ? ' all' : ''}`);
      const from = Date.now();
      const res = await track(`clear ${all}`, c.cache.clear({ all }));
      if (all) clearAllAt.push([from, Date.now()]); // a clear of everything is an exact recount: it stamps recountedAt
      if (res.ok) count(all ? 'clear all' : 'clear');
      else if (!res.late) rejected('clear', c, res.error, { offlineOK: false });
    } else if (x < 0.83) {
      note('stats');
      const res = await track('stats', c.cache.stats());
      if (res.ok) {
        const st = res.value;
        if (!(Number.isInteger(st.entries) && st.entries >= 0 && Number.isInteger(st.bytes) && st.bytes >= 0)) {
          fail(`stats: ${JSON.stringify(st)}`);
        }
        count('stats');
      } else if (!res.late) rejected('stats', c, res.error, { offlineOK: false });
    } else if (x < 0.85 && done >= c.keepUntil) {
      // Close (with whatever is in flight) and reopen as another namespace or version. Some caches are kept for a
      // while (keepUntil): they live past their start-up sweep (3 s after createCache), which removes the entries of
      // versions no open tab uses.
      // Tab 0 takes any other combination; tabs 1 and 2 keep to v1 mostly (v2 weighs 1/8 of v1), so now and then
      // no tab has v2 open and a start-up sweep finds v2 entries to remove.
      const others = COMBOS.filter(([ns, v]) => ns !== c.ns || v !== c.v)
        .flatMap((x) => (tab !== 0 && x[1] === 'v1' ? [x, x, x, x, x, x, x, x] : [x]));
      const [ns, v] = others[Math.floor(rnd() * others.length)];
      note(`close ${c.ns}/${c.v}, reopen ${ns}/${v}`);
      for (const sub of c.subs) sub.active = false;
      c.closed = true;
      const res = await track(`close ${c.ns}/${c.v}`, c.cache.close());
      if (!res.ok && !res.late) fail(`close rejected ${res.error && res.error.name}: ${res.error && res.error.message}`);
      count('close');
      if (performance.now() - c.openedAt > 3500) count('close of a cache past its start-up sweep');
      cur = await open(ns, v);
      if (cur) cur.keepUntil = done + (rnd() < 0.4 ? 300 : 0);
    } else if (x >= 0.85) {
      const ms = Math.floor(rnd() * 100);
      note(`sleep ${ms}`);
      await new Promise((r) => setTimeout(r, ms));
    }
  }

  const looped = { ops: done, ms: Math.round(performance.now() - t0), firstStorage };
  window.__soakFinish = finish;
  return looped;

  // The end, once the test has put the context back online: read every URL once (so the database holds something
  // to add up), close the cache, then every promise started must settle (each within opTimeoutMs of its start).
  async function finish() {
    if (cur) {
      for (let id = 0; id < urls; id++) await get(cur, `/api/_test/echo?id=${id}`, false);
      for (const sub of cur.subs) sub.active = false;
      cur.closed = true;
      const res = await track(`final close ${cur.ns}/${cur.v}`, cur.cache.close());
      if (!res.ok && !res.late) fail(`final close rejected: ${res.error && res.error.message}`);
    }
    const deadline = performance.now() + opTimeoutMs;
    while (pending.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // A request that failed while the page thought it was online is fine only next to a flip (within 1 s).
    for (const x of suspects) {
      if (!net.seen.some((at) => at > x.start - 1000 && at < x.end + 1000)) fail(`${x.what}, with no flip near it`);
    }
    for (const e of pending) fail(`still unsettled at the end: ${e.label} (started at ${Math.round(e.start - t0)} ms)`);
    return { ...looped, violations, counts, last: recent, clearAllAt };
  }
}

test(`soak: ${TABS} tabs × ${OPS} seeded operations (seed ${SEED}) with offline flips: never wrong, never leaked, ` +
  'never lost', { timeout: 60000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (SOAK_SEED=${SEED} reproduces this run), ${OPS} operations per tab, budget ${BUDGET_MS} ms`);
  const started = Date.now();
  const context = await browser.newContext();
  try {
    // Tab 0 is a first visit (the module not in the HTTP cache: its caches serve gets from the network until the
    // module is there); it loads the module, and the other tabs are then reloaded: repeat visits.
    const tabs = [];
    for (let i = 0; i < TABS; i++) tabs.push(await newBlankPage(context, server.url));
    // Its cache, on the soak's database, lives past its start-up sweep, which does the database's daily recount of
    // the byte total now: none happens during the run, so the total checked at the end is the bookkeeping's own,
    // not a repair.
    await tabs[0].page.evaluate((dbName) => import('/etag-cache.js').then(async ({ createCache }) => {
      const c = await createCache({ version: 'v1', namespace: 'alpha', dbName });
      await c.stats();
      window.__warmUp = c;
    }), DB);
    const recountedAt = await waitUntil(async () => (await readDatabase(tabs[0].page, DB)).totals?.recountedAt,
      'the start-up sweep\'s recount', 15000);
    await tabs[0].page.evaluate(() => window.__warmUp.close());
    for (const { page } of tabs.slice(1)) await page.reload();

    // The offline flips, on their own seeded schedule, until every loop is done.
    const flipRnd = prng(SEED ^ 0x5eed);
    let running = true;
    let offline = false;
    let flips = 0;
    const flipping = (async () => {
      while (running) {
        await new Promise((r) => setTimeout(r, (offline ? 400 : 900) + Math.floor(flipRnd() * 1500)));
        if (!running) break;
        offline = !offline;
        flips++;
        await context.setOffline(offline);
      }
      await context.setOffline(false);
    })();

    try {
      await Promise.all(tabs.map(({ page }, i) => page.evaluate(tabLoop, {
        seed: (SEED * 31 + i) >>> 0, tab: i, ops: OPS, budgetMs: BUDGET_MS, opTimeoutMs: OP_TIMEOUT_MS, dbName: DB,
        urls: URLS,
      })));
    } finally {
      running = false;
      await flipping;
    }
    const loopsMs = Date.now() - started;
    for (const { page } of tabs) await page.waitForFunction(() => navigator.onLine);
    const results = await Promise.all(tabs.map(({ page }) => page.evaluate(() => window.__soakFinish())));

    const violations = results.flatMap((r) => r.violations);
    const counts = {};
    for (const r of results) for (const [k, n] of Object.entries(r.counts)) counts[k] = (counts[k] || 0) + n;
    t.diagnostic(`loops: ${results.map((r, i) => `tab ${i} (first cache: ${r.firstStorage}) ${r.ops}/${OPS} ops in ` +
      `${r.ms} ms`).join('; ')}; ` +
      `${flips} offline flips; ${loopsMs} ms`);
    t.diagnostic(`counts:\n  ${Object.entries(counts).sort().map(([k, n]) => `${k}: ${n}`).join('\n  ')}`);
    for (const [i, r] of results.entries()) {
      if (r.violations.length > 0) t.diagnostic(`tab ${i}'s last operations:\n  ${r.last.join('\n  ')}`);
    }

    // Every cache is closed: the database itself must add up, and hold only bodies of the key's namespace/version.
    const db = await readDatabase(tabs[0].page, DB, { withBodies: true });
    const perCombo = {};
    for (const e of db.entries) {
      const k = parseKey(e.key);
      perCombo[`${k.ns}/${k.version}`] = (perCombo[`${k.ns}/${k.version}`] || 0) + 1;
    }
    t.diagnostic(`database: ${db.entries.length} records ${JSON.stringify(perCombo)}, body bytes ${db.bodyBytes}, ` +
      `size fields ${db.sizes}, totals ${JSON.stringify(db.totals)} (recounted ` +
      `${db.totals?.recountedAt === recountedAt ? 'by the warm-up\'s sweep' : 'by a clear of everything'})`);
    const leaked = db.entries.filter((e) => {
      const k = parseKey(e.key);
      return !e.body || e.body.ns !== k.ns || e.body.v !== k.version || e.version !== k.version ||
        String(e.body.id) !== new URL(k.url).searchParams.get('id');
    });

    assert.deepEqual(violations, [], 'no wrong, leaked or unsettled result');
    assert.deepEqual(leaked.map((e) => [e.key, e.body]), [], 'every record holds its own namespace\'s and version\'s body');
    assert.ok(db.entries.every((e) => e.bodyBytes === e.size), 'every record\'s size is its body\'s length');
    assert.ok(db.totals, 'the totals record exists');
    assert.equal(db.totals.bytes, db.bodyBytes, 'the byte total equals the sum of the records');
    // No sweep recounted during the run (recountedAt is the warm-up's, or the time of a clear of everything, which
    // is a count too): the total was kept by the bookkeeping, not repaired.
    const clears = results.flatMap((r) => r.clearAllAt);
    assert.ok(db.totals.recountedAt === recountedAt || clears.some(([a, b]) => db.totals.recountedAt >= a &&
      db.totals.recountedAt <= b), `recountedAt ${db.totals.recountedAt}: the warm-up's ${recountedAt} or a clear's`);
    assert.ok(results.every((r) => r.ops > OPS / 3), 'each tab got through a fair share of its operations');
    assert.ok(counts['served get cache'] > 0 && counts['served get network'] > 0, 'reads were served both ways');
    assert.ok(flips >= 4, 'the context went offline and back a few times');
    for (const { pageErrors } of tabs) assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
    t.diagnostic(`soak took ${Date.now() - started} ms`);
  }
});
