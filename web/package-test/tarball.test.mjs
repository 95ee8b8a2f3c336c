// The npm tarball `make pack` yields (make test-pack sets PKG_TGZ): what a user installs must hold what the
// package.json promises, the licenses and a README, and nothing that points into this repository.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const TGZ = process.env.PKG_TGZ;
if (!TGZ) throw new Error('PKG_TGZ is not set: run this through `make test-pack`');

const EXPECTED = [
  'LICENSE', 'LICENSE-go', 'README.md', 'package.json',
  'etag-cache.js', 'etag-cache.d.ts', 'svelte.js', 'svelte.d.ts', 'inspector.js', 'inspector.d.ts', 'etag-cache.wasm',
  'wasm_exec.js',
];

let dir; // a scratch project with the tarball unpacked as node_modules/etag-cache
let pkgDir;
let pkg;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'etag-cache-pack-'));
  mkdirSync(join(dir, 'node_modules'));
  execFileSync('tar', ['-xzf', TGZ, '-C', join(dir, 'node_modules')]);
  pkgDir = join(dir, 'node_modules', 'etag-cache');
  execFileSync('mv', [join(dir, 'node_modules', 'package'), pkgDir]);
  pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the tarball holds exactly the dist files, the licenses, README.md and package.json', (t) => {
  const listed = execFileSync('tar', ['-tzf', TGZ], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed.map((p) => p.replace(/^package\//, '')).sort(), [...EXPECTED].sort());
  for (const f of EXPECTED) assert.ok(statSync(join(pkgDir, f)).size > 0, `${f} is empty`);
  t.diagnostic(`${TGZ}: ${statSync(TGZ).size} bytes`);
});

test('licenses: MIT for the package, Go\'s for the runtime in the module and wasm_exec.js', () => {
  assert.equal(pkg.license, 'MIT');
  const mit = readFileSync(join(pkgDir, 'LICENSE'), 'utf8');
  assert.match(mit, /^MIT License/);
  assert.match(mit, /Copyright \(c\) 2026 The etag-cache authors/);
  assert.match(readFileSync(join(pkgDir, 'LICENSE-go'), 'utf8'), /The Go Authors/);
});

test('README.md: install, the example, a link to the full documentation', () => {
  const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
  assert.match(readme, /npm install etag-cache/);
  assert.match(readme, /import \{ createCache \} from 'etag-cache'/);
  assert.match(readme, /cache\.get\('\/api\/grades\/'/);
  assert.match(readme, /https:\/\/github\.com\/etagcache\/etag-cache#readme/);
});

test('package.json: no scripts or devDependencies, metadata set, every path it names is packed', () => {
  assert.equal(pkg.scripts, undefined);
  assert.equal(pkg.devDependencies, undefined);
  assert.equal(pkg.dependencies, undefined, 'the package has no runtime dependencies');
  assert.ok(pkg.repository && pkg.repository.url, 'repository');
  assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.length > 0, 'keywords');
  const named = [pkg.main, pkg.types, ...pkg.files, ...pkg.sideEffects];
  for (const target of Object.values(pkg.exports)) {
    named.push(...(typeof target === 'string' ? [target] : Object.values(target)));
  }
  for (const p of named) assert.ok(statSync(join(pkgDir, p)).isFile(), `${p} is named but not packed`);
});

test('Node resolves the exports and imports both modules without a window (SSR)', () => {
  const script = join(dir, 'ssr.mjs');
  writeFileSync(script, `
    import { createCache, EtagCache } from 'etag-cache';
    import { cachedStore } from 'etag-cache/svelte';
    import { defineInspector } from 'etag-cache/inspector';
    const values = [];
    cachedStore(null, '/api/grades/').subscribe((v) => values.push(v))();
    console.log(JSON.stringify([typeof createCache, typeof EtagCache, values[0].loading, defineInspector() ?? null]));
  `);
  const out = execFileSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), ['function', 'function', true, null], 'no custom elements outside a browser');
});

test('sideEffects: a bundler drops unused imports of the JS face but keeps an import of wasm_exec.js', async () => {
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, `
    import 'etag-cache/wasm_exec.js';
    import { createCache } from 'etag-cache';
    import { cachedStore } from 'etag-cache/svelte';
    import { defineInspector } from 'etag-cache/inspector';
  `);
  const result = await build({ entryPoints: [entry], bundle: true, format: 'esm', write: false, logLevel: 'silent',
    absWorkingDir: dir });
  const out = result.outputFiles[0].text;
  // wasm_exec.js defines globalThis.Go when imported: a page may import it for that alone.
  assert.match(out, /globalThis\.Go = class/);
  assert.doesNotMatch(out, /use createCache\(\) to create an EtagCache/, 'etag-cache.js kept though unused');
  assert.doesNotMatch(out, /etag-cache\/svelte: subscribe/, 'svelte.js kept though unused');
  assert.doesNotMatch(out, /etag-cache-inspector/, 'inspector.js kept though unused');
});
