// Types of inspector.js: a development aid, <etag-cache-inspector>, a live table of a cache's entries.
import type { EtagCache } from './etag-cache.js';

/** The element: set `cache` to show what it holds; it refreshes on the cache's events. */
export interface EtagCacheInspectorElement extends HTMLElement {
  cache: EtagCache | null;
  /** Reads the listing again; it fires a `refreshed` event when the table is drawn. */
  refresh(): Promise<void>;
}

/** Registers the element under name (default 'etag-cache-inspector'); undefined outside a browser. */
export function defineInspector(name?: string): (new () => EtagCacheInspectorElement) | undefined;

/** A duration in ms as a short "ago" text. */
export function ago(ms: number): string;

/** A byte count as a short text. */
export function bytes(n: number): string;
