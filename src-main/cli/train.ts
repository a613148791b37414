/**
 * Training commands: `train`, `cv`, `predict`, `export`. They parse options, call the core
 * modules in src-main/train and print; progress goes to stderr, results to stdout / --out.
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { BeatlensError } from '../errors';
import { DEFAULT_AUGMENT } from '../ecg/augment';
import { parseSinusDatabases, type SinusDatabase } from '../ecg/sinus-records';
import { loadRecordFile } from '../ecg/import/load';
import { initBackend, type BackendPreference } from '../model/backend';
import { ATTENTION_PENALTY_KINDS } from '../model/regularisers';
import { loadModel } from '../model/weights';
import { METHODS, POOLINGS, type Method, type Pooling } from '../model/types';
import { defaultStorePath, openStore } from '../store';
import {
  PROTOCOLS,
  runCrossValidation,
  type CvEvent,
  type CvResult,
  type Protocol,
} from '../train/cross-validation';
import { loadTaskDataset } from '../train/task-data';
import { DS1_RECORDS, DS2_RECORDS } from '../train/splitters';
import { fitFinalModel } from '../train/fit';
import { predictRecord } from '../train/predict';
import { getPreset, PRESET_NAMES, type TrainPreset } from '../train/presets';
import { cvTableMarkdown, flattenRun, toCsv } from '../train/report';
import type { TrainProgress } from '../train/trainer';

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new BeatlensError('cli-option', `--${name}=${v} must be an integer >= ${min}`);
  }
  return n;
}

function unitInterval(name: string, v: string): number {
  const n = Number(v);
  if (!(n > 0 && n <= 1)) throw new BeatlensError('cli-option', `--${name}=${v} must be in (0, 1]`);
  return n;
}

function oneOf<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) {
    throw new BeatlensError('cli-option', `--${name}=${v} must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

const fmtSeconds = (s: number): string => {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;
};

/** Progress on stderr: one line per epoch, plus at most one batch line every 5 s. */
function progressPrinter(label: string): (p: TrainProgress, folds?: number) => void {
  let last = 0;
  return (p, folds) => {
    const fold = p.fold >= 0 ? `fold ${p.fold + 1}${folds ? `/${folds}` : ''} ` : '';
    const head = `${label} ${fold}epoch ${p.epoch + 1}/${p.epochs}`;
    if (p.kind === 'epoch') {
      const val = Number.isFinite(p.valLoss ?? NaN)
        ? ` val_loss ${p.valLoss!.toFixed(4)} val_acc ${(100 * p.valAccuracy!).toFixed(1)}%`
        : '';
      process.stderr.write(
        `${head} loss ${p.loss.toFixed(4)}${val} ETA ${fmtSeconds(p.etaSeconds)}\n`,
      );
    } else if (Date.now() - last > 5000) {
      last = Date.now();
      process.stderr.write(
        `${head} batch ${p.batch + 1}/${p.batches} loss ${p.loss.toFixed(4)} ETA ${fmtSeconds(p.etaSeconds)}\n`,
      );
    }
  };
}

interface CommonOpts {
  task: string;
  preset: string;
  epochs?: string;
  attentionPenalty?: string;
  attentionPenaltyKind?: string;
  complementPenalty?: string;
  seed: string;
  nSegments: string;
  fs: string;
  dataDir?: string;
  resample?: string;
  records?: string;
  labels?: string;
  csvFs?: string;
  normal?: string;
  maxNormalPerRecord?: string;
  rhythm?: boolean;
  augment?: boolean;
  extraNormal?: string;
  width: string;
  kernel?: string;
  backend: string;
  out: string;
}

/** The MIT-BIH options of a dataset spec (--data-dir, --resample, --records). */
function mitdbSpec(o: CommonOpts): {
  dataDir?: string;
  resampleHz?: number;
  records?: string[];
  labels?: string;
  csvFs?: number;
  normal?: 'symbol' | 'aami';
  maxNormalPerRecord?: number;
  rhythm?: boolean;
  extraNormal?: SinusDatabase[];
} {
  const resampleHz = o.resample === undefined ? undefined : Number(o.resample);
  if (resampleHz !== undefined && !(resampleHz > 0)) {
    throw new BeatlensError('cli-option', `--resample=${o.resample} must be a rate in Hz`);
  }
  const named: Record<string, readonly string[]> = { ds1: DS1_RECORDS, ds2: DS2_RECORDS };
  const records = o.records
    ?.split(',')
    .map((r) => r.trim())
    .filter(Boolean)
    .flatMap((r) => named[r.toLowerCase()] ?? [r]);
  const csvFs = o.csvFs === undefined ? undefined : Number(o.csvFs);
  if (csvFs !== undefined && !(csvFs > 0)) {
    throw new BeatlensError('cli-option', `--csv-fs=${o.csvFs} must be a rate in Hz`);
  }
  return {
    dataDir: o.dataDir,
    resampleHz,
    records,
    labels: o.labels,
    csvFs,
    ...(o.normal !== undefined
      ? { normal: oneOf('normal', o.normal, ['symbol', 'aami'] as const) }
      : {}),
    ...(o.maxNormalPerRecord !== undefined
      ? { maxNormalPerRecord: int('max-normal-per-record', o.maxNormalPerRecord, 1) }
      : {}),
    ...(o.rhythm ? { rhythm: true } : {}),
    ...(o.extraNormal !== undefined ? { extraNormal: parseSinusDatabases(o.extraNormal) } : {}),
  };
}

function resolvePreset(o: CommonOpts): TrainPreset {
  const name = oneOf('preset', o.preset, PRESET_NAMES);
  return getPreset(name, {
    ...(o.epochs ? { epochs: int('epochs', o.epochs, 1) } : {}),
    ...(o.augment ? { augment: { ...DEFAULT_AUGMENT } } : {}),
    ...(o.attentionPenalty !== undefined ? { attentionPenalty: Number(o.attentionPenalty) } : {}),
    ...(o.complementPenalty !== undefined
      ? { complementPenalty: Number(o.complementPenalty) }
      : {}),
    ...(o.attentionPenaltyKind !== undefined
      ? {
          attentionPenaltyKind: oneOf(
            'attention-penalty-kind',
            o.attentionPenaltyKind,
            ATTENTION_PENALTY_KINDS,
          ),
        }
      : {}),
  });
}

function addCommon(cmd: Command): Command {
  return cmd
    .option('--task <task>', 'labelling task', 'pvc-apb')
    .option('--preset <name>', `training preset: ${PRESET_NAMES.join('|')}`, 'fast')
    .option('--epochs <n>', 'override the preset epochs')
    .option('--attention-penalty <λ>', 'weight of the attention sparsity penalty (0 = off)')
    .option('--attention-penalty-kind <kind>', `${ATTENTION_PENALTY_KINDS.join('|')}`)
    .option(
      '--complement-penalty <λc>',
      'weight of the complement (deletion-game) penalty, joint only (0 = off)',
    )
    .option('--seed <n>', 'seed for data, folds, init and shuffling', '1')
    .option('--n-segments <n>', 'synthetic: number of segments', '300')
    .option('--fs <hz>', 'synthetic: sampling frequency (2000 samples at 360 Hz, scaled)', '360')
    .option('--data-dir <dir>', 'mitdb: WFDB folder (default $BEATLENS_DATA/mitdb)')
    .option(
      '--resample <hz>',
      'mitdb: resample the records to this rate first (segments keep their 5.6 s: 1000 samples at 180 Hz)',
    )
    .option(
      '--records <list>',
      'mitdb: comma-separated record names, or ds1 / ds2 (de Chazal); default all 48',
    )
    .option(
      '--normal <rule>',
      'mitdb: normal beats are symbol N only (symbol, the paper) or AAMI class N: N, L, R, e, j (aami)',
    )
    .option('--max-normal-per-record <n>', 'mitdb: keep at most n NORMAL segments per record')
    .option(
      '--labels <csv>',
      'origin: labels CSV record,label[,patient] for the 12-lead records in --data-dir (task pvc-origin)',
    )
    .option('--csv-fs <hz>', 'origin: sampling frequency of CSV records')
    .option(
      '--rhythm',
      'add two rhythm input channels from the R peaks (is the beat early, does a pause follow it) to the leads',
    )
    .option(
      '--augment',
      'augment every training segment each epoch (lead swap/duplicate/other pair, gain, polarity, baseline wander, noise, ±10 % time-stretch; seeded by --seed)',
    )
    .option(
      '--extra-normal <list>',
      'task normal-apb-pvc: add NORMAL segments of the sinus-rhythm, no-ectopy training records (odd LUDB numbers; CinC by record-id hash) of ludb,cinc2021-sample on a random pair of their leads',
    )
    .option('--width <f>', 'model channel-width multiplier', '1')
    .option('--kernel <n>', 'window pooling kernel in samples (default 150 at 360 Hz)')
    .option('--backend <name>', 'auto|tensorflow|wasm|cpu', 'auto');
}

/** Registers the train commands. */
export function registerTrainCommands(program: Command): void {
  addCommon(
    program
      .command('cv')
      .description('cross-validate methods on a dataset and write a Table-1-style summary')
      .argument(
        '<dataset>',
        'mitdb | synthetic | origin (your labelled 12-lead records) | store (segments prepared in the store)',
      ),
  )
    .option(
      '--method <m>',
      `${METHODS.join('|')}|all (mil localises best; joint is the paper's)`,
      'mil',
    )
    .option('--pooling <p>', POOLINGS.join('|'), 'l2')
    .option('--protocol <p>', PROTOCOLS.join('|'), 'stratified')
    .option('--folds <k>', 'number of folds', '5')
    .option(
      '--fold <list>',
      'run only these folds (0-based, comma-separated); the others stay for a later call',
    )
    .option(
      '--workers <n>',
      'parallel fold processes (0 = in this process)',
      String(defaultWorkers()),
    )
    .option('--store <path>', 'SQLite store (default $BEATLENS_HOME/beatlens.sqlite)')
    .option('--no-store', 'do not record the run in the store')
    .option('--out <dir>', 'output folder', 'runs/cv')
    .action(async (dataset: string, o: CommonOpts & Record<string, string | boolean>) => {
      const method = oneOf('method', String(o.method), [...METHODS, 'all'] as const);
      const methods: Method[] = method === 'all' ? [...METHODS] : [method];
      const pooling = oneOf<Pooling>('pooling', String(o.pooling), POOLINGS);
      const protocol = oneOf<Protocol>('protocol', String(o.protocol), PROTOCOLS);
      const preset = resolvePreset(o);
      const seed = int('seed', o.seed, 0);
      const storePath =
        o.store === false ? null : typeof o.store === 'string' ? o.store : undefined;
      const { data, description, segmentIds } = loadTaskDataset({
        name: dataset,
        task: o.task,
        seed,
        nSegments: int('n-segments', o.nSegments, 2),
        fs: Number(o.fs),
        ...mitdbSpec(o),
        storePath: storePath ?? undefined,
      });
      const out = resolve(o.out);
      const runs: CvResult[] = [];
      for (const method of methods) {
        const print = progressPrinter(method);
        const folds = int('folds', String(o.folds), 2);
        const r = await runCrossValidation({
          config: {
            dataset: description,
            task: o.task,
            protocol,
            k: folds,
            method,
            pooling,
            kernelSamples: o.kernel ? int('kernel', o.kernel, 1) : undefined,
            width: Number(o.width),
            preset,
            seed,
          },
          data,
          outDir: join(out, `${method}-${pooling}${o.rhythm ? '-rr' : ''}-${protocol}`),
          workers: int('workers', String(o.workers), 0),
          storePath,
          segmentIds,
          backend: oneOf<BackendPreference>('backend', o.backend, [
            'auto',
            'tensorflow',
            'wasm',
            'cpu',
          ]),
          command: `beatlens ${process.argv.slice(2).join(' ')}`,
          onlyFolds:
            typeof o.fold === 'string'
              ? o.fold.split(',').map((f) => int('fold', f.trim(), 0))
              : undefined,
          onEvent: (e: CvEvent) => {
            if (e.type === 'train') print(e, folds);
            else if (e.type === 'fold-done') {
              process.stderr.write(
                `${method} fold ${e.fold + 1}/${e.folds} ${e.skipped ? 'already done' : 'done'}: accuracy ${(100 * e.metrics.accuracy).toFixed(2)}% AUC ${e.metrics.aucMacro.toFixed(4)}\n`,
              );
            }
          },
        });
        if (!r.complete) {
          process.stdout.write(
            `${method}: ${r.folds.length} of ${r.meta.config.k} folds finished in ${r.outDir}; run the other folds to complete the table\n`,
          );
          continue;
        }
        runs.push(r);
      }
      if (runs.length === 0) return;
      const table = cvTableMarkdown(runs);
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'table.md'), table);
      process.stdout.write(table);
      process.stderr.write(`wrote ${join(out, 'table.md')}\n`);
    });

  addCommon(
    program
      .command('train')
      .description('train one model on all segments of a dataset and save it')
      .argument(
        '<dataset>',
        'mitdb | synthetic | origin (your labelled 12-lead records) | store (segments prepared in the store)',
      ),
  )
    .option(
      '--method <m>',
      `${METHODS.join('|')} (mil localises best; joint is the paper's)`,
      'mil',
    )
    .option('--pooling <p>', POOLINGS.join('|'), 'l2')
    .option('--store <path>', 'store holding the segments for the `store` dataset')
    .option('--name <name>', 'model name shown in the app and in `models list`')
    .option('--description <text>', 'one line on what the model is for')
    .option(
      '--leads <list>',
      "lead names in input order, '|' for alternatives (mitdb default: MLII|II,V1|V2|V4|V5)",
    )
    .option(
      '--beat-threshold <f>',
      "beat threshold for scans (fraction of a segment's top beat score)",
      '0.5',
    )
    .option('--out <dir>', 'output folder (model/, run.json)', 'runs/model')
    .action(
      async (
        dataset: string,
        o: CommonOpts & {
          method: string;
          pooling: string;
          store?: string;
          name?: string;
          description?: string;
          leads?: string;
          beatThreshold: string;
        },
      ) => {
        const seed = int('seed', o.seed, 0);
        const { data, description, leadPools } = loadTaskDataset({
          name: dataset,
          task: o.task,
          seed,
          nSegments: int('n-segments', o.nSegments, 2),
          fs: Number(o.fs),
          ...mitdbSpec(o),
          storePath: o.store,
        });
        const print = progressPrinter(o.method);
        const r = await fitFinalModel({
          data,
          dataset: description,
          task: o.task,
          method: oneOf('method', o.method, METHODS),
          pooling: oneOf('pooling', o.pooling, POOLINGS),
          kernelSamples: o.kernel ? int('kernel', o.kernel, 1) : undefined,
          width: Number(o.width),
          preset: resolvePreset(o),
          seed,
          outDir: resolve(o.out),
          backend: oneOf<BackendPreference>('backend', o.backend, [
            'auto',
            'tensorflow',
            'wasm',
            'cpu',
          ]),
          command: `beatlens ${process.argv.slice(2).join(' ')}`,
          modelMeta: {
            ...(o.name ? { name: o.name } : {}),
            ...(o.description ? { description: o.description } : {}),
            leads: (o.leads ?? (dataset === 'mitdb' ? 'MLII|II,V1|V2|V4|V5' : ''))
              .split(',')
              .map((l) => l.trim())
              .filter(Boolean),
            beatThreshold: unitInterval('beat-threshold', o.beatThreshold),
          },
          onProgress: (p) => print(p),
          leadPools,
        });
        const last = r.history.epochs[r.history.selectedEpoch];
        process.stdout.write(
          `saved ${r.modelDir} (epoch ${r.history.selectedEpoch + 1}, val_acc ${(100 * last.valAccuracy).toFixed(1)}%)\n`,
        );
      },
    );

  program
    .command('predict')
    .description('segment a record file and print per-segment class and probability')
    .requiredOption('--model <dir>', 'model folder written by train or cv')
    .option('--fs <hz>', 'sampling frequency (CSV files only)')
    .option('--json', 'print JSON')
    .option('--backend <name>', 'auto|tensorflow|wasm|cpu', 'auto')
    .argument('<path>', 'record file (.hea, .csv, .edf)')
    .action(
      async (path: string, o: { model: string; fs?: string; json?: boolean; backend: string }) => {
        await initBackend(
          oneOf<BackendPreference>('backend', o.backend, ['auto', 'tensorflow', 'wasm', 'cpu']),
        );
        const model = await loadModel(resolve(o.model));
        try {
          const { record } = loadRecordFile(path, o.fs ? { fs: Number(o.fs) } : {});
          const preds = await predictRecord(model, record);
          if (o.json) {
            process.stdout.write(
              `${JSON.stringify(
                preds.map(({ attention: _a, ...p }) => p),
                null,
                2,
              )}\n`,
            );
            return;
          }
          process.stdout.write('start_s\tlength\tclass\tprobability\n');
          for (const p of preds) {
            process.stdout.write(
              `${p.startSeconds.toFixed(2)}\t${p.length}\t${p.label}\t${p.probability.toFixed(4)}\n`,
            );
          }
        } finally {
          model.dispose();
        }
      },
    );

  program
    .command('export')
    .description('export a run’s per-fold metrics and mean ± std')
    .argument('<run>', 'run folder (holding results.json) or store run id')
    .option('--format <f>', 'csv|json', 'csv')
    .option('--store <path>', 'SQLite store for a run id (default $BEATLENS_HOME/beatlens.sqlite)')
    .action((run: string, o: { format: string; store?: string }) => {
      const format = oneOf('format', o.format, ['csv', 'json'] as const);
      const r = readRun(run, o.store);
      const rows = flattenRun(r);
      process.stdout.write(format === 'csv' ? toCsv(rows) : `${JSON.stringify(rows, null, 2)}\n`);
    });
}

/** One fold process per core. */
function defaultWorkers(): number {
  return availableParallelism();
}

/** A finished run from its folder, or from the store by id (its outDir is in the config). */
function readRun(run: string, storePath?: string): CvResult {
  let dir = resolve(run);
  if (/^\d+$/.test(run) && !existsSync(dir)) {
    const store = openStore(storePath ?? defaultStorePath());
    try {
      const stored = store.runs.get(Number(run));
      if (!stored) throw new BeatlensError('run-missing', `run ${run} is not in ${store.path}`);
      dir = String((stored.config as { outDir?: string }).outDir ?? '');
    } finally {
      store.close();
    }
  }
  const file = join(dir, 'results.json');
  if (!existsSync(file)) {
    throw new BeatlensError(
      'run-missing',
      `${file} not found: the run is unfinished or not a cv run`,
    );
  }
  const r = JSON.parse(readFileSync(file, 'utf8')) as Omit<CvResult, 'outDir' | 'storeRunId'>;
  return { ...r, outDir: dir, storeRunId: null };
}
