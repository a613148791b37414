#!/usr/bin/env node
/**
 * Builds the app: main process, preload and the browser-serve entry with esbuild (CommonJS for
 * Electron; ESM for the Node server), and the renderer with Vite.
 * The cross-validation fold worker is bundled too (fold-worker.cjs), since a packaged app has no
 * TypeScript sources or tsx to fork fold-worker.ts with (see foldWorkerLaunch in
 * src-main/train/workers.ts).
 * Usage: node scripts/build.mjs [--renderer-only|--main-only] [--main-outdir DIR]
 */
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.find((a) => a === '--renderer-only' || a === '--main-only');
// --main-outdir DIR: write the main-process bundles elsewhere (the fold-worker test does).
const outdirAt = args.indexOf('--main-outdir');
const mainOutdir = outdirAt >= 0 ? resolve(args[outdirAt + 1]) : resolve(root, 'dist-main');

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
      'fold-worker': resolve(root, 'src-main/train/fold-worker.ts'),
    },
    outdir: mainOutdir,
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
console.log(
  only === '--renderer-only'
    ? 'built dist-renderer/'
    : `built ${mainOutdir}${only === '--main-only' ? '' : ' and dist-renderer/'}`,
);
