/**
 * Builds the renderer (Svelte 5 + d3) into dist-renderer/. `base: './'` keeps asset URLs
 * relative, so the same bundle loads from Electron's beatlens://app/ and from the loopback HTTP
 * bridge. The Content-Security-Policy `<meta>` tag is written from the one definition in
 * src-main/app/csp.ts (both servers also send it as a header).
 */
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { RENDERER_CSP_META } from './src-main/app/csp.ts';

const cspMeta: Plugin = {
  name: 'beatlens-csp-meta',
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: RENDERER_CSP_META },
      injectTo: 'head',
    },
  ],
};

const root = fileURLToPath(new URL('./src-renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [cspMeta, svelte()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist-renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
});
