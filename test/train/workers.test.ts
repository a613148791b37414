import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { foldWorkerLaunch } from '../../src-main/train/workers';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Under node_modules so the bundles resolve their externals (better-sqlite3) and the tfjs wasm
// package from the project, as dist-main/ does.
const cacheDir = join(ROOT, 'node_modules', '.cache');
mkdirSync(cacheDir, { recursive: true });
const tmp = mkdtempSync(join(cacheDir, 'beatlens-fold-worker-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('foldWorkerLaunch', () => {
  it('runs fold-worker.ts through tsx from the sources', () => {
    const l = foldWorkerLaunch();
    expect(l.bundled).toBe(false);
    expect(l.script).toBe(join(ROOT, 'src-main', 'train', 'fold-worker.ts'));
    expect(l.execArgv).toEqual(['--import', 'tsx']);
  });

  it('from a CommonJS bundle, picks fold-worker.cjs beside it, or says to rebuild', () => {
    const dir = join(tmp, 'choice');
    mkdirSync(dir);
    const bundle = pathToFileURL(join(dir, 'main.cjs')).href;
    expect(() => foldWorkerLaunch(bundle)).toThrow(/fold-worker\.cjs not found: rebuild/);
    writeFileSync(join(dir, 'fold-worker.cjs'), '');
    expect(foldWorkerLaunch(bundle)).toEqual({
      script: join(dir, 'fold-worker.cjs'),
      execArgv: [],
      bundled: true,
    });
  });
});

describe('bundled fold worker', () => {
  it(
    'scripts/build.mjs bundles it, and a bundle trains a fold with it under plain node',
    { timeout: 90_000 },
    async () => {
      const dist = join(tmp, 'dist-main');
      execFileSync(process.execPath, ['scripts/build.mjs', '--main-only', '--main-outdir', dist], {
        cwd: ROOT,
        stdio: 'pipe',
      });
      expect(existsSync(join(dist, 'fold-worker.cjs'))).toBe(true);
      // The driver stands in for the app's main bundle: CommonJS with import.meta.url defined
      // the way scripts/build.mjs defines it.
      await build({
        entryPoints: [join(ROOT, 'test', 'train', 'fixtures', 'fold-driver.ts')],
        outfile: join(dist, 'driver.cjs'),
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        define: { 'import.meta.url': '__importMetaUrl' },
        banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
        external: ['better-sqlite3', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
        logLevel: 'silent',
      });
      const env = { ...process.env };
      delete env.NODE_OPTIONS; // plain node: no loader inherited from the test runner
      const out = execFileSync(process.execPath, [join(dist, 'driver.cjs'), join(tmp, 'run')], {
        cwd: tmp,
        env,
        encoding: 'utf8',
        timeout: 80_000,
      });
      const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
        launch: { script: string; execArgv: string[]; bundled: boolean };
        backend: string;
        tsxLoaded: boolean;
        trainEvents: number;
        fold: number;
        nTest: number;
        nTestExpected: number;
        accuracy: number;
        modelDir: string;
      };
      expect(r.launch).toEqual({
        script: join(dist, 'fold-worker.cjs'),
        execArgv: [],
        bundled: true,
      });
      expect(r.tsxLoaded).toBe(false);
      // The wasm backend finds its binaries from the bundle, as in the packaged app.
      expect(r.backend).toBe('wasm');
      expect(r.trainEvents).toBeGreaterThan(0);
      expect(r.fold).toBe(0);
      expect(r.nTest).toBe(r.nTestExpected);
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
      expect(existsSync(r.modelDir)).toBe(true);
    },
  );
});
