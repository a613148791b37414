/**
 * The typed contract between the renderer and the main process: channel names, the zod schema of
 * each channel's argument, and the result types. The preload bridge, the Electron IPC handlers,
 * the HTTP test bridge and the renderer all import this one file, so a channel cannot drift
 * between them. Results are plain JSON (number[] rather than Float32Array) so that the same
 * values cross Electron's structured clone and the HTTP bridge unchanged.
 */
import { z } from 'zod';

const id = z.string().min(1).max(200);
const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

/** Argument schema of every channel. Unknown keys are rejected (strict) so typos surface. */
export const argSchemas = {
  'app:info': z.strictObject({}),
  'records:list': z.strictObject({ search: z.string().max(200).optional() }),
  'records:import': z.strictObject({
    path: z.string().min(1).max(4096),
    /** Needed for CSV files, which carry no sampling frequency. */
    fs: z.number().positive().max(100_000).optional(),
  }),
  'records:window': z.strictObject({
    recordId: id,
    startSample: z.number().int().min(0),
    nSamples: z.number().int().min(1).max(100_000_000),
    /** Drawing buckets per lead: the window is decimated to min/max pairs per bucket. */
    maxPoints: z.number().int().min(16).max(20_000),
    withAttention: z.boolean().optional(),
  }),
  'studies:list': z.strictObject({}),
  'studies:create': z.strictObject({
    name: z.string().min(1).max(200),
    nItems: z.number().int().min(1).max(1000),
    raters: z.array(z.string().min(1).max(100)).min(1).max(20),
    seed,
    /** demo: the built-in synthetic segments; store: pvc-apb segments prepared by the CLI. */
    dataset: z.enum(['demo', 'store']).optional(),
  }),
  'studies:item': z.strictObject({
    studyId: id,
    raterId: z.string().min(1).max(100),
    index: z.number().int().min(0),
  }),
  'studies:grade': z.strictObject({
    studyId: id,
    raterId: z.string().min(1).max(100),
    index: z.number().int().min(0),
    grade: z.enum(['I', 'II', 'III']),
  }),
  'studies:progress': z.strictObject({ studyId: id, raterId: z.string().min(1).max(100) }),
  'studies:export': z.strictObject({ studyId: id, format: z.enum(['csv', 'json']) }),
  'train:start': z.strictObject({
    task: z.enum(['pvc-apb']),
    /** demo: the built-in synthetic study; store: segments prepared into the store by the CLI;
     * mitdb: MIT-BIH read from $BEATLENS_DATA/mitdb. Default demo. */
    dataset: z.enum(['demo', 'store', 'mitdb']).optional(),
    method: z.enum(['joint', 'classifier', 'cascaded']),
    pooling: z.enum(['l2', 'max']),
    kernelSamples: z.number().int().min(1).max(5000),
    protocol: z.enum(['holdout', 'cv5']),
    preset: z.enum(['tiny', 'fast', 'paper']),
    seed,
    /** Override the preset's epoch count (short demo runs). */
    epochs: z.number().int().min(1).max(500).optional(),
    /** Resume a cancelled run: folds already finished are kept. */
    resumeJobId: id.optional(),
  }),
  'jobs:cancel': z.strictObject({ jobId: id }),
  'jobs:list': z.strictObject({}),
  'jobs:events': z.strictObject({ jobId: id }),
  'scan:start': z.strictObject({
    recordId: id,
    /** Only segments whose predicted class has at least this probability. */
    minProbability: z.number().min(0).max(1).optional(),
  }),
  'flags:list': z.strictObject({ recordId: id }),
  'flags:review': z.strictObject({
    recordId: id,
    flagId: id,
    decision: z.enum(['accepted', 'rejected', 'pending']),
  }),
  'flags:export': z.strictObject({ recordId: id, format: z.enum(['csv', 'json']) }),
} as const;

export type Channel = keyof typeof argSchemas;
export const CHANNELS = Object.keys(argSchemas) as Channel[];
export type Args<C extends Channel> = z.input<(typeof argSchemas)[C]>;
export type Grade = 'I' | 'II' | 'III';

export interface AppInfo {
  version: string;
  /** 'electron' or 'browser' (HTTP bridge). */
  shell: string;
  /** Which core modules are wired; missing ones disable their screens with a reason. */
  capabilities: Record<'import' | 'synthetic' | 'model' | 'training' | 'study' | 'scan', boolean>;
  notes: string[];
}

export interface RecordSummary {
  id: string;
  patientId: string;
  fs: number;
  nLeads: number;
  leadNames: string[];
  nSamples: number;
  durationSeconds: number;
  /** Beats per AAMI class (N, S, V, F, Q); null when the record has no annotations. */
  beatCounts: Record<string, number> | null;
  source: string;
}

/** A window of a record decimated for drawing: per lead, min and max per bucket. */
export interface RecordWindow {
  recordId: string;
  fs: number;
  leadNames: string[];
  units: string[];
  startSample: number;
  nSamples: number;
  /** Samples per bucket (1 = no decimation, then min == max). */
  bucketSamples: number;
  /** lead → bucket minima / maxima (physical units). */
  min: number[][];
  max: number[][];
  /** Annotated beats inside the window (record sample positions). */
  beats: Array<{ sample: number; symbol: string; aami: string }>;
  /** Attention in [0, 1] per bucket (max over the bucket), or null when no model is available. */
  attention: number[] | null;
  /** Segment predictions overlapping the window. */
  predictions: Array<{ startSample: number; nSamples: number; label: string; probability: number }>;
  /** Where the attention came from, e.g. 'model 3 (joint, trained)'. */
  modelNote: string | null;
}

export interface StudySummary {
  id: string;
  name: string;
  nItems: number;
  raters: string[];
  seed: number;
  createdAt: string;
  /** Grades saved per rater. */
  graded: Record<string, number>;
}

/**
 * What a rater sees for one study item. Blinding: the after-attention signal only — no label,
 * no model prediction or probability, no other rater's grade, no record position.
 */
export interface BlindedStudyItem {
  studyId: string;
  raterId: string;
  /** Position in this rater's own order (0-based). */
  index: number;
  total: number;
  fs: number;
  nLeads: number;
  nSamples: number;
  /** lead → after-attention samples (A ⊙ D). */
  signal: number[][];
  /** This rater's own grade, if already given (for resume). */
  grade: Grade | null;
}

export interface StudyProgress {
  studyId: string;
  raterId: string;
  done: number;
  total: number;
  /** First ungraded index in this rater's order, or null when finished. */
  nextIndex: number | null;
}

export interface ExportResult {
  fileName: string;
  mimeType: string;
  text: string;
}

export interface JobSummary {
  id: string;
  kind: 'train' | 'scan';
  state: 'running' | 'done' | 'cancelled' | 'failed';
  message: string;
}

export interface FlaggedBeatRow {
  id: string;
  recordId: string;
  sample: number;
  /** Attention at the beat (0..1). */
  attention: number;
  segmentLabel: string;
  probability: number;
  decision: 'accepted' | 'rejected' | 'pending';
}

export interface Results {
  'app:info': AppInfo;
  'records:list': RecordSummary[];
  'records:import': RecordSummary;
  'records:window': RecordWindow;
  'studies:list': StudySummary[];
  'studies:create': StudySummary;
  'studies:item': BlindedStudyItem;
  'studies:grade': StudyProgress;
  'studies:progress': StudyProgress;
  'studies:export': ExportResult;
  'train:start': JobSummary;
  'jobs:cancel': JobSummary;
  'jobs:list': JobSummary[];
  'jobs:events': AppEvent[];
  'scan:start': JobSummary;
  'flags:list': FlaggedBeatRow[];
  'flags:review': FlaggedBeatRow;
  'flags:export': ExportResult;
}

/** One finished epoch of one fold, as the training worker reports it. */
export interface TrainProgress {
  type: 'train-progress';
  fold: number;
  nFolds: number;
  epoch: number;
  nEpochs: number;
  loss: number;
  valLoss?: number;
  valAccuracy?: number;
}

/** One finished fold's held-out metrics and per-class ROC curves, as the worker reports them. */
export interface TrainFold {
  type: 'train-fold';
  fold: number;
  metrics: Record<string, number>;
  roc: Array<{ className: string; fpr: number[]; tpr: number[] }>;
}

/** Progress events streamed from long work (training, CV, scans) to the renderer. */
export type AppEvent =
  | (TrainProgress & { jobId: string })
  | (TrainFold & { jobId: string })
  | { type: 'scan-progress'; jobId: string; recordId: string; done: number; total: number }
  | { type: 'job-state'; job: JobSummary };

/** Every invoke answers with this envelope; errors are one line, never a stack trace. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** The API the preload (Electron) or the browser shim (tests) installs as `window.beatlens`. */
export interface BeatlensApi {
  invoke<C extends Channel>(channel: C, args: Args<C>): Promise<Results[C]>;
  /** Subscribe to progress events; returns an unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
}

/** Electron IPC channel names (prefixed so they cannot collide with Electron's own). */
export const ipcChannel = (c: Channel): string => `beatlens:${c}`;
export const EVENT_CHANNEL = 'beatlens:event';
