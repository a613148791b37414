/**
 * The Holter report of one record: the burden figures (burden.ts) of its effective beat labels,
 * the model and provenance, warnings, and representative strips (the first PVC, the longest
 * ventricular run, the fastest heart rate, the longest pause) with the model's map on the
 * record's one scale and the beat labels. Plain JSON: `beatlens report` writes it as
 * report.json, the app's Report screen shows it, report-html.ts renders it.
 */
import type { AamiClass, EcgRecord, RecordStartTime } from '../ecg/types';
import { decimateMinMax } from '../app/decimate';
import { segmentAttention, type RecordMaps } from '../app/record-maps';
import {
  computeBurden,
  elapsed,
  type BurdenBeat,
  type BurdenOptions,
  type BurdenSummary,
} from './burden';

export const REPORT_FORMAT = 'beatlens-holter-report';
export const REPORT_FORMAT_VERSION = 1;

/** The model behind the labels: its display name and version (code commit, save time). */
export interface ReportModel {
  name: string;
  /** Shipped name ('default', 'localiser'), library id or folder. */
  id: string;
  method: string;
  /** The code commit the model was trained with (model.json meta.code.commit), when recorded. */
  codeCommit: string | null;
  savedAt: string;
}

export interface ReportStrip {
  /** Why this strip: 'first-pvc', 'longest-run', 'fastest-hr', 'longest-pause'. */
  kind: 'first-pvc' | 'longest-run' | 'fastest-hr' | 'longest-pause';
  title: string;
  /** First record sample and length (record fs). */
  startSample: number;
  nSamples: number;
  fs: number;
  leadNames: string[];
  units: string[];
  /** Record samples per drawn bucket; min/max per bucket and lead (physical units). */
  bucketSamples: number;
  min: number[][];
  max: number[][];
  /** The model's map per bucket (max over the bucket), 1 = the record's largest value. */
  attention: number[];
  /** Beats inside the strip with their effective label. */
  beats: Array<{ sample: number; label: AamiClass }>;
}

export interface HolterReport extends BurdenSummary {
  format: typeof REPORT_FORMAT;
  formatVersion: number;
  recordId: string;
  startTime: RecordStartTime | null;
  model: ReportModel;
  /** 'attention' (segmenter) or 'gradxinput' (a classifier-only model's saliency). */
  mapSource: RecordMaps['mapSource'];
  /** Where the R peaks came from. */
  beatSource: RecordMaps['beatSource'];
  /** Beats whose label a reviewer set (the others carry the model's). */
  reviewedBeats: number;
  reviewer: string | null;
  /** ISO time of the sign-off; null until signed off. */
  signedOffAt: string | null;
  generatedAt: string;
  warnings: string[];
  strips: ReportStrip[];
}

export interface BuildReportInput {
  record: Pick<EcgRecord, 'id' | 'fs' | 'nSamples' | 'leadNames' | 'units' | 'signals'> & {
    startTime?: RecordStartTime | null;
  };
  /** The record's inference laid out over it (the map, the model's beats, exclusions). */
  maps: RecordMaps;
  /** The effective label of every beat (reviewer's where reviewed, else the model's). */
  beats: ReadonlyArray<{ sample: number; label: AamiClass }>;
  reviewedBeats?: number;
  model: ReportModel;
  reviewer?: string | null;
  signedOffAt?: string | null;
  /** Defaults to now. */
  generatedAt?: string;
  options?: Partial<BurdenOptions>;
  /** Seconds per strip (default 8). */
  stripSeconds?: number;
}

/** Buckets per strip and lead: enough for a printed A4 width at full detail. */
const STRIP_BUCKETS = 1600;
const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

const AAMI: readonly string[] = ['N', 'S', 'V', 'F', 'Q'];

/** The model's label of every beat of an inference (an unknown label counts as Q). */
export function machineLabels(maps: Pick<RecordMaps, 'beats'>): BurdenBeat[] {
  return maps.beats.map((b) => ({
    sample: b.sample,
    label: (AAMI.includes(b.label) ? b.label : 'Q') as AamiClass,
  }));
}

/**
 * The report's beats from a scan's effective labels (store/beat-reviews.ts `effectiveLabels`:
 * the reviewer's label where a beat was reviewed, else the machine's): beats the reviewer
 * called artefact are left out; `reviewedBeats` counts the beats a reviewer labelled.
 */
export function reportBeats(
  labels: ReadonlyArray<{
    sample: number;
    label: AamiClass | 'artefact';
    source: 'reviewer' | 'machine';
  }>,
): { beats: BurdenBeat[]; reviewedBeats: number } {
  const beats: BurdenBeat[] = [];
  let reviewedBeats = 0;
  for (const b of labels) {
    if (b.source === 'reviewer') reviewedBeats++;
    if (b.label !== 'artefact') beats.push({ sample: b.sample, label: b.label });
  }
  return { beats, reviewedBeats };
}

/** The model's name and version as a report states it, from a model folder's manifest. */
export function reportModel(
  id: string,
  manifest: { method: string; savedAt: string; meta?: Record<string, unknown> },
): ReportModel {
  const meta = manifest.meta ?? {};
  const code = meta.code as { commit?: unknown } | undefined;
  return {
    name: typeof meta.name === 'string' ? meta.name : id,
    id,
    method: manifest.method,
    codeCommit: typeof code?.commit === 'string' ? code.commit : null,
    savedAt: manifest.savedAt,
  };
}

/** One strip of `nSamples` centred on `centre` (clipped to the record). */
function strip(
  input: BuildReportInput,
  kind: ReportStrip['kind'],
  title: string,
  centre: number,
  seconds: number,
): ReportStrip {
  const { record, maps } = input;
  const n = Math.min(record.nSamples, Math.round(seconds * record.fs));
  const start = Math.max(0, Math.min(record.nSamples - n, Math.round(centre - n / 2)));
  const lines = record.signals.map((s) => decimateMinMax(s, start, n, STRIP_BUCKETS));
  const bucketSamples = lines[0]?.bucketSamples ?? 1;
  const map = segmentAttention(maps, start, record.fs, n);
  const attention: number[] = [];
  for (let b = 0; b < n; b += bucketSamples) {
    let a = 0;
    for (let t = b; t < Math.min(n, b + bucketSamples); t++) a = Math.max(a, map[t]);
    attention.push(round(a, 3));
  }
  return {
    kind,
    title,
    startSample: start,
    nSamples: n,
    fs: record.fs,
    leadNames: [...record.leadNames],
    units: [...record.units],
    bucketSamples,
    min: lines.map((l) => Array.from(l.min, (v) => round(v, 4))),
    max: lines.map((l) => Array.from(l.max, (v) => round(v, 4))),
    attention,
    beats: input.beats
      .filter((b) => b.sample >= start && b.sample < start + n)
      .map((b) => ({ sample: b.sample, label: b.label })),
  };
}

/** The representative strips the figures point at (none for a figure that has no event). */
function strips(input: BuildReportInput, s: BurdenSummary, seconds: number): ReportStrip[] {
  const firstV = [...input.beats].sort((a, b) => a.sample - b.sample).find((b) => b.label === 'V');
  const run = s.ventricular.longestRun;
  const hr = s.heartRate.maximum;
  const pause = s.pauses.longest;
  const wanted: Array<[ReportStrip['kind'], string, number] | null> = [
    firstV
      ? ['first-pvc', `First PVC at ${elapsed(firstV.sample / input.record.fs)}`, firstV.sample]
      : null,
    run
      ? [
          'longest-run',
          `Longest ventricular run: ${run.beats} beats at ${Math.round(run.rateBpm)} bpm`,
          (run.start.sample + run.end.sample) / 2,
        ]
      : null,
    hr ? ['fastest-hr', `Fastest heart rate: ${Math.round(hr.bpm)} bpm`, hr.sample] : null,
    pause
      ? [
          'longest-pause',
          `Longest pause: ${pause.seconds.toFixed(2)} s`,
          (pause.start.sample + pause.end.sample) / 2,
        ]
      : null,
  ];
  return wanted
    .filter((w): w is [ReportStrip['kind'], string, number] => w !== null)
    .map(([kind, title, centre]) => strip(input, kind, title, centre, seconds));
}

/** The whole report (see the module comment). */
export function buildHolterReport(input: BuildReportInput): HolterReport {
  const { record, maps } = input;
  const startTime = record.startTime ?? null;
  const summary = computeBurden({
    beats: input.beats,
    fs: record.fs,
    nSamples: record.nSamples,
    excluded: maps.excluded,
    startTime,
    options: input.options,
  });
  const warnings = [...maps.warnings];
  for (const x of maps.excluded) {
    warnings.push(
      `excluded ${elapsed(x.start / record.fs)}–${elapsed(x.end / record.fs)} (${x.reason}, lead ${x.lead}): not analysed`,
    );
  }
  if (maps.beatSource === 'detector') {
    warnings.push("R peaks from beatlens's QRS detector (the record's annotations were not used)");
  }
  return {
    format: REPORT_FORMAT,
    formatVersion: REPORT_FORMAT_VERSION,
    recordId: record.id,
    startTime,
    model: input.model,
    mapSource: maps.mapSource,
    beatSource: maps.beatSource,
    reviewedBeats: input.reviewedBeats ?? 0,
    reviewer: input.reviewer ?? null,
    signedOffAt: input.signedOffAt ?? null,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    warnings,
    ...summary,
    strips: strips(input, summary, input.stripSeconds ?? 8),
  };
}
