/**
 * Reproduces the shipped model (resources/models/default): trains it on MIT-BIH DS1 only, picks
 * its beat rule on DS1 (scripts/tune-beat-threshold.ts), and copies it into resources/models/
 * default (MODEL_CARD.md is kept). Then `npm run reproduce:ds2-beats` measures it on DS2.
 *
 *   npm run train:default-model            # ≈ 15 min on 2 cores
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'runs', 'default-model');

/** The training command of the shipped model. */
export const DEFAULT_MODEL_ARGS = [
  'train', 'mitdb', '--task', 'normal-apb-pvc', '--normal', 'aami', '--max-normal-per-record',
  '120', '--records', 'ds1', '--resample', '180', '--method', 'classifier', '--preset',
  'paper-fast', '--seed', '1', '--backend', 'wasm',
  '--name', 'beatlens MIT-BIH DS1 (classifier, AAMI normal)',
  '--description',
  'N (AAMI: N, L, R, e, j) / APB / PVC segments of MIT-BIH DS1, 2 leads (MLII + V1/V2/V4/V5) at 180 Hz',
  '--out', out,
]; // prettier-ignore

function run(args: string[]): void {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

rmSync(out, { recursive: true, force: true });
run([join(root, 'bin', 'beatlens.mjs'), ...DEFAULT_MODEL_ARGS]);
run([
  '--import',
  'tsx',
  join(root, 'scripts', 'tune-beat-threshold.ts'),
  '--model',
  join(out, 'model'),
  '--write',
]);
const dest = join(root, 'resources', 'models', 'default');
mkdirSync(dest, { recursive: true });
for (const f of readdirSync(dest)) if (f !== 'MODEL_CARD.md') rmSync(join(dest, f));
cpSync(join(out, 'model'), dest, { recursive: true });
console.log(
  `copied ${join(out, 'model')} to ${dest}${existsSync(join(dest, 'MODEL_CARD.md')) ? ' (model card kept)' : ''}`,
);
