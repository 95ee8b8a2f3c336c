#!/usr/bin/env node
// `make bench`: etag-cache vs the raw IndexedDB floor vs a Dexie peer, in headless Chromium (issue 5, and "Speed
// where our users feel it": first visit on slow 3G, the floor module, the targets).
//
// Builds the floor module (web/bench/floor) into web/bench/out/floor, makes brotli copies of the static files the
// pages load (web/bench/out/br), starts the loopback server (web/bench/server) and Chromium on a fresh on-disk
// profile, runs the measurements of lib/sections.js, prints a markdown report, writes raw JSON to web/bench/out/ (git-ignored) and, with
// --write=PATH, writes PATH (BENCHMARKS.md) from this run's output, keeping whatever follows the
// "<!-- notes -->" line of the existing file.
//
// Environment: DIST_DIR (default <repo>/dist, from `make build`), CHROMIUM (default /usr/bin/chromium),
// BENCH_SMOKE=1 (tiny sizes and counts: a check that the harness works, seconds not minutes),
// BENCH_ONLY=warm,cold,... (run a subset; names as in ORDER below).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync, cpSync, copyFileSync, renameSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zc } from 'node:zlib';
import { startServer, launch, chromiumVersion } from './lib/env.js';
import * as sections from './lib/sections.js';
import { report } from './lib/report.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const dist = resolve(process.env.DIST_DIR || join(repo, 'dist'));
const outDir = join(here, 'out');
const smoke = process.env.BENCH_SMOKE === '1';
const writeArg = process.argv.find((a) => a.startsWith('--write='));

const FULL = {
  warm: { sizes: [1024, 102400, 1048576], n: { 1024: 200, 102400: 100, 1048576: 30 }, warmup: 5 },
  cold: { size: 102400, n: 15 },
  transfer: { size: 102400 },
  slow3g: { size: 102400, n: 5 },
  firstvisit: { size: 102400, n: 3, net: { latency: 400, kbps: 400 } },
  scale: { stages: [100, 10000, 50000], reads: 200, cold: 8, settle: 5000 },
  dedup: { n: 50 },
  memory: { size: 10240, few: 10, many: 1000, pinned: { size: 1048576, batches: 3, perBatch: 100 } },
};
const SMOKE = {
  warm: { sizes: [1024, 102400], n: { 1024: 5, 102400: 5 }, warmup: 1 },
  cold: { size: 1024, n: 2 },
  transfer: { size: 102400 },
  slow3g: { size: 1024, n: 1 },
  // A faster network than slow 3G: at 400 kbit/s the module alone takes ~16 s, too long for `make test`; the
  // emulation, the fresh profiles and the brotli path still run.
  firstvisit: { size: 1024, n: 1, net: { latency: 40, kbps: 4000 } },
  scale: { stages: [20, 200], reads: 10, cold: 1, settle: 0 },
  dedup: { n: 50 },
  memory: { size: 10240, few: 5, many: 20, pinned: { size: 102400, batches: 2, perBatch: 5 } },
};
const ORDER = ['warm', 'cold', 'transfer', 'slow3g', 'firstvisit', 'scale', 'dedup', 'memory'];
const FN = { warm: 'warmReads', cold: 'coldStart', transfer: 'transfer', slow3g: 'slow3g', firstvisit: 'firstVisitSlow3g',
  scale: 'scale', dedup: 'dedup', memory: 'memory' };

async function main() {
  if (!existsSync(join(dist, 'etag-cache.wasm'))) throw new Error(`${dist}/etag-cache.wasm missing: run make build`);
  const cfg = smoke ? SMOKE : FULL;
  const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : ORDER;
  const unknown = only.filter((n) => !ORDER.includes(n));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}; known: ${ORDER.join(', ')}`);
  mkdirSync(outDir, { recursive: true });
  const t0 = Date.now();
  const log = (msg) => console.error(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}`);
  // Serve a snapshot, so a `make build` elsewhere during the run cannot swap the module under it.
  const snap = join(outDir, 'dist');
  rmSync(snap, { recursive: true, force: true });
  cpSync(dist, snap, { recursive: true });
  // Built every run, smoke included, so the floor module cannot rot.
  const floor = join(outDir, 'floor');
  buildFloor(floor);
  const br = join(outDir, 'br');
  const t = Date.now();
  const compressed = await precompress(br, [
    ['dist', snap], ['pages', join(here, 'pages')], ['peer', join(here, 'peer')], ['floor', floor],
    ['vendor/dexie', join(here, 'node_modules', 'dexie', 'dist'), ['dexie.mjs']], // the build peer.js imports
  ]);
  log(`floor module built; brotli copies made, ${compressed} compressed anew (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  const server = await startServer({ repo, dist: snap, outDir, floor, br });
  const browser = await launch();
  log(`server ${server.url}, ${browser.version}, ${cpus().length} cores${smoke ? ', SMOKE sizes' : ''}`);
  const results = {};
  try {
    for (const name of ORDER.filter((n) => only.includes(n))) {
      results[name] = await sections[FN[name]]({ context: browser.context, base: server.url, cfg, dist: snap, floor, br, log });
    }
  } finally {
    await browser.close();
    server.stop();
  }
  const meta = {
    date: new Date().toISOString(),
    command: process.env.BENCH_COMMAND || 'make bench',
    chromium: browser.version || chromiumVersion(),
    cpu: `${cpus().length} × ${cpus()[0] ? cpus()[0].model : 'unknown'}`,
    node: process.version,
    smoke,
    seconds: Math.round((Date.now() - t0) / 1000),
    config: cfg,
  };
  const { md, targets } = report(results);
  const header = [
    `Run ${meta.date} · ${meta.cpu} · Chromium ${meta.chromium} · ${meta.node} · ${meta.seconds} s` +
      (smoke ? ' · SMOKE (tiny sizes, numbers meaningless)' : ''),
    `Command: \`${meta.command}\``, '',
  ].join('\n');
  const full = header + '\n' + md;
  const stamp = meta.date.replace(/[:.]/g, '-');
  const json = JSON.stringify({ meta, targets, results }, null, 1);
  writeFileSync(join(outDir, `bench-${stamp}.json`), json);
  writeFileSync(join(outDir, 'latest.json'), json);
  writeFileSync(join(outDir, 'latest.md'), full);
  console.log(full);
  log(`raw numbers: ${join(outDir, `bench-${stamp}.json`)}`);
  if (writeArg) writeBenchmarks(resolve(writeArg.slice('--write='.length)), full);
}

/**
 * Builds the floor module (web/bench/floor) into dir/floor.wasm with the flags of `make build`, so that ours ÷ floor
 * compares like with like.
 */
function buildFloor(dir) {
  mkdirSync(dir, { recursive: true });
  execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', join(dir, 'floor.wasm'), './web/bench/floor'],
    { cwd: repo, stdio: 'inherit', env: { ...process.env, GOOS: 'js', GOARCH: 'wasm' } });
}

/**
 * Writes brotli copies (quality 11) of the static files the pages load to br/<url prefix>/<name>.br, for the server
 * to send with Content-Encoding: br, as the README tells deployments to serve the module. Go's standard library has
 * no brotli encoder, hence node's zlib. roots: [url prefix, directory, names (default: its .js, .mjs, .wasm and
 * .html files)]. Quality 11 takes several seconds per module, so copies are kept by content hash in out/brcache
 * (Go builds are reproducible: an unchanged module hits) and the misses are compressed in parallel.
 */
async function precompress(br, roots) {
  rmSync(br, { recursive: true, force: true });
  const cacheDir = join(outDir, 'brcache');
  mkdirSync(cacheDir, { recursive: true });
  const compress = promisify(brotliCompress);
  const used = new Set();
  const jobs = [];
  for (const [prefix, dir, names] of roots) {
    mkdirSync(join(br, prefix), { recursive: true });
    for (const name of names || readdirSync(dir).filter((f) => /\.(m?js|wasm|html)$/.test(f))) {
      const src = readFileSync(join(dir, name));
      const hash = createHash('sha256').update(src).digest('hex');
      const cached = join(cacheDir, hash + '.br');
      const dst = join(br, prefix, name + '.br');
      used.add(hash + '.br');
      if (existsSync(cached)) {
        copyFileSync(cached, dst);
        continue;
      }
      const params = { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: src.length };
      jobs.push(compress(src, { params }).then((b) => {
        writeFileSync(dst, b);
        writeFileSync(cached + '.tmp', b);
        renameSync(cached + '.tmp', cached); // a run killed mid-write leaves no truncated copy in the cache
      }));
    }
  }
  await Promise.all(jobs);
  for (const f of readdirSync(cacheDir)) if (!used.has(f)) rmSync(join(cacheDir, f)); // only this run's copies stay
  return jobs.length;
}

/** Writes path: a fixed preamble, this run's report, then the notes kept from the existing file. */
function writeBenchmarks(path, body) {
  const marker = '<!-- notes -->';
  let notes = `${marker}\n`;
  if (existsSync(path)) {
    const old = readFileSync(path, 'utf8');
    const i = old.indexOf(marker);
    if (i >= 0) notes = old.slice(i);
  }
  const pre = readFileSync(join(here, 'PREAMBLE.md'), 'utf8');
  writeFileSync(path, `${pre.trimEnd()}\n\n## Latest run\n\n<!-- generated by web/bench/run.js: do not edit by hand -->\n${body.trimEnd()}\n\n${notes}`);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
