#!/usr/bin/env node
/**
 * Builds the app: main process, preload and the browser-serve entry with esbuild (CommonJS for
 * Electron; ESM for the Node server), and the renderer with Vite.
 * Usage: node scripts/build.mjs [--renderer-only|--main-only]
 */
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2];

if (only !== '--renderer-only') {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: false,
    logLevel: 'warning',
  };
  await esbuild({
    ...common,
    entryPoints: {
      main: resolve(root, 'src-main/main.ts'),
      preload: resolve(root, 'src-main/preload.ts'),
      'job-worker': resolve(root, 'src-main/app/job-worker.ts'),
    },
    outdir: resolve(root, 'dist-main'),
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    // Modules written as ESM read import.meta.url; give the CommonJS bundle the file's own URL.
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    external: ['electron', 'better-sqlite3', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  });
}
if (only !== '--main-only') {
  await viteBuild({ configFile: resolve(root, 'vite.config.ts') });
}
console.log('built dist-main/ and dist-renderer/');
