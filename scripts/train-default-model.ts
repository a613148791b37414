/**
 * Reproduces the shipped model (resources/models/default): trains it on MIT-BIH DS1 with extra
 * normal segments of other recorders and recorder augmentation; runs the same training as 3 patient-grouped folds over DS1's 22 records, so that every DS1 record is
 * scanned by a model that never saw it; picks the beat rule on those out-of-fold scans
 * (scripts/tune-beat-threshold.ts --cv-run), measuring the out-of-fold scans as other recorders
 * would give DS1 too (leads swapped, inverted, second lead only); and copies the model into
 * resources/models/default (MODEL_CARD.md is kept). Then `npm run train:beat-head` refits the beat
 * head on the out-of-fold beats and `npm run reproduce:scan` measures it on DS2 and elsewhere.
 *
 *   npm run train:default-model [-- --variant augmented|mitdb-only] [--folds-only] [--no-ship]
 *
 * --variant augmented (the default, shipped): `--augment --extra-normal ludb,cinc2021-sample
 *   --epochs 12` (runs/default-model-augmented*, beats in docs/results/mitdb/ds1-oof-beats-augmented).
 * --variant mitdb-only: the command shipped before it, MIT-BIH DS1 alone, no augmentation
 *   (runs/default-model*, beats in docs/results/mitdb/ds1-oof-beats).
 * --variant lodo-ludb | lodo-cinc: the shipped command without LUDB's (the CinC sample's) sinus
 *   records, for leave-one-database-out rows (use with --no-ship; then
 *   `npm run reproduce:scan -- --model runs/default-model-lodo-ludb/model --only ludb --out …`).
 * --folds-only: only the out-of-fold runs and their measures (nothing written into a model).
 * --no-ship: leave resources/models/default alone.
 * Resumable: a finished fold (result.json) or final model (model/model.json of the same command)
 * is kept; `--fresh` starts over. About 25 min on 2 cores (two trainings at a time, one thread each;
 * 10 min of them for the four augmented trainings, at commit 53713cf).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const flag = (name: string): boolean => process.argv.includes(`--${name}`);
const variantAt = process.argv.indexOf('--variant');
const variant = variantAt >= 0 ? process.argv[variantAt + 1] : 'augmented';

/** The shipped command's additions, with the sinus records of `extraNormal` (comma-separated). */
const augmentedWith = (extraNormal: string): string[] => [
  '--augment', '--extra-normal', extraNormal, '--epochs', '12',
]; // prettier-ignore

/**
 * The shipped command (`augmented`, since the decision in
 * docs/results/mitdb/ds1-oof-beats-augmented/README.md), the one it replaced (`mitdb-only`) and
 * the leave-one-database-out ones (`lodo-…`): what each adds to the common arguments, its name,
 * and where it writes.
 */
const VARIANTS: Record<
  string,
  { extra: string[]; suffix: string; name: string; description: string }
> = {
  augmented: {
    extra: augmentedWith('ludb,cinc2021-sample'),
    suffix: '-augmented',
    name: 'beatlens MIT-BIH DS1 + sinus LUDB/CinC (classifier, augmented)',
    description:
      "N (AAMI: N, L, R, e, j) / APB / PVC segments of MIT-BIH DS1 at 180 Hz, with NORMAL segments of the training half of LUDB's and the CinC 2021 sample's sinus records without ectopy, trained with recorder augmentation (lead order and choice, gain, polarity, baseline wander, noise, time-stretch)",
  },
  // Leave-one-database-out: the shipped command without one of the two extra databases, so
  // that database's test half is scored by a model that never saw any of its records.
  'lodo-ludb': {
    extra: augmentedWith('cinc2021-sample'),
    suffix: '-lodo-ludb',
    name: 'beatlens MIT-BIH DS1 + sinus CinC (classifier, augmented; LUDB left out)',
    description:
      "As the shipped model, without LUDB's sinus records: for the leave-one-database-out row of LUDB",
  },
  'lodo-cinc': {
    extra: augmentedWith('ludb'),
    suffix: '-lodo-cinc',
    name: 'beatlens MIT-BIH DS1 + sinus LUDB (classifier, augmented; CinC left out)',
    description:
      "As the shipped model, without the CinC sample's sinus records: for the leave-one-database-out row of the CinC sample",
  },
  'mitdb-only': {
    extra: [],
    suffix: '',
    name: 'beatlens MIT-BIH DS1 (classifier, AAMI normal)',
    description:
      'N (AAMI: N, L, R, e, j) / APB / PVC segments of MIT-BIH DS1, 2 leads (MLII + V1/V2/V4/V5) at 180 Hz',
  },
};
const chosen = VARIANTS[variant];
if (!chosen) {
  process.stderr.write(`--variant ${variant}: not one of ${Object.keys(VARIANTS).join(', ')}\n`);
  process.exit(2);
}
const out = join(root, 'runs', `default-model${chosen.suffix}`);
const cvOut = join(root, 'runs', `default-model${chosen.suffix}-cv`);
const beatsDir = join(root, 'docs', 'results', 'mitdb', `ds1-oof-beats${chosen.suffix}`);

/** The training command of the variant's final model (all of DS1). */
export const DEFAULT_MODEL_ARGS = [
  'train', 'mitdb', '--task', 'normal-apb-pvc', '--normal', 'aami', '--max-normal-per-record',
  '120', '--records', 'ds1', '--resample', '180', '--method', 'classifier', '--preset',
  'paper-fast', '--seed', '1', '--backend', 'wasm',
  '--name', chosen.name,
  '--description', chosen.description,
  '--out', out,
  ...chosen.extra,
]; // prettier-ignore

/** The same training as 3 patient-grouped folds over DS1 (for the out-of-fold beat rule). */
export const OOF_FOLDS = 3;
const cvArgs = (fold: number): string[] => [
  'cv', 'mitdb', '--task', 'normal-apb-pvc', '--normal', 'aami', '--max-normal-per-record', '120',
  '--records', 'ds1', '--resample', '180', '--method', 'classifier', '--protocol', 'patient',
  '--folds', String(OOF_FOLDS), '--fold', String(fold), '--preset', 'paper-fast', '--seed', '1',
  '--workers', '0', '--no-store', '--backend', 'wasm', '--out', cvOut, ...chosen.extra,
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

/** Whether `dir` holds a finished model trained by exactly these arguments (run.json's command). */
function finished(dir: string, args: string[]): boolean {
  const runJson = join(dir, 'run.json');
  if (!existsSync(join(dir, 'model', 'model.json')) || !existsSync(runJson)) return false;
  const run = JSON.parse(readFileSync(runJson, 'utf8')) as { command?: string };
  return run.command === `beatlens ${args.join(' ')}`;
}

if (flag('fresh')) {
  rmSync(out, { recursive: true, force: true });
  rmSync(cvOut, { recursive: true, force: true });
}
const cli = join(root, 'bin', 'beatlens.mjs');
const folds = Array.from({ length: OOF_FOLDS }, (_, k) => [cli, ...cvArgs(k)]);
const trainFinal = !flag('folds-only') && !finished(out, DEFAULT_MODEL_ARGS);
await runParallel(trainFinal ? [[cli, ...DEFAULT_MODEL_ARGS], ...folds] : folds);
run([
  '--import',
  'tsx',
  join(root, 'scripts', 'tune-beat-threshold.ts'),
  '--model',
  flag('folds-only') ? join(root, 'resources', 'models', 'default') : join(out, 'model'),
  '--cv-run',
  cvOut,
  '--beats-dir',
  beatsDir,
  '--presentations',
  'swapped,inverted,one-lead',
  '--summary',
  join(beatsDir, 'summary.json'),
  ...(flag('folds-only') ? [] : ['--write']),
]);
if (!flag('folds-only') && !flag('no-ship')) {
  const dest = join(root, 'resources', 'models', 'default');
  mkdirSync(dest, { recursive: true });
  for (const f of readdirSync(dest)) if (f !== 'MODEL_CARD.md') rmSync(join(dest, f));
  cpSync(join(out, 'model'), dest, { recursive: true });
  console.log(
    `copied ${join(out, 'model')} to ${dest}${existsSync(join(dest, 'MODEL_CARD.md')) ? ' (model card kept)' : ''}`,
  );
}
