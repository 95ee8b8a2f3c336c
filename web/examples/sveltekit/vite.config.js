// SvelteKit 3 takes its configuration here (svelte.config.js is gone).
import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// Where the sample API runs: `make demo` serves it on 127.0.0.1:8080; the e2e test starts its own and sets this.
const api = process.env.ETAG_CACHE_API || 'http://127.0.0.1:8080';

// The browser only ever talks to this origin: /api/* is proxied to the sample API, so requests are same-origin
// (no CORS preflight for If-None-Match, ETag readable without Access-Control-Expose-Headers), as they are in
// production behind one reverse proxy.
const proxy = { '/api': { target: api, changeOrigin: true } };

export default defineConfig({
  plugins: [
    sveltekit({
      // Every page is prerendered to a static shell; grades are read in the browser only. The output in build/
      // can be served by any static server (which must send .wasm as application/wasm).
      adapter: adapter(),
    }),
  ],
  server: { proxy },
  preview: { proxy },
});
