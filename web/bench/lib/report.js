// Turns the raw results of run.js into markdown tables (the output of `make bench` and the body of BENCHMARKS.md).
import { summary, median, pairedRatio } from './stats.js';

const ms = (x) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : '–');
const ratio = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const kb = (b) => (Number.isFinite(b) ? `${(b / 1024).toFixed(1)} KB` : '–');
const mb = (b) => (Number.isFinite(b) ? `${(b / 1048576).toFixed(1)} MB` : '–');
const size = (b) => (b >= 1048576 ? `${b / 1048576} MB` : b >= 1024 ? `${b / 1024} KB` : `${b} B`);
const row = (cells) => `| ${cells.join(' | ')} |`;
const head = (cells) => [row(cells), row(cells.map(() => '---'))];

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
      if (+sz === 102400) {
        target('warm read 100 KB: ours ÷ raw IndexedDB', '≤ 1.3', rf, rf <= 1.3);
        target('warm read 100 KB: ours ÷ Dexie peer', '≤ 1.0', rp, rp <= 1.0);
      }
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
      target(`cold start (CPU ${k.replace('cpu', '')}×): ours ÷ Dexie peer`, '≤ 2.0', rp, rp <= 2.0);
    }
    const nonCache = Object.values(res.cold).flatMap((r) => [...r.ours, ...r.peer]).filter((v) => v.source !== 'cache').length;
    lines.push('', `Visits whose data did not come from the cache: ${nonCache}.`, '');
  }

  if (res.transfer) {
    const { module: m, wire } = res.transfer;
    lines.push('### 3. Transfer', '');
    lines.push(...head(['etag-cache.wasm', 'raw', 'gzip -9', 'brotli 11']));
    lines.push(row(['bytes', `${m.raw} (${kb(m.raw)})`, `${m.gzip} (${kb(m.gzip)})`, `${m.brotli} (${kb(m.brotli)})`]), '');
    target('module brotli size', '≤ 650 KB', m.brotli / 1024, m.brotli <= 650 * 1024, kb(m.brotli));
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
    lines.push('', '`encodedDataLength` from the DevTools protocol (headers + body as received; HTTP/1.1, no compression).', '');
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

  if (res.scale) {
    const st = Object.entries(res.scale.stages);
    lines.push('### 5. Scale (ours; warm read of a random stored ~1 KB entry, cold start reading one entry)', '');
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
    lines.push('### 6. Dedup (concurrent `get`s of one URL → requests the server saw)', '');
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
    lines.push('### 7. Memory (after a full GC; results dropped)', '');
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
      target(`memory after ${o.nMany} reads ÷ after ${o.nFew} (JS heap / wasm)`, '≈ 1', Math.max(rh, rw),
        rh <= 1.25 && rw <= 1.25, `${ratio(rh)} / ${ratio(rw)}`);
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
