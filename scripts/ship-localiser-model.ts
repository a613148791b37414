/**
 * Ships the model that localises the abnormal beats best, MIL + normal class + rhythm trained on
 * MIT-BIH DS1 (the DS1 → DS2 row of the README's Table 1, docs/results/mitdb/inter-patient/
 * mil-none-normal-rr), as resources/models/localiser: copies that row's fold model out of its run
 * folder (MODEL_CARD.md is kept), leaves its weights and config as they are, and writes into its
 * meta what a user and a grade study need (name, description, leads, training records) and its
 * provenance (run, data, code, versions). The copy is loaded once (loadModel checks the weights'
 * SHA-256 against the manifest) before it replaces the shipped folder. Running it again gives the same folder.
 *
 *   npm run ship:localiser-model
 *   npm run ship:localiser-model -- --runs DIR   # the runs folder of reproduce:mitdb (runs/mitdb)
 */
import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { MITDB_SECOND_LEADS } from '../src-main/ecg/prepare';
import {
  MITDB_ROWS,
  NORMAL_PER_RECORD,
  rowName,
  rowRunDir,
} from '../src-main/experiments/mitdb-results';
import { amendModelMeta } from '../src-main/infer/models';
import { initBackend } from '../src-main/model/backend';
import { loadModel, type ModelManifest } from '../src-main/model/weights';
import { DS1_RECORDS } from '../src-main/train/splitters';

const root = resolve(import.meta.dirname, '..');
const ROW = 'inter-patient/mil-none-normal-rr';
const row = MITDB_ROWS.find((r) => `${r.protocol}/${rowName(r)}` === ROW)!;
const runsArg = process.argv.indexOf('--runs');
const runsDir = resolve(runsArg >= 0 ? process.argv[runsArg + 1] : join(root, 'runs', 'mitdb'));
const runDir = rowRunDir(runsDir, row);
const foldDir = join(runDir, 'folds', '0');
const modelDir = join(foldDir, 'model');
const resultsDir = join(root, 'docs', 'results', 'mitdb', row.protocol, rowName(row));
const dest = join(root, 'resources', 'models', 'localiser');
/** A path as the repository names it (absolute when outside it). */
const rel = (p: string): string => (relative(root, p).startsWith('..') ? p : relative(root, p));

function fail(message: string): never {
  console.error(`ship-localiser-model: ${message}`);
  process.exit(1);
}

for (const f of ['run.json', 'folds/0/result.json', 'folds/0/model/model.json']) {
  if (!existsSync(join(runDir, f))) {
    fail(
      `${rel(join(runDir, f))} is missing: train it with \`npm run reproduce:mitdb -- --only ${ROW}\``,
    );
  }
}

interface RunJson {
  runId: string;
  command: string;
  config: { dataset: string; task: string };
  versions: Record<string, unknown>;
  code: Record<string, unknown>;
  dataFingerprint: string;
}
interface FoldResultJson {
  modelChecksum: string;
  code: Record<string, unknown>;
  dataFingerprint: string;
}
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const run = readJson<RunJson>(join(runDir, 'run.json'));
const result = readJson<FoldResultJson>(join(foldDir, 'result.json'));

const source = readJson<ModelManifest>(join(modelDir, 'model.json'));
if (source.method !== 'mil' || source.config.rhythmChannels !== 2) {
  fail(`${rel(modelDir)} is a ${source.method} model, not MIL with rhythm channels`);
}
if (result.modelChecksum !== source.weightsSha256) {
  fail(`${rel(modelDir)}: its weightsSha256 is not the checksum its result.json records`);
}

// Built beside the destination and renamed into place, so a failed check leaves it as it was.
const tmp = `${dest}.${process.pid}.tmp`;
rmSync(tmp, { recursive: true, force: true });
cpSync(modelDir, tmp, { recursive: true });
const card = join(dest, 'MODEL_CARD.md');
if (existsSync(card)) cpSync(card, join(tmp, 'MODEL_CARD.md'));

amendModelMeta(tmp, {
  name: 'beatlens MIT-BIH DS1 (MIL + normal class + rhythm)',
  description: `N (symbol N only) / APB / PVC segments of MIT-BIH DS1 (at most ${NORMAL_PER_RECORD} all-N per record), 2 leads (MLII + ${MITDB_SECOND_LEADS.join('/')}) + 2 rhythm channels at 180 Hz`,
  leads: ['MLII|II', MITDB_SECOND_LEADS.join('|')],
  trainingRecords: [...DS1_RECORDS],
  runId: run.runId,
  dataset: run.config.dataset,
  task: run.config.task,
  dataFingerprint: result.dataFingerprint,
  code: result.code,
  versions: run.versions,
  command: run.command,
  source: `fold 0 (DS1 → DS2) of ${rel(runDir)}, \`npm run reproduce:mitdb -- --only ${ROW}\`; its results: ${rel(resultsDir)}`,
});

// The copy must load as the model it was: loadModel checks weights.bin against weightsSha256.
await initBackend('cpu');
try {
  (await loadModel(tmp)).dispose();
} catch (e) {
  rmSync(tmp, { recursive: true, force: true });
  fail(`the copy of ${rel(modelDir)} does not load: ${(e as Error).message.split('\n')[0]}`);
}
rmSync(dest, { recursive: true, force: true });
renameSync(tmp, dest);
console.log(
  `copied ${rel(modelDir)} to ${rel(dest)} (weights SHA-256 ${source.weightsSha256}${existsSync(card) ? ', model card kept' : ''})`,
);
