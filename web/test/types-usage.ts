// Compile-only check of etag-cache.d.ts and svelte.d.ts (`make test-types`: the pinned typescript, tsc --strict).
// Never run; every line states something the declarations must accept, and the @ts-expect-error lines something
// they must refuse.
import {
  createCache, EtagCache, type CacheMode, type CacheResult, type CacheStats, type EtagCacheError,
} from '../etag-cache.js';
import { cachedStore, type CachedValue } from '../svelte.js';
import { defineInspector, type EtagCacheInspectorElement } from '../inspector.js';
import type { EntryInfo } from '../etag-cache.js';

interface Grade {
  id: number;
  student: string;
  score: number;
}

export async function usage(render: (g: Grade[]) => void): Promise<void> {
  const cache: EtagCache = await createCache({
    version: 'v3',
    ttl: 7 * 24 * 3600 * 1000,
    dbName: 'etag-cache',
    namespace: 'user-42',
    wasmURL: '/static/etag-cache.wasm',
    fetchInit: { credentials: 'include', headers: { Authorization: 'Token abc' } },
    maxEntries: 5000,
    maxBytes: 50e6,
    storage: 'auto',
    revalidateOnFocus: false,
  });
  await createCache({ version: 'v1', fetchInit: { headers: new Headers() } });
  await createCache({ version: 'v1', fetchInit: { headers: [['X-A', '1']] }, wasmURL: new URL('https://x/y.wasm') });
  // @ts-expect-error version is required
  await createCache({ ttl: 5 });
  // @ts-expect-error storage is one of three words
  await createCache({ version: 'v', storage: 'localStorage' });
  // @ts-expect-error revalidateOnFocus is a boolean
  await createCache({ version: 'v', revalidateOnFocus: 'yes' });

  const r: CacheResult<Grade[]> = await cache.get<Grade[]>('/api/grades/', {
    onUpdate: (fresh) => render(fresh.data),
    headers: { 'X-Term': '2' },
  });
  const controller = new AbortController();
  const fresh = await cache.get<Grade[]>('/api/grades/', { cache: 'no-cache', signal: controller.signal });
  for (const mode of ['default', 'no-cache', 'reload', 'force-cache', 'only-if-cached'] as CacheMode[]) {
    await cache.get('/api/grades/', { cache: mode });
  }
  // @ts-expect-error no-store is not a mode of this cache
  await cache.get('/api/grades/', { cache: 'no-store' });
  // @ts-expect-error signal is an AbortSignal
  await cache.get('/api/grades/', { signal: controller });
  render(fresh.data);
  const source: 'cache' | 'network' = r.source;
  const etag: string | null = r.etag;
  const when: number = r.storedAt + r.validatedAt;
  render(r.data);
  void [source, etag, when, r.status, r.lastModified, r.stale, r.headers['content-type'], r.parseError?.message];

  cache.addEventListener('update', (e) => {
    const d: CacheResult = e.detail;
    void d.data;
  });
  cache.addEventListener('revalidated', (e) => {
    const status: 200 | 304 = e.detail.status;
    void [status, e.detail.validatedAt, e.detail.url];
  });
  cache.addEventListener('error', (e) => {
    const kind: 'network' | 'timeout' | 'http-status' | 'storage' = e.detail.kind;
    const retrying: boolean = e.detail.retrying;
    void [kind, e.detail.message, e.detail.status, retrying];
  });
  cache.addEventListener('offline', (e) => {
    const cause: 'browser' | 'request' = e.detail.cause;
    void cause;
  });
  cache.addEventListener('online', (e) => void e.detail.cause);
  const online: boolean = cache.online;
  void online;
  cache.addEventListener('evict', (e) => void e.detail.reason);
  cache.addEventListener('warning', (e) => void [e.detail.code, e.detail.message, e.detail.url]);
  cache.addEventListener('custom-thing', (e: Event) => void e.type);

  const off: () => void = cache.subscribe<Grade[]>('/api/grades/', (result) => render(result.data), {
    onError: (err: EtagCacheError) => {
      if (err.name === 'HttpStatusError') void err.status;
    },
  });
  off();
  await cache.invalidate('/api/grades/');
  const n: number = await cache.clear();
  await cache.clear({ all: true });
  const s: CacheStats = await cache.stats();
  void [n, s.entries, s.bytes, s.hits, s.misses, s.revalidations, s.notModified, s.updates, s.errors];
  const where: 'indexeddb' | 'memory' | 'none' = cache.storage;
  const ready: Promise<void> = cache.ready;
  void [where, ready];
  await cache.close();

  // @ts-expect-error the constructor is private
  new EtagCache();

  try {
    await cache.get('');
  } catch (e) {
    const err = e as EtagCacheError;
    switch (err.name) {
      case 'TypeError':
      case 'StorageUnavailableError':
      case 'NetworkError':
      case 'TimeoutError':
      case 'HttpStatusError':
      case 'NotCachedError':
      case 'AbortError':
      case 'EtagCacheError':
        break;
    }
  }
}

export function svelteUsage(cachePromise: Promise<EtagCache> | null): void {
  const grades = cachedStore<Grade[]>(cachePromise, '/api/grades/', { headers: { 'X-Term': '2' } });
  const unsub = grades.subscribe((v: CachedValue<Grade[]>) => {
    if (v.loading) return;
    if (v.error) void v.error.name;
    const rows: Grade[] | undefined = v.data;
    const src: 'cache' | 'network' | null = v.source;
    const flags: boolean[] = [v.stale, v.revalidating, v.pending];
    void [rows, src, flags];
  });
  unsub();
  const done: Promise<void> = grades.refresh();
  void done;
  cachedStore(null, '/x');
  cachedStore(undefined, new URL('https://x/y'));

  // A URL from a store shaped like svelte/store's Readable<string> (a route parameter).
  const page: { subscribe(run: (value: string) => void, invalidate?: () => void): () => void } = {
    subscribe: (run) => {
      run('/api/students/7/');
      return () => {};
    },
  };
  cachedStore<Grade[]>(cachePromise, page);
  // @ts-expect-error a number is neither a URL nor a store of URLs
  cachedStore(cachePromise, 42);
}

export async function inspectorUsage(cache: EtagCache): Promise<void> {
  const list: EntryInfo[] = await cache.entries();
  for (const e of list) {
    const v: Record<string, string> | null = e.vary;
    void [e.url, e.version, e.etag, e.size, e.storedAt, e.validatedAt, e.stale, e.expired, v];
  }
  const Inspector = defineInspector();
  if (Inspector) {
    const el: EtagCacheInspectorElement = new Inspector();
    el.cache = cache;
    await el.refresh();
  }
  // @ts-expect-error the element takes a cache, not a promise of one
  (document.createElement('div') as unknown as EtagCacheInspectorElement).cache = Promise.resolve(cache);
}

// Writes (mutate and the outbox).
export async function writes(cache: EtagCache): Promise<void> {
  const r = await cache.mutate<{ score: number }>('/api/grades/7/', {
    method: 'PUT', body: { score: 88 }, ifMatch: 'auto', invalidates: ['/api/grades/'],
    optimistic: (cur) => ({ ...cur, score: 88 }), queue: true,
  });
  if (!r.queued) {
    const s: number = r.data.score;
    void s;
  }
  const ob = await cache.outbox();
  if (ob.length > 0 && ob[0].state === 'failed') await cache.retry(ob[0].id);
  await cache.flush();
  cache.addEventListener('conflict', (e) => void e.detail.current);
  const st = await cache.stats();
  const n: number = st.pending + st.failed;
  void n;
}
