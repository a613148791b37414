/**
 * The typed contract between the renderer and the main process: channel names, the bridge method
 * that carries each channel, and the argument, result, event and error types. The preload, the
 * Electron IPC handlers, the HTTP bridge and the renderer all import this one file, so a channel
 * cannot drift between them. It holds types and names only (no zod at run time, no Node, no DOM):
 * the sandboxed preload and the renderer bundle it, and `schemas.ts` validates the arguments in
 * main. Results are plain JSON (number[] rather than Float32Array) so that the same values cross
 * Electron's structured clone and the HTTP bridge unchanged.
 */
import type { z } from 'zod';
import type { ArgSchemas } from './schemas';
import type { RhythmEpisode } from '../ecg/rhythm-episodes';
import type { ReviewRhythm } from '../store/rhythm-reviews';

/**
 * Every channel, under the name of the one bridge method that carries it (Electron's
 * context-isolation guidance: one method per message, never a generic `invoke(channel, …)`).
 */
export const API_METHODS = {
  appInfo: 'app:info',
  listModels: 'models:list',
  chooseModel: 'models:choose',
  useDefaultModels: 'models:defaults',
  importModel: 'models:import',
  listRecords: 'records:list',
  openFiles: 'files:open',
  uploadFile: 'files:upload',
  importRecord: 'records:import',
  recordWindow: 'records:window',
  displayCalibration: 'display:calibration',
  calibrateDisplay: 'display:calibrate',
  listStudies: 'studies:list',
  createStudy: 'studies:create',
  studyItem: 'studies:item',
  gradeItem: 'studies:grade',
  studyProgress: 'studies:progress',
  exportStudy: 'studies:export',
  startTraining: 'train:start',
  cancelJob: 'jobs:cancel',
  listJobs: 'jobs:list',
  jobEvents: 'jobs:events',
  startScan: 'scan:start',
  listScans: 'review:scans',
  reviewBeats: 'review:beats',
  labelBeats: 'review:label',
  undoReview: 'review:undo',
  redoReview: 'review:redo',
  beatTemplates: 'review:templates',
  exportReview: 'review:export',
  reviewEpisodes: 'rhythm:episodes',
  reviseEpisode: 'rhythm:revise',
  undoEpisodeReview: 'rhythm:undo',
  redoEpisodeReview: 'rhythm:redo',
  reportView: 'report:get',
  signOffReport: 'report:signoff',
  exportReport: 'report:export',
} as const;

export type ApiMethod = keyof typeof API_METHODS;
export type Channel = (typeof API_METHODS)[ApiMethod];
export const CHANNELS = Object.values(API_METHODS) as Channel[];
/** channel → bridge method name. */
export const METHOD_OF = Object.fromEntries(
  Object.entries(API_METHODS).map(([method, channel]) => [channel, method]),
) as { [M in ApiMethod as (typeof API_METHODS)[M]]: M };

/** What a channel accepts (the input type of its zod schema in `schemas.ts`). */
export type Args<C extends Channel> = z.input<ArgSchemas[C]>;
export type Grade = 'I' | 'II' | 'III';

/** Largest file `files:upload` takes (decoded bytes); bigger records go through the dialog. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/**
 * A file the person chose (system dialog) or dropped/uploaded: the renderer only ever holds this
 * opaque id, never a path, and main refuses ids it did not hand out in this session.
 */
export interface FileRef {
  fileId: string;
  /** The file's own name, for display. */
  name: string;
}

export interface UploadResult {
  /** Pass it with the next files of the same selection (a WFDB record's .hea, .dat and .atr). */
  batchId: string;
  /**
   * The uploaded file when it is a record to import (.hea, .csv, .edf) or a model's model.json;
   * null for companions (.dat, .atr, weights.bin).
   */
  file: FileRef | null;
}

export interface AppInfo {
  version: string;
  /** 'electron' or 'browser' (HTTP bridge). */
  shell: string;
  /** Which core modules are wired; missing ones disable their screens with a reason. */
  capabilities: Record<'import' | 'synthetic' | 'model' | 'training' | 'study' | 'scan', boolean>;
  notes: string[];
  /**
   * The model whose beat labels the app counts (scan, review, report); null when none is
   * available (then nothing is shown).
   */
  model: ModelInfo | null;
  /** The model whose map the viewer, review, report strips and grade studies show. */
  mapModel: ModelInfo | null;
}

/** A trained model the app can use: a shipped one or one in the model library. */
export interface ModelInfo {
  /**
   * 'default' for the default shipped model, another shipped model's folder name ('localiser'),
   * else the model library folder's name.
   */
  id: string;
  /** Display name (the model's meta.name, else its id). */
  name: string;
  description: string;
  method: string;
  classes: string[];
  /** Lead names it was trained on, in input order ('V1|V2' = either); null when it does not say. */
  leads: string[] | null;
  nLeads: number;
  /** Sampling frequency (Hz) and segment length (samples) it was trained at. */
  fs: number;
  nSamples: number;
  shipped: boolean;
  /** False when the model's meta records no training: such a model is never used. */
  trained: boolean;
  /** Run, fold, protocol, preset and data it was trained with (one line); null when unknown. */
  provenance: string | null;
  savedAt: string;
}

export interface ModelList {
  models: ModelInfo[];
  /**
   * The model whose beat labels the app counts (scan, review, report), or null when no trained
   * model is available.
   */
  current: ModelInfo | null;
  /**
   * The model whose map the viewer, the review screen, the report strips and grade studies show:
   * the shipped localiser unless a model was chosen (then the chosen one, as `current`).
   */
  map: ModelInfo | null;
  /** True when a model was chosen (it serves labels and map); false: each role's default. */
  explicit: boolean;
  /** Why there is no model, or what was refused at start (a chosen model that is gone). */
  note: string | null;
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
  /**
   * Wall-clock time of sample 0 (seconds after local midnight, date 'YYYY-MM-DD' or null) when
   * the file gives it (a WFDB header's base time and date); null when it does not.
   */
  startTime: { secondsOfDay: number; date: string | null } | null;
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
  /**
   * Beats inside the window (record sample positions): the model's beat labels (`aami` and
   * `symbol` are its N/S/V) once the record is inferred, else the record's annotations.
   */
  beats: Array<{ sample: number; symbol: string; aami: string }>;
  beatSource: 'model' | 'annotations' | null;
  /**
   * The model's map per bucket (max over the bucket) on one scale for the whole record: raw map
   * values over the record's largest, so 1 is the record's maximum. Null without a trained model
   * or while the record is being inferred.
   */
  attention: number[] | null;
  /** 'attention' (the segmenter's map) or 'gradxinput' (a classifier-only model's saliency). */
  mapSource: 'attention' | 'gradxinput' | null;
  /** Segment predictions overlapping the window. */
  predictions: Array<{ startSample: number; nSamples: number; label: string; probability: number }>;
  /** The model behind predictions and beat labels; null when none is available. */
  model: { id: string; name: string } | null;
  /** The model behind `attention` (the localiser by default; the chosen model after a choice). */
  mapModel: { id: string; name: string } | null;
  /**
   * The record's inference with those models (each runs in a worker, once per record and model):
   * running while either runs, failed when either failed.
   */
  inference: {
    state: 'none' | 'running' | 'ready' | 'failed';
    done: number;
    total: number;
  };
  /** What the model did or why nothing is shown, in words (warnings, progress, errors). */
  modelNote: string | null;
}

/** The viewer's screen calibration: device pixels per true mm, null when never calibrated. */
export interface DisplayCalibration {
  devicePxPerMm: number | null;
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
  /** Name of the model whose attention the items carry (null for studies of older builds). */
  model: string | null;
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
  kind: 'train' | 'scan' | 'infer';
  state: 'running' | 'done' | 'cancelled' | 'failed';
  message: string;
}

/** A reviewer's beat label: an AAMI class, or 'artefact' (not a beat). */
export type ReviewLabel = 'N' | 'S' | 'V' | 'F' | 'Q' | 'artefact';

/** A whole-record scan kept in the store for review. */
export interface ScanSummary {
  id: number;
  recordId: string;
  /** The model whose labels the scan holds (null when unknown). */
  model: string | null;
  beatSource: 'annotations' | 'detector';
  fs: number;
  /** Beats count as flagged when not N and their segment's probability reaches this. */
  minProbability: number;
  createdAt: string;
  nBeats: number;
  /** Beats the reviewer has labelled. */
  nReviewed: number;
}

export interface ReviewBeatRow {
  sample: number;
  /** The model's label (kept as it was). */
  machineLabel: string;
  /** The reviewer's label; null where the beat has not been relabelled. */
  reviewerLabel: ReviewLabel | null;
  /** The beat's map score, 0..1 of its segment's top beat; null when the map gives none. */
  score: number | null;
  segmentLabel: string;
  segmentProbability: number;
  /** The record's own annotation symbol at the beat; null where it has none. */
  reference: string | null;
  flagged: boolean;
}

export interface ReviewHistoryInfo {
  canUndo: boolean;
  canRedo: boolean;
  nDecisions: number;
}

export interface ReviewBeats {
  scan: ScanSummary;
  beats: ReviewBeatRow[];
  history: ReviewHistoryInfo;
  /** True when the record had annotations (the reference column means something). */
  hasReference: boolean;
}

/** What a relabel, undo or redo changed. */
export interface ReviewUpdate {
  changed: Array<{ sample: number; reviewerLabel: ReviewLabel | null }>;
  history: ReviewHistoryInfo;
}

/** A reviewer's rhythm: the machine's kinds, and atrial flutter (the machine's 'AF' is AF or flutter). */
export type { ReviewRhythm };

/** One rhythm episode of a scan on the review screen: the reviewer's version where reviewed. */
export interface ReviewEpisodeRow extends Omit<RhythmEpisode, 'rhythm'> {
  /** The episode's key in the scan (its index among the machine's episodes). */
  episode: number;
  /** 'machine': not reviewed; 'confirmed'; 'changed' (relabelled or edges moved); 'deleted'. */
  state: 'machine' | 'confirmed' | 'changed' | 'deleted';
  machineRhythm: string;
  machineStartSample: number;
  machineEndSample: number;
  /** The rhythm in force; edges and figures (RhythmEpisode's) likewise, the machine's if deleted. */
  rhythm: ReviewRhythm;
}

export interface ReviewEpisodes {
  scanId: number;
  episodes: ReviewEpisodeRow[];
  history: ReviewHistoryInfo;
  /** Why episodes may be missing or partial (no AF verdict, exclusions unknown); null when none. */
  note: string | null;
  /** The episode a revise, undo or redo changed; null otherwise. */
  changed: number | null;
}

/** What a reviewer does to one episode (one decision). */
export type EpisodeRevision =
  | { action: 'confirm' }
  | { action: 'delete' }
  | { action: 'relabel'; rhythm: ReviewRhythm }
  | { action: 'edges'; startSample: number; endSample: number };

export interface TemplateCluster {
  size: number;
  /** Fewer than 5 % of the label's beats. */
  odd: boolean;
  meanCorrelation: number;
  /** R-peak samples of the cluster's beats (what a cluster relabel sends back). */
  samples: number[];
  /** Mean waveform and some members' waveforms, `2 × halfWindow + 1` samples each (lead units). */
  mean: number[];
  traces: number[][];
}

/** Beats of one (effective) label superimposed on R and clustered by QRS morphology. */
export interface TemplateView {
  scanId: number;
  label: ReviewLabel;
  lead: string;
  unit: string;
  fs: number;
  halfWindow: number;
  nBeats: number;
  clusters: TemplateCluster[];
}

/** One sign-off of a scan's Holter report. */
export interface ReportSignoff {
  id: number;
  reviewer: string;
  signedAt: string;
  /** Review decisions in the scan's log when it was signed. */
  nDecisions: number;
  pvcCount: number;
  totalBeats: number;
  burdenPercent: number | null;
}

/**
 * A scan's Holter report as the Report screen shows it (from the effective labels: the
 * reviewer's where reviewed, else the machine's). The figures table and the pictures come as
 * markup made in main by the report page's own functions (holter/report-html.ts), every text in
 * them escaped, so the screen and report.html show the same.
 */
export interface ReportView {
  scanId: number;
  recordId: string;
  /** The model whose labels the report counts. */
  model: string;
  /** The model whose map shades the strips. */
  mapModel: string;
  generatedAt: string;
  pvcCount: number;
  totalBeats: number;
  burdenPercent: number | null;
  reviewedBeats: number;
  urgent: string[];
  warnings: string[];
  /** `<tr>` rows of the figures table. */
  figuresHtml: string;
  hourlySvg: string;
  /** The rhythm episode table (AF/flutter, pauses, runs, brady/tachycardia); null without episodes. */
  episodesHtml: string | null;
  strips: Array<{ title: string; svg: string }>;
  /** Oldest first; the last is the current sign-off. */
  signoffs: ReportSignoff[];
  /** True when review decisions were made after the last sign-off. */
  stale: boolean;
}

/** An exported file: text (CSV, JSON) or bytes in base64 (a WFDB annotation file). */
export interface FileExport {
  fileName: string;
  mimeType: string;
  text: string | null;
  base64: string | null;
}

export interface Results {
  'app:info': AppInfo;
  'models:list': ModelList;
  'models:choose': ModelList;
  'models:defaults': ModelList;
  'models:import': ModelList;
  'records:list': RecordSummary[];
  'files:open': FileRef[];
  'files:upload': UploadResult;
  'records:import': RecordSummary;
  'records:window': RecordWindow;
  'display:calibration': DisplayCalibration;
  'display:calibrate': DisplayCalibration;
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
  'review:scans': ScanSummary[];
  'review:beats': ReviewBeats;
  'review:label': ReviewUpdate;
  'review:undo': ReviewUpdate;
  'review:redo': ReviewUpdate;
  'review:templates': TemplateView;
  'review:export': FileExport;
  'rhythm:episodes': ReviewEpisodes;
  'rhythm:revise': ReviewEpisodes;
  'rhythm:undo': ReviewEpisodes;
  'rhythm:redo': ReviewEpisodes;
  'report:get': ReportView;
  'report:signoff': ReportView;
  'report:export': FileExport;
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
  | { type: 'infer-progress'; jobId: string; recordId: string; done: number; total: number }
  | { type: 'job-state'; job: JobSummary };

/** Every call answers with this envelope; errors are one line, never a stack trace. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/**
 * What the preload (Electron) or the browser shim (`src-renderer/lib/bridge.ts`) installs as
 * `window.beatlens`: one method per channel, each answering with the envelope, so the error's
 * `code` reaches the renderer (an Error thrown across Electron's context bridge keeps only its
 * message).
 */
export type BeatlensApi = {
  readonly [M in ApiMethod]: (
    args: Args<(typeof API_METHODS)[M]>,
  ) => Promise<Envelope<Results[(typeof API_METHODS)[M]]>>;
} & {
  /** Subscribe to progress events; returns an unsubscribe function. */
  readonly onEvent: (listener: (event: AppEvent) => void) => () => void;
};

/** The bridge's channel methods (all of BeatlensApi but onEvent). */
export type ApiMethods = Omit<BeatlensApi, 'onEvent'>;

/**
 * One method per channel, each bound to its own channel and carried by `send` (ipcRenderer in
 * the preload, fetch in the browser shim).
 */
export function bindApiMethods(
  send: (channel: Channel, args: unknown) => Promise<Envelope<unknown>>,
): ApiMethods {
  return Object.fromEntries(
    Object.entries(API_METHODS).map(([method, channel]) => [
      method,
      (args: unknown) => send(channel, args),
    ]),
  ) as unknown as ApiMethods;
}

/** Electron IPC channel names (prefixed so they cannot collide with Electron's own). */
export const ipcChannel = (c: Channel): string => `beatlens:${c}`;
export const EVENT_CHANNEL = 'beatlens:event';
