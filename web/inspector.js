// inspector.js — a development aid: <etag-cache-inspector>, a live table of what a cache holds (cache.entries():
// URL, app version, ETag, size, stored and validated ago, Vary, stale), refreshed on the cache's events. DevTools
// shows our records as opaque bytes; this shows them as the cache sees them.
//
//   import { defineInspector } from 'etag-cache/inspector';
//   defineInspector();                                   // registers <etag-cache-inspector> (once)
//   document.querySelector('etag-cache-inspector').cache = cache;
//
// Importing the file does nothing by itself (the package has no side effects); defineInspector registers the
// element. Everything it shows comes from the server and the store, so it is written as text, never as HTML.

/** Events after which the listing may have changed. */
const EVENTS = ['update', 'revalidated', 'evict', 'error'];

const STYLE = `
:host { display: block; font: 12px/1.4 ui-monospace, monospace; color: #222; }
header { display: flex; gap: .75em; align-items: center; margin-bottom: .4em; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .15em .4em; border-bottom: 1px solid #eee; vertical-align: top; }
th { font-weight: 600; background: #f6f6f6; }
td.url { word-break: break-all; }
tr.stale td { color: #8a5a00; }
tr.expired td { color: #999; text-decoration: line-through; }
.muted { color: #777; }
`;

/** A duration in ms as a short "ago" text. */
export function ago(ms) {
  if (!(ms >= 0)) return '–';
  if (ms < 1000) return 'just now';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h} h ago` : `${Math.round(h / 24)} d ago`;
}

/** A byte count as a short text. */
export function bytes(n) {
  if (!(n >= 0)) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Registers the inspector element under name (once; a second call returns the class). */
export function defineInspector(name = 'etag-cache-inspector') {
  const registry = globalThis.customElements;
  if (!registry) return undefined; // not a browser (SSR): nothing to define
  const existing = registry.get(name);
  if (existing) return existing;

  class EtagCacheInspector extends HTMLElement {
    #cache = null;
    #listener = () => this.refresh();
    #entries = [];
    #error = null;
    #busy = false;
    #again = false;
    #timer = null;

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = STYLE;
      root.append(style, document.createElement('div'));
    }

    /** The cache to show (an EtagCache from createCache). */
    get cache() {
      return this.#cache;
    }

    set cache(cache) {
      if (this.#cache) for (const t of EVENTS) this.#cache.removeEventListener(t, this.#listener);
      this.#cache = cache || null;
      if (this.#cache) for (const t of EVENTS) this.#cache.addEventListener(t, this.#listener);
      this.refresh();
    }

    connectedCallback() {
      // The "ago" columns age while nothing happens.
      this.#timer = setInterval(() => this.#render(), 5000);
      this.#render();
    }

    disconnectedCallback() {
      clearInterval(this.#timer);
      this.#timer = null;
    }

    /** Reads the listing again (calls coalesce: one read in flight, one more after it at most). */
    async refresh() {
      if (this.#busy) {
        this.#again = true;
        return;
      }
      this.#busy = true;
      try {
        do {
          this.#again = false;
          const cache = this.#cache;
          if (!cache || cache.closed) {
            this.#entries = [];
            this.#error = null;
          } else {
            try {
              this.#entries = await cache.entries();
              this.#error = null;
            } catch (err) {
              this.#error = err;
            }
          }
        } while (this.#again);
      } finally {
        this.#busy = false;
      }
      this.#render();
      this.dispatchEvent(new Event('refreshed'));
    }

    #render() {
      const root = this.shadowRoot;
      const box = document.createElement('div');
      const head = document.createElement('header');
      const total = this.#entries.reduce((n, e) => n + (e.size || 0), 0);
      const summary = document.createElement('span');
      summary.setAttribute('part', 'summary');
      summary.textContent = this.#cache
        ? `${this.#entries.length} entries · ${bytes(total)} · ${this.#cache.storage}`
        : 'no cache';
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Refresh';
      button.addEventListener('click', () => this.refresh());
      head.append(summary, button);
      box.append(head);
      if (this.#error) {
        const p = document.createElement('p');
        p.textContent = `entries() failed: ${this.#error.name}: ${this.#error.message}`;
        box.append(p);
      }
      const table = document.createElement('table');
      const cols = ['URL', 'version', 'ETag', 'size', 'stored', 'validated', 'Vary', 'state'];
      const tr = document.createElement('tr');
      for (const c of cols) {
        const th = document.createElement('th');
        th.textContent = c;
        tr.append(th);
      }
      table.createTHead().append(tr);
      const body = table.createTBody();
      const now = Date.now();
      for (const e of this.#entries) {
        const row = body.insertRow();
        row.className = e.expired ? 'expired' : e.stale ? 'stale' : '';
        const vary = e.vary ? Object.entries(e.vary).map(([k, v]) => `${k}: ${v}`).join('; ') : '';
        const cells = [e.url, e.version, e.etag || e.lastModified || '–', bytes(e.size), ago(now - e.storedAt),
          ago(now - e.validatedAt), vary, e.expired ? 'expired' : e.stale ? 'stale' : 'fresh'];
        cells.forEach((text, i) => {
          const td = row.insertCell();
          td.textContent = text;
          if (i === 0) td.className = 'url';
        });
      }
      box.append(table);
      root.lastChild.replaceWith(box);
    }
  }

  registry.define(name, EtagCacheInspector);
  return EtagCacheInspector;
}
