// The etag-cache demo page: lists grades through cache.get('/api/grades/') and shows where each load came from, what
// this visit cost (visit.js), on the network this browser is switched to (network-switch.js), with a service worker
// keeping the app shell for offline starts (shell.js, sw.js).
//
// Query parameters: ?v= app cache version (default 'demo-v1'), ?ttl= milliseconds since last validation (default
// 7 days). Everything the end-to-end tests read is in data-testid attributes and in window.__demo.

import { wireNetworkSwitch } from './network-switch.js';
import { watchVisit } from './visit.js';
import { registerShell, reloadOnNewBuild } from './shell.js';

const API = '/api/grades/';
const DAY = 24 * 3600 * 1000;

const $ = (id) => document.getElementById(id);

/** State the end-to-end tests read. sources: the source of every render, in order. */
const demo = {
  firstDataMs: null, // performance.now() when grade rows were first on screen (ms since navigation)
  source: null, // source of the last load: 'cache' | 'network'
  sources: [],
  events: [], // {type, url, status, kind, reason, code, message, etag, t}
  loads: [], // {source, ms, etag, storedAt, validatedAt}
  errors: [], // failures of the page's own calls (rejections), as shown in the status line
  storage: null,
  ready: false,
  marks: { script: Math.round(performance.now()) }, // ms since navigation: script, imported, created (cache open)
  module: null, // 'local' (a repeat visit) | 'downloading' → 'ready' (a first visit) | 'unavailable'
  network: null, // the demo server's answer: {mode: 'fast' | 'slow3g' | 'offline', slow3g: {rttMs, kbps}, dropped}
  settled: false, // the first data is on screen and stored (or cannot be): a reload is a repeat visit
  sw: null, // the service worker: 'ready' | 'unsupported' | 'failed: …' (null until registered)
  visit: null, // what the "This visit" panel shows, as data (visit.js)
};
window.__demo = demo;

const params = new URLSearchParams(location.search);
const version = params.get('v') || 'demo-v1';
const ttl = parseTTL(params.get('ttl'));

let cache = null;
let shown = null; // {etag, storedAt, validatedAt, rows: Map<id, row>} of what the table shows
let busy = 0;

function parseTTL(raw) {
  if (raw === null || raw === '') return 7 * DAY;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : 7 * DAY;
}

// ---------------------------------------------------------------------------------------------------------------
// Status line, event log, ages

function setStatus(text, isError = false) {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('error', isError);
}

/** Shows a failure of the page's own work (a rejected call) and records it in __demo.errors. */
function showError(prefix, err) {
  const name = err && err.name ? err.name : 'Error';
  const msg = err && err.message ? err.message : String(err);
  const text = `${prefix}: ${name}: ${msg}`;
  demo.errors.push(text);
  setStatus(text, true);
}

function ago(ms) {
  if (!Number.isFinite(ms)) return '–';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s ago`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
}

function renderAges() {
  if (!shown) return;
  $('stored-age').textContent = ago(shown.storedAt);
  $('validated-age').textContent = ago(shown.validatedAt);
}

function logEvent(type, detail) {
  const d = detail || {};
  const entry = {
    type,
    url: d.url,
    status: d.status,
    kind: d.kind,
    reason: d.reason,
    code: d.code,
    message: d.message,
    etag: d.etag,
    t: Math.round(performance.now()),
  };
  demo.events.push(entry);
  const li = document.createElement('li');
  li.dataset.type = type;
  const path = d.url ? new URL(d.url, location.href).pathname : '';
  const extra = [d.status, d.kind, d.reason, d.code, d.etag, d.message].filter((x) => x !== undefined && x !== '');
  li.textContent = `${new Date().toLocaleTimeString()} ${type} ${path} ${extra.join(' · ')}`;
  $('events').prepend(li);
}

// ---------------------------------------------------------------------------------------------------------------
// The table: rows are keyed by id and kept in place, so an update changes cells instead of rebuilding the table.

function renderGrades(result, how) {
  const data = Array.isArray(result.data) ? result.data : [];
  if (!Array.isArray(result.data)) setStatus(`Unexpected data from ${API}: not a list`, true);
  const tbody = $('rows');
  const existing = new Map([...tbody.querySelectorAll('tr[data-id]')].map((tr) => [tr.dataset.id, tr]));
  const seen = new Set();
  let changed = 0;
  let pos = 0;
  for (const g of data) {
    if (!g || typeof g !== 'object') continue;
    const id = String(g.id);
    if (seen.has(id)) continue; // a duplicate id would fight over one row
    seen.add(id);
    let tr = existing.get(id);
    const isNew = !tr;
    if (isNew) {
      tr = document.createElement('tr');
      tr.dataset.testid = 'grade-row';
      tr.dataset.id = id;
      tr.dataset.source = result.source; // where the row first came from; the tests watch it
      for (const cls of ['id', 'student', 'subject', 'score', 'updated']) {
        const td = document.createElement('td');
        td.className = cls;
        tr.append(td);
      }
    }
    const before = tr.dataset.score + '|' + tr.dataset.updated;
    const cells = tr.children;
    cells[0].textContent = id;
    cells[1].textContent = String(g.student ?? '');
    cells[2].textContent = String(g.subject ?? '');
    cells[3].textContent = String(g.score ?? '');
    cells[4].textContent = formatTime(g.updated);
    tr.dataset.score = String(g.score);
    tr.dataset.updated = String(g.updated);
    if (how === 'update' && (isNew || before !== tr.dataset.score + '|' + tr.dataset.updated)) {
      changed++;
      tr.classList.remove('changed');
      void tr.offsetWidth; // restart the fade animation
      tr.classList.add('changed');
    }
    // Keep the server's order; a row already in its place is not moved (moving restarts its fade).
    if (tbody.children[pos] !== tr) tbody.insertBefore(tr, tbody.children[pos] || null);
    pos++;
  }
  for (const [id, tr] of existing) if (!seen.has(id)) tr.remove();

  shown = { etag: result.etag, storedAt: result.storedAt, validatedAt: result.validatedAt };
  demo.sources.push(how === 'update' ? 'update' : result.source);
  if (demo.firstDataMs === null && data.length > 0) {
    demo.firstDataMs = Math.round(performance.now());
    renderVisit();
  }
  $('etag').textContent = result.etag || '(none)';
  renderAges();
  return changed;
}

function formatTime(s) {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? String(s ?? '') : d.toLocaleString();
}

/** An update (from this tab's revalidation or relayed from another tab) replaces the table in place. */
function onUpdate(result) {
  if (!result || !sameURL(result.url)) return;
  if (shown && result.etag && result.etag === shown.etag) return; // already shown (onUpdate and the event both fire)
  const changed = renderGrades(result, 'update');
  $('source').textContent = `${demo.source || 'cache'} → updated from network`;
  setStatus(`Updated from the server: ${changed} row${changed === 1 ? '' : 's'} changed.`);
}

function sameURL(url) {
  try {
    return new URL(url, location.href).pathname === API;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Loading

async function load() {
  const t0 = performance.now();
  setStatus(`Loading ${API}…`);
  let result;
  try {
    result = await cache.get(API, { onUpdate });
  } catch (err) {
    showError(`Could not load ${API}`, err);
    return;
  }
  const ms = Math.round(performance.now() - t0);
  demo.source = result.source;
  demo.loads.push({ source: result.source, ms, etag: result.etag, storedAt: result.storedAt, validatedAt: result.validatedAt });
  const src = $('source');
  src.textContent = result.source;
  src.className = result.source;
  $('load-ms').textContent = `${ms} ms`;
  // An update may have landed between the Go side answering and this line: never paint older data over it.
  if (shown && result.storedAt < shown.storedAt) return;
  renderGrades(result, result.source);
  if (result.source === 'network') refreshInspector();
  setStatus(
    result.source === 'cache'
      ? `Showing the cached copy (${ago(result.storedAt)}); revalidating in the background…`
      : `Loaded from the network in ${ms} ms.`,
  );
}

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status}`);
  return res.json();
}

const STUDENTS = ['Areeba Hussain', 'Danish Mehmood', 'Hira Naveed', 'Saad Anwar', 'Rabia Siddiqui', 'Waqas Javed'];
const SUBJECTS = ['Mathematics', 'English', 'Urdu', 'Islamiat', 'Pakistan Studies', 'Physics', 'Chemistry', 'Biology'];
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const randomScore = () => 30 + Math.floor(Math.random() * 71);

/** Runs a button's action with the buttons disabled; every rejection ends in the status line. */
function action(button, label, fn) {
  button.addEventListener('click', async () => {
    busy++;
    button.disabled = true;
    try {
      await fn();
    } catch (err) {
      showError(label, err);
    } finally {
      button.disabled = false;
      busy--;
    }
  });
}

function wireControls() {
  action($('add'), 'Add grade', async () => {
    const g = await post(API, { student: pick(STUDENTS), subject: pick(SUBJECTS), score: randomScore() });
    setStatus(`Added #${g.id} on the server; reloading…`);
    await load();
  });
  action($('edit'), 'Edit grade', async () => {
    const ids = [...document.querySelectorAll('#rows tr[data-id]')].map((tr) => tr.dataset.id);
    if (ids.length === 0) throw new Error('no grades to edit yet');
    const id = pick(ids);
    const g = await post(`${API}${id}/`, { score: randomScore() });
    setStatus(`Changed #${g.id} to ${g.score} on the server; reloading…`);
    await load();
  });
  // A teacher's edit through the cache: sent with the If-Match of the grade as this page last read it and an
  // Idempotency-Key; offline it waits in the outbox (listed below the inspector) and goes when the network is back.
  action($('teacher-edit'), 'Mark a grade', async () => {
    const ids = [...document.querySelectorAll('#rows tr[data-id]')].map((tr) => tr.dataset.id);
    if (ids.length === 0) throw new Error('no grades to edit yet');
    const id = pick(ids);
    const url = `${API}${id}/`;
    await cache.get(url).catch(() => null); // the copy whose ETag the write is conditional on
    const score = randomScore();
    try {
      const r = await cache.mutate(url, { method: 'PATCH', body: { score }, invalidates: [API],
        optimistic: (cur) => ({ ...cur, score }) });
      setStatus(r.queued ? `Offline: #${id} → ${score} waits in the outbox.` : `Marked #${id} as ${score}.`);
    } catch (err) {
      if (err.name !== 'ConflictError') throw err;
      setStatus(`#${id} changed on the server meanwhile (412): now ${err.current && err.current.data.score}.`, true);
    }
    await renderOutbox();
  });
  action($('reload'), 'Reload data', load);
  let first = true;
  wireNetworkSwitch({
    fieldset: $('network'),
    note: $('network-note'),
    startOver: $('start-over'),
    beforeStartOver: async () => {
      if (cache) await cache.close(); // nothing may hold the database open while the browser deletes it
    },
    onState: (state) => {
      demo.network = state;
      if (!first) setStatus(`Network switched to ${NETWORK_NAMES[state.mode] || state.mode}.`);
      first = false;
    },
    onError: showError,
  });
}

const NETWORK_NAMES = { fast: 'Fast', slow3g: 'Slow 3G', offline: 'Offline' };

/** The "This visit" panel (visit.js); every render also refreshes window.__demo.visit. */
let visitPanel = null;
function renderVisit() {
  if (visitPanel) demo.visit = visitPanel.render();
}

function watchThisVisit() {
  visitPanel = watchVisit(
    { kind: $('visit-kind'), page: $('visit-page'), wasm: $('visit-wasm'), js: $('visit-js'), bytes: $('visit-bytes'),
      firstData: $('first-data') },
    { module: () => demo.module, firstDataMs: () => demo.firstDataMs },
  );
  renderVisit();
}

/**
 * Once the module has arrived (at once on a repeat visit; after the first data on a first one) or cannot: the panel
 * shows it; once the first data is stored too, the inspector shows it and the page has settled (window.__demo.settled:
 * a reload from then on is a repeat visit); then the service worker is registered (shell.js says why only then).
 */
async function afterModule(firstLoad) {
  try {
    await cache.ready;
    if (demo.module === 'downloading') demo.module = 'ready';
  } catch {
    demo.module = 'unavailable';
  }
  showCacheInfo();
  renderVisit();
  await firstLoad;
  if (demo.module !== 'unavailable') await stored();
  refreshInspector();
  demo.settled = true;
  demo.sw = await registerShell();
}

/**
 * Waits, 4 s at most, until the cache holds an entry. A first visit's gets are stored once the module has arrived,
 * a moment after cache.ready, and no event says when.
 */
async function stored() {
  for (let i = 0; i < 40; i++) {
    try {
      if ((await cache.stats()).entries > 0) return;
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The inspector follows the cache's events; a read that stored from the network raises none. */
/** Lists the outbox: pending and failed writes. */
async function renderOutbox() {
  if (!cache || cache.closed) return;
  const list = $('outbox');
  const items = await cache.outbox().catch(() => []);
  list.replaceChildren(...items.map((m) => {
    const li = document.createElement('li');
    li.dataset.state = m.state;
    li.textContent = `${m.method} ${new URL(m.url).pathname} — ${m.state}` +
      (m.attempts ? `, ${m.attempts} attempt${m.attempts > 1 ? 's' : ''}` : '') + (m.lastError ? ` (${m.lastError})` : '');
    if (m.state === 'failed') {
      for (const [label, fn] of [['Retry', () => cache.retry(m.id)], ['Discard', () => cache.discard(m.id)]]) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        b.addEventListener('click', () => fn().then(renderOutbox, (err) => showError(label, err)));
        li.append(' ', b);
      }
    }
    return li;
  }));
  if (items.length === 0) {
    const li = document.createElement('li');
    li.textContent = 'empty';
    list.append(li);
  }
}

function refreshInspector() {
  const inspector = $('inspector');
  if (typeof inspector.refresh === 'function') inspector.refresh();
}

/** Where entries live ('none' until a first visit's module has arrived), the app version and the TTL. */
function showCacheInfo() {
  demo.storage = cache.storage;
  $('cache-info').textContent = `${cache.storage} · version ${version} · ttl ${Math.round(ttl / 1000)} s`;
}

/** The inspector (inspector.js): what the cache holds, as the cache sees it. Optional: the demo works without it. */
function showInspector() {
  import('../inspector.js')
    .then(({ defineInspector }) => {
      defineInspector();
      $('inspector').cache = cache;
    })
    .catch((err) => logEvent('warning', { code: 'inspector', message: String(err) }));
}

async function main() {
  window.addEventListener('unhandledrejection', (e) => showError('Unhandled rejection', e.reason));
  reloadOnNewBuild();
  wireControls();
  watchThisVisit();
  setInterval(renderAges, 1000);

  let createCache;
  try {
    ({ createCache } = await import('../etag-cache.js'));
    demo.marks.imported = Math.round(performance.now());
  } catch (err) {
    showError('Could not load /etag-cache.js (run `make build` first)', err);
    return;
  }
  try {
    cache = await createCache({ version, ttl, namespace: 'demo' });
  } catch (err) {
    showError('createCache failed', err);
    return;
  }
  demo.marks.created = Math.round(performance.now());
  // The loader's own verdict: storage 'none' means the module was not at hand without the network (a first visit).
  demo.module = cache.storage === 'none' ? 'downloading' : 'local';
  showCacheInfo();
  renderVisit();
  for (const type of ['queued', 'sent', 'conflict', 'failed']) {
    cache.addEventListener(type, (e) => {
      logEvent(type, e.detail);
      renderOutbox();
    });
  }
  renderOutbox();
  for (const type of ['update', 'revalidated', 'error', 'evict', 'warning']) {
    cache.addEventListener(type, (e) => {
      logEvent(type, e.detail);
      if (type === 'update') onUpdate(e.detail);
      if (type === 'revalidated' && sameURL(e.detail && e.detail.url)) {
        if (shown) shown.validatedAt = e.detail.validatedAt;
        renderAges();
        setStatus('The server confirmed the cached copy (304 Not Modified).');
      }
      if (type === 'error') {
        const d = e.detail || {};
        setStatus(`Revalidation failed (${d.kind}): ${d.message}. Still showing the cached copy.`, true);
      }
    });
  }
  showInspector();
  demo.ready = true;
  const firstLoad = load();
  afterModule(firstLoad);
  await firstLoad;
}

main().catch((err) => showError('Demo failed', err));
