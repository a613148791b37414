/**
 * Reproduces the shipped model (resources/models/default): trains it on MIT-BIH DS1 only; runs
 * the same training as 3 patient-grouped folds over DS1's 22 records, so that every DS1 record is
 * scanned by a model that never saw it; picks the beat rule on those out-of-fold scans
 * (scripts/tune-beat-threshold.ts --cv-run); and copies the model into resources/models/default
 * (MODEL_CARD.md is kept). Then `npm run reproduce:scan` measures it on DS2 and the other databases.
 *
 *   npm run train:default-model            # ≈ 70 min on 2 cores (the folds run two at a time)
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'runs', 'default-model');
const cvOut = join(root, 'runs', 'default-model-cv');

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

/** The same training as 3 patient-grouped folds over DS1 (for the out-of-fold beat rule). */
export const OOF_FOLDS = 3;
const cvArgs = (fold: number): string[] => [
  'cv', 'mitdb', '--task', 'normal-apb-pvc', '--normal', 'aami', '--max-normal-per-record', '120',
  '--records', 'ds1', '--resample', '180', '--method', 'classifier', '--protocol', 'patient',
  '--folds', String(OOF_FOLDS), '--fold', String(fold), '--preset', 'paper-fast', '--seed', '1',
  '--workers', '0', '--no-store', '--backend', 'wasm', '--out', cvOut,
]; // prettier-ignore

function run(args: string[]): void {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Runs commands two at a time (one wasm thread each), failing on the first that fails. */
async function runParallel(commands: string[][]): Promise<void> {
  const queue = [...commands];
  const lane = async (): Promise<void> => {
    for (let args = queue.shift(); args; args = queue.shift()) {
      const child = spawn(process.execPath, args, {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, BEATLENS_WASM_THREADS: '1' },
      });
      const code = await new Promise<number | null>((done) => child.on('exit', done));
      if (code !== 0) process.exit(code ?? 1);
    }
  };
  await Promise.all([lane(), lane()]);
}

rmSync(out, { recursive: true, force: true });
rmSync(cvOut, { recursive: true, force: true });
const cli = join(root, 'bin', 'beatlens.mjs');
await runParallel([
  [cli, ...DEFAULT_MODEL_ARGS],
  ...Array.from({ length: OOF_FOLDS }, (_, k) => [cli, ...cvArgs(k)]),
]);
run([
  '--import',
  'tsx',
  join(root, 'scripts', 'tune-beat-threshold.ts'),
  '--model',
  join(out, 'model'),
  '--cv-run',
  cvOut,
  '--beats-dir',
  join(root, 'docs', 'results', 'mitdb', 'ds1-oof-beats'),
  '--write',
]);
const dest = join(root, 'resources', 'models', 'default');
mkdirSync(dest, { recursive: true });
for (const f of readdirSync(dest)) if (f !== 'MODEL_CARD.md') rmSync(join(dest, f));
cpSync(join(out, 'model'), dest, { recursive: true });
console.log(
  `copied ${join(out, 'model')} to ${dest}${existsSync(join(dest, 'MODEL_CARD.md')) ? ' (model card kept)' : ''}`,
);
