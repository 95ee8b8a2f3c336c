// Turns the raw results of run.js into markdown tables (the output of `make bench` and the body of BENCHMARKS.md).
import { summary, median, pairedRatio } from './stats.js';

const ms = (x) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : '–');
const ratio = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const kb = (b) => (Number.isFinite(b) ? `${(b / 1024).toFixed(1)} KB` : '–');
const mb = (b) => (Number.isFinite(b) ? `${(b / 1048576).toFixed(1)} MB` : '–');
const size = (b) => (b >= 1048576 ? `${b / 1048576} MB` : b >= 1024 ? `${b / 1024} KB` : `${b} B`);
const row = (cells) => `| ${cells.join(' | ')} |`;
const head = (cells) => [row(cells), row(cells.map(() => '---'))];
const min = (xs) => Math.min(...xs.filter(Number.isFinite));
const max = (xs) => Math.max(...xs.filter(Number.isFinite));

// Warm-read targets of "Speed where our users feel it" (they replace issue 5's 100 KB ones): ours ÷ Dexie peer and
// ours ÷ raw IndexedDB, per body size.
const WARM_TARGETS = { 1024: { peer: 0.8, raw: 1.8 }, 102400: { peer: 0.7, raw: 1.2 }, 1048576: { raw: 1.0 } };

/** Returns {md, targets}: the markdown report and the target checks. */
export function report(res) {
  const lines = [];
  const targets = [];
  const target = (figure, want, value, ok, shown) => targets.push({ figure, want, value, ok, shown: shown ?? ratio(value) });

  if (res.warm) {
    lines.push('### 1. Warm cached read (ms, `get(url)` → parsed data, module loaded)', '');
    if (!res.warm.isolated) lines.push('_page was not cross-origin isolated: timer resolution 100 µs_', '');
    lines.push(...head(['body', 'ours median', 'ours p95', 'raw IDB median', 'raw IDB (object) median',
      'Dexie peer median', 'peer p95', 'n', 'ours ÷ raw IDB', 'ours ÷ peer']));
    for (const [sz, r] of Object.entries(res.warm.sizes)) {
      const s = r.samples;
      const o = summary(s.ours);
      const rf = pairedRatio(s.ours, s.floor);
      const rp = pairedRatio(s.ours, s.peer);
      lines.push(row([size(+sz), ms(o.median), ms(o.p95), ms(median(s.floor)), ms(median(s.floorObject)),
        ms(median(s.peer)), ms(summary(s.peer).p95), o.n, ratio(rf), ratio(rp)]));
      const want = WARM_TARGETS[sz] || {};
      if (want.peer) target(`warm read ${size(+sz)}: ours ÷ Dexie peer`, `≤ ${want.peer.toFixed(1)}`, rp, rp <= want.peer);
      if (want.raw) target(`warm read ${size(+sz)}: ours ÷ raw IndexedDB`, `≤ ${want.raw.toFixed(1)}`, rf, rf <= want.raw);
    }
    lines.push('', 'Ratios are medians of per-round ratios (each round reads once with every implementation, order rotating).', '');
  }

  if (res.cold) {
    lines.push('### 2. Cold start (ms, navigation start → first cached data, repeat visit, fresh tab)', '');
    lines.push(...head(['CPU', 'ours median', 'ours p95', 'peer median', 'peer p95', 'n', 'ours ÷ peer',
      'ours phases: script / import / compiled / instantiated / createCache / get (median, ms since navigation)']));
    for (const [k, r] of Object.entries(res.cold)) {
      const o = r.ours.map((v) => v.marks.data);
      const p = r.peer.map((v) => v.marks.data);
      const rp = pairedRatio(o, p);
      const ph = ['script', 'imported', 'compiled', 'instantiated', 'opened', 'data'].map((m) => ms(median(r.ours.map((v) => v.marks[m])))).join(' / ');
      lines.push(row([k.replace('cpu', '') + '×', ms(median(o)), ms(summary(o).p95), ms(median(p)), ms(summary(p).p95),
        o.length, ratio(rp), ph]));
      target(`cold start (CPU ${k.replace('cpu', '')}×): ours ÷ Dexie peer`, '≤ 1.3', rp, rp <= 1.3);
    }
    const nonCache = Object.values(res.cold).flatMap((r) => [...r.ours, ...r.peer]).filter((v) => v.source !== 'cache').length;
    lines.push('', `Visits whose data did not come from the cache: ${nonCache}.`, '');
  }

  if (res.transfer) {
    const { module: m, floorModule: f, wire } = res.transfer;
    const bytes = (b) => `${b} (${kb(b)})`;
    lines.push('### 3. Transfer', '');
    lines.push(...head(['module (bytes)', 'raw', 'gzip -9', 'brotli 11']));
    lines.push(row(['etag-cache.wasm', bytes(m.raw), bytes(m.gzip), bytes(m.brotli)]));
    if (f) {
      lines.push(row(['floor module (syscall/js + go-indexeddb, one get)', bytes(f.raw), bytes(f.gzip), bytes(f.brotli)]));
      lines.push(row(['ours ÷ floor', ratio(m.raw / f.raw), ratio(m.gzip / f.gzip), ratio(m.brotli / f.brotli)]));
      const rb = m.brotli / f.brotli;
      target('module brotli ÷ floor module brotli', '≤ 1.05', rb, rb <= 1.05, `${ratio(rb)} (${kb(m.brotli)} ÷ ${kb(f.brotli)})`);
    }
    lines.push('');
    if (f) {
      lines.push('The floor module (`web/bench/floor`, built in this run with the flags of `make build`) opens a database, ' +
        'runs one readonly transaction, gets one key and hands the value to a JS callback: the least a Go module ' +
        `reading IndexedDB through go-indexeddb links. It ran in the bench page and read its value back` +
        (f.run ? ` (${ms(f.run.ms)} ms from instantiate to value).` : '.'), '');
    }
    lines.push(...head(['100 KB JSON resource', 'fetch: bytes on the wire', 'revalidate unchanged: bytes on the wire']));
    for (const kind of ['ours', 'peer']) {
      const f = wire[`${kind}.fetch`];
      const v = wire[`${kind}.revalidate`];
      lines.push(row([kind, `${f.bytes} (${f.requests} req, ${f.status.join(',')})`,
        `${v.bytes} (${v.requests} req, ${v.status.join(',')})`]));
    }
    const rv = wire['ours.revalidate'];
    target('revalidating unchanged 100 KB (bytes on the wire)', '≤ 1 KB', rv.bytes,
      rv.requests === 1 && rv.bytes <= 1024, `${rv.bytes} B`);
    lines.push('', '`encodedDataLength` from the DevTools protocol (headers + body as received; HTTP/1.1; API bodies are never ' +
      'compressed).', '');
  }

  if (res.slow3g) {
    lines.push('### 4. Slow 3G repeat visit (ms, navigation start → first data; 400 ms RTT, 400 kbit/s each way)', '');
    lines.push(...head(['page', 'median', 'p95', 'n', '÷ no cache (no-store)']));
    const names = { ours: 'etag-cache', peer: 'Dexie peer', plain: 'plain fetch (HTTP cache allowed)', nostore: 'plain fetch, no-store' };
    const t = (impl) => res.slow3g[impl].map((v) => v.marks.data);
    for (const impl of Object.keys(res.slow3g)) {
      lines.push(row([names[impl] || impl, ms(median(t(impl))), ms(summary(t(impl)).p95), t(impl).length,
        ratio(pairedRatio(t(impl), t('nostore')))]));
    }
    lines.push('');
  }

  if (res.firstvisit) {
    const { size: sz, net, visits: v } = res.firstvisit;
    lines.push(`### 5. First visit on slow 3G (ms, navigation start → first data; ${net.latency} ms RTT, ${net.kbps} kbit/s ` +
      `each way; a new profile per visit; static files brotli-compressed; ${size(sz)} document)`, '');
    lines.push(...head(['page', 'median', 'min', 'max', 'n', '÷ plain fetch', 'on the wire by first data (median)', 'data from']));
    const names = { ours: 'etag-cache', peer: 'Dexie peer', plain: 'plain fetch (no cache)' };
    const t = (impl) => v[impl].map((x) => x.marks.data);
    // Resource Timing transferSize (headers included) of the page and what it loaded, up to the data.
    const wire = (x) => (x.resources || []).filter((r) => r.end <= x.marks.data).reduce((a, r) => a + (r.transfer || 0), 0);
    const sources = (impl) => Object.entries(v[impl].reduce((a, x) => ({ ...a, [x.source]: (a[x.source] || 0) + 1 }), {}))
      .map(([k, c]) => `${k} ×${c}`).join(', ');
    for (const impl of Object.keys(v)) {
      lines.push(row([names[impl] || impl, ms(median(t(impl))), ms(min(t(impl))), ms(max(t(impl))), t(impl).length,
        ratio(pairedRatio(t(impl), t('plain'))), kb(median(v[impl].map(wire))), sources(impl)]));
    }
    const rp = pairedRatio(t('ours'), t('plain'));
    target('first visit on slow 3G, time to first data: ours ÷ plain fetch', '≤ 1.2', rp, rp <= 1.2);
    // A file's download: the largest Resource Timing entry of that name in each visit (a probe that failed, such as
    // an only-if-cached request, leaves an empty one).
    const download = (impl, suffix) => v[impl].map((x) => (x.resources || []).filter((r) => r.path.endsWith(suffix))
      .sort((a, b) => b.decoded - a.decoded)[0]).filter((r) => r && r.decoded > 0);
    const arrived = (rs) => `${ms(median(rs.map((r) => r.end)))} (${kb(median(rs.map((r) => r.encoded)))} on the wire, ` +
      `${kb(median(rs.map((r) => r.decoded)))} decoded)`;
    const o = (m) => ms(median(v.ours.map((x) => x.marks[m])));
    const wasm = download('ours', '/etag-cache.wasm');
    lines.push('', `etag-cache, medians in ms since navigation: cold.js running ${o('script')}, etag-cache.js imported ` +
      `${o('imported')}, \`createCache\` resolved ${o('opened')}, data ${o('data')}; the module ` +
      (wasm.length ? `downloaded ${arrived(wasm)}` : 'not downloaded within 90 s of the data') +
      `, compiled ${o('compiled')}, instantiated ${o('instantiated')}.`);
    if (wasm.some((r) => !(r.encoded < r.decoded))) lines.push('', '_the module was not served compressed_');
    const dexie = download('peer', '/dexie.mjs');
    if (dexie.length) {
      lines.push('', `Dexie peer: dexie.mjs downloaded ${arrived(dexie)}, database open ` +
        `${ms(median(v.peer.map((x) => x.marks.opened)))}, data ${ms(median(t('peer')))}.`);
    }
    lines.push('');
  }

  if (res.scale) {
    const st = Object.entries(res.scale.stages);
    lines.push('### 6. Scale (ours; warm read of a random stored ~1 KB entry, cold start reading one entry)', '');
    lines.push(...head(['entries', 'warm median', 'warm p95', 'n', 'warm ÷ at ' + (st[0] && st[0][0]),
      'raw IDB read of the same record (median)', 'ours ÷ raw IDB', 'cold start median', 'cold p95', 'n']));
    const base = st.length ? median(st[0][1].warm.ours) : NaN;
    for (const [n, r] of st) {
      const w = summary(r.warm.ours);
      const c = summary(r.cold.map((v) => v.marks.data));
      lines.push(row([n, ms(w.median), ms(w.p95), w.n, ratio(w.median / base), ms(median(r.warm.raw)),
        ratio(pairedRatio(r.warm.ours, r.warm.raw)), ms(c.median), ms(c.p95), c.n]));
    }
    if (st.length > 1) {
      const last = st[st.length - 1];
      const rr = median(last[1].warm.ours) / base;
      target(`warm read at ${last[0]} entries ÷ at ${st[0][0]}`, '≤ 1.2', rr, rr <= 1.2);
    }
    const wr = res.scale.write;
    if (wr) lines.push('', `Write path: the first ${wr.n} entries stored through \`cache.get\` from the network (16 at a time) at ` +
      `${Math.round(wr.n / (wr.ms / 1000))} entries/s; the others were bulk-written by cloning a record the library wrote.`);
    const sw = res.scale.sweep;
    if (sw) {
      const dur = sw.firstEvictAfterOpen === null ? NaN : sw.firstEvictAfterOpen - 3000;
      lines.push('', `Sweep at ${sw.stored} entries, ${sw.aged} of them past the TTL: ${sw.evicted} evicted, ${sw.entriesAfter} left; ` +
        `first \`evict\` event ${ms(sw.firstEvictAfterOpen)} ms after open, i.e. ≈ ${ms(dur)} ms of sweep after its 3 s start-up delay ` +
        `(last event at ${ms(sw.lastEvictAfterOpen)} ms).`);
    }
    lines.push('');
  }

  if (res.dedup) {
    lines.push('### 7. Dedup (concurrent `get`s of one URL → requests the server saw)', '');
    lines.push(...head(['impl', 'cache', 'concurrent gets', 'requests (200 / 304)', 'served from cache']));
    for (const [k, r] of Object.entries(res.dedup)) {
      const [impl, state] = k.split('.');
      lines.push(row([impl, state, r.gets, `${r.requests} (${r.ok} / ${r.notModified})`, r.fromCache]));
    }
    const e = res.dedup['ours.empty'];
    const c = res.dedup['ours.cached'];
    target('concurrent gets → requests (empty / cached)', '1', Math.max(e.requests, c.requests),
      e.requests === 1 && c.requests === 1, `${e.requests} / ${c.requests}`);
    lines.push('');
  }

  if (res.memory) {
    lines.push('### 8. Memory (after a full GC; results dropped)', '');
    lines.push(...head(['impl', 'entries read', 'JS heap used', 'wasm linear memory']));
    for (const [impl, r] of Object.entries(res.memory)) {
      if (impl === 'pinned') continue;
      lines.push(row([impl, r.nFew, mb(r.few.jsHeapUsed), impl === 'ours' ? mb(r.few.wasmMemory) : '–']));
      lines.push(row([impl, r.nMany, mb(r.many.jsHeapUsed), impl === 'ours' ? mb(r.many.wasmMemory) : '–']));
      if (r.again) lines.push(row([impl, `${r.nMany} again (${2 * r.nMany} reads)`, mb(r.again.jsHeapUsed), impl === 'ours' ? mb(r.again.wasmMemory) : '–']));
    }
    const o = res.memory.ours;
    if (o) {
      const rh = o.many.jsHeapUsed / o.few.jsHeapUsed;
      const rw = o.many.wasmMemory / o.few.wasmMemory;
      lines.push('', `ours, after ${o.nMany} ÷ after ${o.nFew}: JS heap ${ratio(rh)}, wasm memory ${ratio(rw)}.`);
      target(`memory after ${o.nMany} reads ÷ after ${o.nFew}: JS heap`, '≤ 1.1', rh, rh <= 1.1);
      target(`memory after ${o.nMany} reads ÷ after ${o.nFew}: wasm linear memory`, '≤ 1.1', rw, rw <= 1.1);
    }
    const pin = res.memory.pinned;
    if (pin) {
      const any = Object.values(pin)[0];
      lines.push('', `One ${size(any.size)} body read ${any.perBatch} times per batch in one tab: renderer resident memory ` +
        '(MB, all renderer processes, after a forced JS GC) before and after each batch.', '');
      lines.push(...head(['impl', ...any.rss.map((_, i) => `after ${i * any.perBatch} reads`)]));
      for (const [impl, r] of Object.entries(pin)) lines.push(row([impl, ...r.rss.map((v) => v.toFixed(0))]));
    }
    lines.push('');
  }

  const summaryLines = ['### Targets', '', ...head(['Figure', 'Target', 'Measured', 'Met']),
    ...targets.map((t) => row([t.figure, t.want, t.shown, t.ok ? 'yes' : '**no**'])), ''];
  return { md: [...summaryLines, ...lines].join('\n'), targets };
}
