/**
 * The paper's ablations, measured: kernel-size sweep (Fig. 5), L2 vs ReLU+max pooling, and joint
 * vs cascaded vs classifier only (Fig. 2 curves). Each variant is cross-validated (stratified
 * k-fold, inner validation split from the training folds only) and scored with the segment
 * metrics and the beat-level localisation metrics; the classifier-only variant is scored with the
 * gradient × input and Grad-CAM saliency baselines instead of attention.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BeatlensError } from '../errors';
import type { SegmentBeat, SegmentDataset } from '../ecg/types';
import type { Method, Pooling } from '../model/types';
import { runCrossValidation } from '../train/cross-validation';
import { summarizeFolds, type ClassificationMetrics, type MeanStd } from '../train/metrics';
import type { TrainPreset } from '../train/presets';
import type { EpochRecord } from '../train/trainer';
import { evaluateCvFolds, type FoldMaps } from './cv-run';
import { summariseFolds, type LocalisationOptions, type LocalisationSummary } from './localisation';
import type { MapSource } from './pipeline';

export type SweepName = 'kernel' | 'pooling' | 'method';
export const SWEEPS: readonly SweepName[] = ['kernel', 'pooling', 'method'];

/** The paper's kernel sizes at 360 Hz (Fig. 5); scaled with fs for other rates. */
export const PAPER_KERNELS_360 = [50, 100, 150, 200, 300];

export interface Variant {
  name: string;
  method: Method;
  pooling: Pooling;
  kernelSamples: number;
}

/** The variants a sweep trains, for a dataset's fs. */
export function sweepVariants(
  sweep: SweepName,
  fs: number,
  kernels360 = PAPER_KERNELS_360,
): Variant[] {
  const k = (k360: number): number => Math.max(1, Math.round((k360 * fs) / 360));
  const base = { method: 'joint' as Method, pooling: 'l2' as Pooling, kernelSamples: k(150) };
  switch (sweep) {
    case 'kernel':
      return kernels360.map((k360) => ({ ...base, name: `k=${k(k360)}`, kernelSamples: k(k360) }));
    case 'pooling':
      return (['l2', 'max'] as Pooling[]).map((pooling) => ({ ...base, name: pooling, pooling }));
    case 'method':
      return (['joint', 'cascaded', 'classifier'] as Method[]).map((method) => ({
        ...base,
        name: method,
        method,
      }));
    default:
      throw new BeatlensError(
        'ablate-sweep',
        `unknown sweep '${String(sweep)}': use ${SWEEPS.join(', ')}`,
      );
  }
}

/** A test segment kept for the Fig. 3-style figure. */
export interface ExampleSegment {
  segmentIndex: number;
  label: string;
  predicted: string;
  probability: number;
  source: MapSource;
  length: number;
  /** First lead of the segment (the input D), rounded to 3 decimals. */
  signal: number[];
  map: number[];
  beats: SegmentBeat[];
}

export interface FoldResult {
  fold: number;
  classification: ClassificationMetrics;
  localisation: Partial<Record<MapSource, LocalisationSummary>>;
  history: EpochRecord[];
  seconds: number;
}

export interface VariantResult extends Variant {
  folds: FoldResult[];
  summary: Record<'accuracy' | 'sensitivity' | 'specificity' | 'aucMacro', MeanStd> & {
    localisation: Partial<Record<MapSource, ReturnType<typeof summariseFolds>>>;
  };
  examples: ExampleSegment[];
}

export interface AblationOptions {
  data: SegmentDataset;
  /** Where the data came from, recorded in the result (e.g. 'synthetic seed=1 n=48'). */
  dataName: string;
  sweep: SweepName;
  preset: TrainPreset;
  folds: number;
  seed: number;
  /** Model width multiplier (H5's `width`), e.g. 0.25 for a fast run. */
  width?: number;
  kernels360?: number[];
  /** Group folds by patient (no patient in both train and test). Default false (the paper). */
  grouped?: boolean;
  localisation?: LocalisationOptions;
  /** Test segments per class kept (from fold 0) for example figures. Default 2. */
  examplesPerClass?: number;
  /** Parallel fold processes (0 = in this process, the default). */
  workers?: number;
  /** Keep each variant's cross-validation run folder (models, predictions) here; default: a
   * temporary folder removed at the end. */
  runsDir?: string;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface AblationResult {
  sweep: SweepName;
  dataName: string;
  nSegments: number;
  classes: string[];
  fs: number;
  nSamples: number;
  nLeads: number;
  preset: TrainPreset;
  folds: number;
  seed: number;
  width: number;
  grouped: boolean;
  localisationOptions: LocalisationOptions;
  variants: VariantResult[];
  seconds: number;
}

const round3 = (v: number): number => Math.round(v * 1e3) / 1e3;

/**
 * Runs one sweep end to end: each variant is one `runCrossValidation` (the same folds, inner
 * validation split and training loop as `beatlens cv`), then its test folds are scored.
 */
export async function runAblation(o: AblationOptions): Promise<AblationResult> {
  const ds = o.data;
  const t0 = performance.now();
  const n = ds.y.length;
  if (n < o.folds * 2) {
    throw new BeatlensError(
      'ablate-data',
      `${n} segments are too few for ${o.folds}-fold cross-validation`,
    );
  }
  const width = o.width ?? 1;
  const variants = sweepVariants(o.sweep, ds.fs, o.kernels360);
  const runsDir = o.runsDir ?? mkdtempSync(join(tmpdir(), 'beatlens-ablate-'));
  const results: VariantResult[] = [];
  try {
    for (const v of variants) {
      const runDir = join(runsDir, v.name.replace(/[^A-Za-z0-9_-]+/g, ''));
      const cv = await runCrossValidation({
        config: {
          dataset: o.dataName,
          task: 'pvc-apb',
          protocol: o.grouped ? 'patient' : 'stratified',
          k: o.folds,
          method: v.method,
          pooling: v.pooling,
          kernelSamples: v.kernelSamples,
          width,
          preset: o.preset,
          seed: o.seed,
        },
        data: ds,
        outDir: runDir,
        workers: o.workers ?? 0,
        storePath: null,
        signal: o.signal,
        onEvent: (e) => {
          if (e.type === 'train' && e.kind === 'epoch') {
            o.onProgress?.(
              `${o.sweep} ${v.name} fold ${e.fold + 1}/${o.folds} epoch ${e.epoch + 1}/${e.epochs} loss ${e.loss.toFixed(3)} val ${e.valLoss?.toFixed(3)}`,
            );
          }
        },
      });
      const sources: MapSource[] =
        v.method === 'classifier' ? ['gradxinput', 'gradcam'] : ['attention'];
      const bySource = new Map<MapSource, FoldMaps[]>();
      for (const source of sources) {
        bySource.set(
          source,
          await evaluateCvFolds(runDir, ds, cv.folds.length, source, o.localisation),
        );
      }
      const foldResults: FoldResult[] = cv.folds.map((f, k) => ({
        fold: f.fold,
        classification: f.metrics,
        localisation: Object.fromEntries(sources.map((s) => [s, bySource.get(s)![k].summary])),
        history: f.history.epochs,
        seconds: f.seconds,
      }));
      const examples = sources.flatMap((s) =>
        pickExamples(ds, bySource.get(s)![0], s, o.examplesPerClass ?? 2),
      );
      const cls = summarizeFolds(foldResults.map((r) => r.classification));
      results.push({
        ...v,
        folds: foldResults,
        summary: {
          accuracy: cls.accuracy,
          sensitivity: cls.sensitivity,
          specificity: cls.specificity,
          aucMacro: cls.aucMacro,
          localisation: Object.fromEntries(
            sources.map((s) => [s, summariseFolds(foldResults.map((r) => r.localisation[s]!))]),
          ),
        },
        examples,
      });
    }
  } finally {
    if (!o.runsDir) rmSync(runsDir, { recursive: true, force: true });
  }
  return {
    sweep: o.sweep,
    dataName: o.dataName,
    nSegments: n,
    classes: [...ds.classes],
    fs: ds.fs,
    nSamples: ds.nSamples,
    nLeads: ds.nLeads,
    preset: o.preset,
    folds: o.folds,
    seed: o.seed,
    width,
    grouped: o.grouped ?? false,
    localisationOptions: o.localisation ?? {},
    variants: results,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The first `perClass` test segments of each class that hold an abnormal beat. */
/** The first `perClass` test segments of each class holding an abnormal beat, with their maps. */
export function pickExamples(
  ds: SegmentDataset,
  fold: FoldMaps,
  source: MapSource,
  perClass: number,
): ExampleSegment[] {
  const taken = new Map<number, number>();
  const out: ExampleSegment[] = [];
  fold.index.forEach((i, j) => {
    const y = ds.y[i];
    if ((taken.get(y) ?? 0) >= perClass) return;
    const meta = ds.meta[i];
    if (!meta.beats.some((b) => b.aami !== 'N')) return;
    taken.set(y, (taken.get(y) ?? 0) + 1);
    const probs = fold.probabilities[j];
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
    const offset = i * ds.nLeads * ds.nSamples;
    out.push({
      segmentIndex: i,
      label: ds.classes[y],
      predicted: ds.classes[best],
      probability: round3(probs[best]),
      source,
      length: meta.length,
      signal: Array.from(ds.x.subarray(offset, offset + meta.length), round3),
      map: Array.from(fold.maps[j].subarray(0, meta.length), round3),
      beats: meta.beats,
    });
  });
  return out;
}
