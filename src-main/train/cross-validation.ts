/**
 * Cross-validation of one method under one protocol: plans the folds, trains each fold (in
 * parallel child processes, one per core by default), scores the held-out fold, and records the
 * run — resolved config, seed, backend, package versions, per-epoch and per-fold metrics, models
 * and test-fold predictions with attention maps — in `outDir` (run.json, results.json, folds/)
 * and in the beatlens store.
 *
 * Resuming: calling again with the same `outDir` and config skips folds whose result.json
 * exists and resumes unfinished folds from their last epoch checkpoint.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { BeatlensError } from '../errors';
import type { SegmentDataset } from '../ecg/types';
import { initBackend, type BackendInfo, type BackendPreference } from '../model/backend';
import { defaultModelConfig } from '../model/config';
import { createModel } from '../model/registry';
import type { Method, Pooling } from '../model/types';
import { saveModel } from '../model/weights';
import { defaultStorePath, openStore, type Store } from '../store';
import {
  classificationMetrics,
  summarizeFolds,
  type ClassificationMetrics,
  type MeanStd,
  type SummaryKey,
} from './metrics';
import type { TrainPreset } from './presets';
import {
  packageVersions,
  writeFileAtomic,
  writeJsonAtomic,
  type PackageVersions,
  type RunMetadata,
} from './run-info';
import {
  groupedStratifiedKFold,
  innerValidationSplit,
  interPatientSplit,
  stratifiedKFold,
  type Fold,
} from './splitters';
import { predictIndices, trainModel, type TrainHistory, type TrainProgress } from './trainer';
import { runFoldsInWorkers } from './workers';
import { codeVersion, datasetFingerprint, type CodeVersion } from './code-version';

export type Protocol = 'stratified' | 'patient' | 'inter-patient';
export const PROTOCOLS: Protocol[] = ['stratified', 'patient', 'inter-patient'];

/** Everything that determines a CV run's numbers (saved as run.json → config). */
export interface CvConfig {
  /** Where the segments came from, e.g. 'synthetic:seed=1,n=300' or a mitdb folder. */
  dataset: string;
  task: string;
  protocol: Protocol;
  /** Folds (1 for the fixed inter-patient split). */
  k: number;
  method: Method;
  pooling: Pooling;
  /** Window pooling length; default from fs (150 samples at 360 Hz). */
  kernelSamples?: number;
  /** Channel-width multiplier of the model (1 = the default architecture). */
  width?: number;
  preset: TrainPreset;
  seed: number;
}

export interface FoldResult {
  fold: number;
  nTrain: number;
  nVal: number;
  nTest: number;
  metrics: ClassificationMetrics;
  history: TrainHistory;
  modelDir: string;
  modelChecksum: string;
  seconds: number;
  backend: BackendInfo;
  /** The code that trained and scored this fold (tables refuse to mix fingerprints). */
  code: CodeVersion;
  /** datasetFingerprint of the data the fold was cut from. */
  dataFingerprint: string;
}

export type CvSummary = Record<SummaryKey, MeanStd> & { confusion: number[][] };

export interface CvResult {
  outDir: string;
  storeRunId: number | null;
  meta: RunMetadata<CvConfig>;
  /** The finished folds (all of them unless the call ran a subset, see CvOptions.onlyFolds). */
  folds: FoldResult[];
  summary: CvSummary;
  /** Whether every fold of the protocol has finished (results.json written). */
  complete: boolean;
}

export type CvEvent =
  | (TrainProgress & { type: 'train' })
  | { type: 'fold-start'; fold: number; folds: number; resumed: boolean }
  | {
      type: 'fold-done';
      fold: number;
      folds: number;
      metrics: ClassificationMetrics;
      skipped: boolean;
    };

export interface CvOptions {
  config: CvConfig;
  data: SegmentDataset;
  /** Store ids of the segments (from store.segments.loadDataset) so predictions can be stored. */
  segmentIds?: number[];
  outDir: string;
  /** Child processes training folds in parallel; 0 trains in this process. Default: cores. */
  workers?: number;
  /** Store file; null skips the store (files only). Default: defaultStorePath(). */
  storePath?: string | null;
  backend?: BackendPreference;
  onEvent?: (e: CvEvent) => void;
  signal?: AbortSignal;
  /** The command line that started the run, for run.json. */
  command?: string;
  /**
   * Run only these folds (0-based); the others are left for another call (each fold is an
   * independent, resumable job). results.json is written once every fold has finished.
   */
  onlyFolds?: number[];
}

/** The folds of a protocol. 'inter-patient' gives one fold: DS1 train, DS2 test. */
export function planFolds(
  data: SegmentDataset,
  protocol: Protocol,
  k: number,
  seed: number,
): Fold[] {
  switch (protocol) {
    case 'stratified':
      return stratifiedKFold(data.y, k, seed);
    case 'patient':
      return groupedStratifiedKFold(
        data.y,
        data.meta.map((m) => m.patientId),
        k,
        seed,
      );
    case 'inter-patient':
      return [interPatientSplit(data.meta.map((m) => m.recordId))];
    default:
      throw new BeatlensError(
        'cv-config',
        `protocol '${String(protocol)}' is not one of ${PROTOCOLS.join(', ')}`,
      );
  }
}

/** What a fold worker needs; plain data so it crosses a process boundary. */
export interface FoldTask {
  fold: number;
  folds: number;
  split: Fold;
  config: CvConfig;
  outDir: string;
}

const foldDirOf = (outDir: string, fold: number): string => join(outDir, 'folds', String(fold));

/** A finished fold's result, or null when the fold has not completed. */
export function readFoldResult(outDir: string, fold: number): FoldResult | null {
  const p = join(foldDirOf(outDir, fold), 'result.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as FoldResult) : null;
}

/**
 * Trains and scores one fold in this process (the unit a worker runs). Writes the fold's
 * model, predictions (predictions.json + attention.f32) and result.json, the last one last.
 */
export async function runFold(
  data: SegmentDataset,
  task: FoldTask,
  backend: BackendInfo,
  onProgress?: (p: TrainProgress) => void,
  signal?: AbortSignal,
): Promise<FoldResult> {
  const { config, split, fold } = task;
  const dir = foldDirOf(task.outDir, fold);
  const started = performance.now();
  const groups = config.protocol === 'stratified' ? undefined : data.meta.map((m) => m.patientId);
  const inner =
    config.preset.valFraction > 0
      ? innerValidationSplit(
          split.train,
          data.y,
          config.preset.valFraction,
          config.seed + 7919 * (fold + 1),
          groups,
        )
      : { train: split.train, val: [] };
  const modelConfig = defaultModelConfig({
    method: config.method,
    pooling: config.pooling,
    kernelSamples: config.kernelSamples,
    width: config.width,
    nLeads: data.nLeads,
    rhythmChannels: data.rhythmChannels,
    nSamples: data.nSamples,
    fs: data.fs,
    classes: data.classes,
  });
  const model = createModel(modelConfig, config.seed + fold);
  try {
    const history = await trainModel({
      model,
      train: data,
      trainIdx: inner.train,
      valIdx: inner.val,
      preset: config.preset,
      seed: config.seed + 104729 * (fold + 1),
      fold,
      onProgress,
      signal,
      checkpointDir: join(dir, 'checkpoint'),
    });
    const pred = await predictIndices(model, data, split.test, config.preset.batchSize);
    const yTest = split.test.map((i) => data.y[i]);
    const metrics = classificationMetrics(yTest, pred.probs, data.classes);
    const modelDir = join(dir, 'model');
    const { checksum } = await saveModel(model, modelDir, {
      fold,
      seed: config.seed,
      protocol: config.protocol,
      preset: config.preset.name,
      selectedEpoch: history.selectedEpoch,
    });
    const nC = data.classes.length;
    writeJsonAtomic(join(dir, 'predictions.json'), {
      classes: data.classes,
      attentionFile: pred.attention ? 'attention.f32' : null,
      nSamples: data.nSamples,
      segments: split.test.map((i, j) => ({
        index: i,
        recordId: data.meta[i].recordId,
        offset: data.meta[i].offset,
        label: data.classes[data.y[i]],
        probabilities: Array.from(pred.probs.subarray(j * nC, (j + 1) * nC)),
      })),
    });
    if (pred.attention) {
      const all = new Float32Array(split.test.length * data.nSamples);
      pred.attention.forEach((a, j) => all.set(a, j * data.nSamples));
      writeFileAtomic(join(dir, 'attention.f32'), new Uint8Array(all.buffer));
    }
    const result: FoldResult = {
      fold,
      nTrain: inner.train.length,
      nVal: inner.val.length,
      nTest: split.test.length,
      metrics,
      history,
      modelDir,
      modelChecksum: checksum,
      seconds: (performance.now() - started) / 1000,
      backend,
      code: codeVersion(),
      dataFingerprint: datasetFingerprint(data),
    };
    writeJsonAtomic(join(dir, 'result.json'), result);
    // The fold is final: its resume checkpoint is no longer needed.
    rmSync(join(dir, 'checkpoint'), { recursive: true, force: true });
    return result;
  } finally {
    model.dispose();
  }
}

/** Test-fold predictions of a finished fold (attention null for the classifier-only method). */
export function readFoldPredictions(
  outDir: string,
  fold: number,
): { index: number[]; probabilities: number[][]; attention: Float32Array[] | null } {
  const dir = foldDirOf(outDir, fold);
  const p = JSON.parse(readFileSync(join(dir, 'predictions.json'), 'utf8')) as {
    attentionFile: string | null;
    nSamples: number;
    segments: Array<{ index: number; probabilities: number[] }>;
  };
  let attention: Float32Array[] | null = null;
  if (p.attentionFile) {
    const buf = readFileSync(join(dir, p.attentionFile));
    const all = new Float32Array(new Uint8Array(buf).buffer);
    attention = p.segments.map((_, j) => all.slice(j * p.nSamples, (j + 1) * p.nSamples));
  }
  return {
    index: p.segments.map((s) => s.index),
    probabilities: p.segments.map((s) => s.probabilities),
    attention,
  };
}

function validateConfig(c: CvConfig, data: SegmentDataset): void {
  if (!PROTOCOLS.includes(c.protocol)) {
    throw new BeatlensError(
      'cv-config',
      `protocol '${c.protocol}' is not one of ${PROTOCOLS.join(', ')}`,
    );
  }
  if (!Number.isInteger(c.seed))
    throw new BeatlensError('cv-config', `seed=${c.seed} is not an integer`);
  if (data.y.length === 0)
    throw new BeatlensError('cv-config', `dataset ${c.dataset} has no segments`);
}

function configKey(c: CvConfig): string {
  return JSON.stringify(c);
}

/** Runs (or resumes) a cross-validation and returns per-fold metrics and mean ± std. */
export async function runCrossValidation(o: CvOptions): Promise<CvResult> {
  const outDir = resolve(o.outDir);
  const folds = planFolds(o.data, o.config.protocol, o.config.k, o.config.seed);
  const config: CvConfig = { ...o.config, k: folds.length };
  validateConfig(config, o.data);
  if (o.segmentIds && o.segmentIds.length !== o.data.y.length) {
    throw new BeatlensError(
      'cv-config',
      `segmentIds has ${o.segmentIds.length} ids but the dataset has ${o.data.y.length} segments`,
    );
  }
  mkdirSync(outDir, { recursive: true });
  const runJson = join(outDir, 'run.json');
  let meta: RunMetadata<CvConfig> & { storeRunId?: number | null; storePath?: string | null };
  // Fix the code version now, before any fold trains: a later edit of the checkout must not be
  // recorded as the code that trained this process's folds.
  codeVersion();
  const backend = await initBackend(o.backend ?? 'auto');
  if (existsSync(runJson)) {
    meta = JSON.parse(readFileSync(runJson, 'utf8'));
    if (configKey(meta.config) !== configKey(config)) {
      throw new BeatlensError(
        'cv-resume-mismatch',
        `${outDir} holds a run with another config; use another --out folder or delete it`,
      );
    }
  } else {
    const versions: PackageVersions = packageVersions();
    meta = {
      runId: `cv-${config.method}-${config.pooling}-${config.protocol}-${Date.now().toString(36)}`,
      createdAt: new Date().toISOString(),
      command: o.command ?? 'runCrossValidation',
      seed: config.seed,
      config,
      backend,
      versions,
      host: { platform: process.platform, arch: process.arch, cpus: availableParallelism() },
      code: codeVersion(),
      dataFingerprint: datasetFingerprint(o.data),
    };
  }

  // Store: one run row, reused on resume.
  const storePath = o.storePath === undefined ? defaultStorePath() : o.storePath;
  let store: Store | null = null;
  if (storePath !== null) {
    store = openStore(storePath);
    // The run's own id is the store's run key, so a resumed run finds its row in any store.
    const existing = store.runs.getByKey(meta.runId);
    if (existing) {
      meta.storeRunId = existing.id;
      meta.storePath = resolve(storePath);
    } else {
      const versions = meta.versions;
      const foldSetId = o.segmentIds
        ? store.folds.create({
            protocol: config.protocol,
            seed: config.seed,
            k: folds.length,
            task: config.task,
            assignments: folds.flatMap((f, fold) =>
              f.test.map((i) => ({ segmentId: o.segmentIds![i], fold })),
            ),
          })
        : null;
      const run = store.runs.start({
        key: meta.runId,
        foldSetId,
        kind: 'cv',
        config: { ...config, outDir },
        seed: config.seed,
        backend: `${backend.name} (${backend.package} ${backend.version}, threads=${backend.threads}, simd=${backend.simd})`,
        packageVersions: {
          beatlens: versions.beatlens,
          node: versions.node,
          '@tensorflow/tfjs': versions.tfjs,
          ...versions.backends,
        },
      });
      meta.storeRunId = run.id;
      meta.storePath = resolve(storePath);
    }
  }
  writeJsonAtomic(runJson, meta);

  const results: Array<FoldResult | null> = folds.map((_, f) => readFoldResult(outDir, f));
  if (o.onlyFolds) {
    const bad = o.onlyFolds.filter((f) => !Number.isInteger(f) || f < 0 || f >= folds.length);
    if (bad.length > 0) {
      throw new BeatlensError(
        'cv-config',
        `fold ${bad.join(', ')} does not exist: this protocol has folds 0–${folds.length - 1}`,
      );
    }
  }
  const wanted = (fold: number): boolean => !o.onlyFolds || o.onlyFolds.includes(fold);
  const storeFold = (r: FoldResult): void => {
    if (!store || meta.storeRunId == null) return;
    const runId = meta.storeRunId;
    const preds = readFoldPredictions(outDir, r.fold);
    store.transaction(() => {
      store!.runs.setFoldMetrics(runId, r.fold, {
        ...r.metrics,
        nTrain: r.nTrain,
        nVal: r.nVal,
        seconds: r.seconds,
      });
      store!.runs.addEpochMetrics(
        runId,
        r.history.epochs.map((e) => ({ fold: r.fold, epoch: e.epoch, metrics: { ...e } })),
      );
      store!.models.insert({
        method: config.method,
        architecture: 'unet1d-cnn',
        config: JSON.parse(readFileSync(join(r.modelDir, 'model.json'), 'utf8')).config,
        weightsPath: r.modelDir,
        weightsChecksum: r.modelChecksum,
        runId,
        fold: r.fold,
      });
      if (o.segmentIds) {
        store!.predictions.insertMany(
          preds.index.map((i, j) => ({
            runId,
            segmentId: o.segmentIds![i],
            fold: r.fold,
            probabilities: preds.probabilities[j],
            attention: preds.attention ? preds.attention[j] : null,
          })),
        );
      }
    });
  };

  const emit = (e: CvEvent): void => o.onEvent?.(e);
  try {
    const todo: FoldTask[] = [];
    folds.forEach((split, fold) => {
      const done = results[fold];
      if (done) {
        // A kill between a worker's result.json and the parent's store write leaves it unstored.
        const stored =
          store && meta.storeRunId != null
            ? store.runs.details(meta.storeRunId)!.foldMetrics.some((f) => f.fold === fold)
            : true;
        if (!stored) storeFold(done);
        emit({
          type: 'fold-done',
          fold,
          folds: folds.length,
          metrics: done.metrics,
          skipped: true,
        });
      } else if (wanted(fold)) todo.push({ fold, folds: folds.length, split, config, outDir });
    });
    const onFoldDone = (r: FoldResult): void => {
      results[r.fold] = r;
      storeFold(r);
      emit({
        type: 'fold-done',
        fold: r.fold,
        folds: folds.length,
        metrics: r.metrics,
        skipped: false,
      });
    };
    const workers = Math.min(o.workers ?? availableParallelism(), todo.length);
    if (workers <= 0 || todo.length === 0) {
      for (const t of todo) {
        emit({
          type: 'fold-start',
          fold: t.fold,
          folds: t.folds,
          resumed: existsSync(join(foldDirOf(outDir, t.fold), 'checkpoint')),
        });
        onFoldDone(
          await runFold(o.data, t, backend, (p) => emit({ ...p, type: 'train' }), o.signal),
        );
      }
    } else {
      await runFoldsInWorkers({
        data: o.data,
        tasks: todo,
        workers,
        backend: o.backend ?? 'auto',
        signal: o.signal,
        onEvent: emit,
        onFoldDone,
      });
    }
    const finished = results.filter((r): r is FoldResult => r !== null);
    const complete = finished.length === folds.length;
    const summary = summarizeFolds(finished.map((r) => r.metrics));
    if (complete) {
      writeJsonAtomic(join(outDir, 'results.json'), { meta, summary, folds: finished });
      if (store && meta.storeRunId != null) store.runs.finish(meta.storeRunId, 'done');
    }
    return {
      outDir,
      storeRunId: meta.storeRunId ?? null,
      meta,
      folds: finished,
      summary,
      complete,
    };
  } catch (e) {
    if (store && meta.storeRunId != null) {
      const cancelled = e instanceof BeatlensError && e.code === 'cancelled';
      store.runs.finish(meta.storeRunId, cancelled ? 'cancelled' : 'failed', (e as Error).message);
    }
    throw e;
  } finally {
    store?.close();
  }
}
