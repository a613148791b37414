/**
 * Flagged-beat scan for clinic review: every beat of a whole record gets an AAMI label from the
 * one inference path (src-main/infer/infer-record.ts: beat-aligned segments, the training
 * preprocessing, bad stretches excluded); the flagged beats are those labelled V or S.
 * Records without beat annotations get R peaks from the Pan–Tompkins detector.
 */
import { formatCsv } from '../csv';
import { BeatlensError } from '../errors';
import { readBytes, strictUtf8 } from '../ecg/import/files';
import { csvLineCells } from './bxb-files';
import type { AamiClass, Beat, EcgRecord } from '../ecg/types';
import {
  inferRecord,
  type ExcludedStretch,
  type InferenceModel,
  type InferredBeat,
  type InferredSegment,
  type ModelRunInfo,
} from '../infer/infer-record';
import type { RecordQuality } from '../infer/record-quality';

export interface FlaggedBeat {
  /** R-peak sample in the record. */
  sample: number;
  /** AAMI label the scan gave the beat (V or S). */
  label: 'V' | 'S';
  /** Beat score (map around the R peak) over the segment's highest beat score, 0..1. */
  score: number;
  /** Probability of the segment's predicted class. */
  segmentProbability: number;
  /** Predicted class of the segment. */
  segmentLabel: string;
  /** Index of the segment in scan order, and its first sample in the record. */
  segmentIndex: number;
  segmentOffset: number;
  /** Annotation symbol when the record had annotations, '?' for detected beats. */
  symbol: string;
}

export interface ScanOptions {
  /** Beat threshold as a fraction of the segment's top beat score (default: the model's, 0.5). */
  thresholdFraction?: number;
  /** How the model runs (its manifest's meta: lead names, beat threshold). */
  info?: ModelRunInfo;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ScanResult {
  flagged: FlaggedBeat[];
  /** Every labelled beat (N, S, V), sorted by sample. */
  beats: InferredBeat[];
  /** The segments the beats' `segment` indices refer to. */
  segmentsOf: InferredSegment[];
  nBeats: number;
  nSegments: number;
  /** Segments per predicted class. */
  predictedCounts: Record<string, number>;
  beatSource: 'annotations' | 'detector';
  mapSource: 'attention' | 'gradxinput';
  /** Lead-off, flat or non-finite stretches left out, and their beats. */
  excluded: ExcludedStretch[];
  nBeatsExcluded: number;
  /** Which record lead fed which model input, one line ('leads used: II as MLII, V1 as V1'). */
  leadsLine: string;
  /** Analysable beats, excluded time, noise and the out-of-distribution check; `line` printed. */
  quality: RecordQuality;
  warnings: string[];
}

/** Scans a whole record; `beats` null uses the QRS detector. */
export async function scanRecord(
  model: InferenceModel,
  record: EcgRecord,
  beats: Beat[] | null,
  opts: ScanOptions = {},
): Promise<ScanResult> {
  const r = await inferRecord(model, record, {
    beats,
    info: opts.info,
    beatThreshold: opts.thresholdFraction,
    batchSize: opts.batchSize,
    onProgress: opts.onProgress,
    signal: opts.signal,
  });
  const predictedCounts: Record<string, number> = Object.fromEntries(r.classes.map((c) => [c, 0]));
  for (const s of r.segments) predictedCounts[s.label]++;
  const flagged: FlaggedBeat[] = [];
  for (const b of r.beats) {
    if (b.label !== 'V' && b.label !== 'S') continue;
    const seg = r.segments[b.segment];
    flagged.push({
      sample: b.sample,
      label: b.label,
      score: b.score,
      segmentProbability: Math.max(...seg.probabilities),
      segmentLabel: seg.label,
      segmentIndex: b.segment,
      segmentOffset: seg.offset,
      symbol: b.symbol ?? '?',
    });
  }
  return {
    flagged,
    beats: r.beats,
    segmentsOf: r.segments,
    nBeats: r.beats.length + r.nBeatsExcluded,
    nSegments: r.segments.length,
    predictedCounts,
    beatSource: r.beatSource,
    mapSource: r.mapSource,
    excluded: r.excluded,
    nBeatsExcluded: r.nBeatsExcluded,
    leadsLine: r.leadsLine,
    quality: r.quality,
    warnings: r.warnings,
  };
}

/**
 * One row per beat: sample (record fs), time_s, label (AAMI), score, QRS correlation with the
 * record's dominant beat, the segment's label and class probabilities, the beat's RR intervals
 * (s) and their ratios to the local reference RR, its morphology cluster, and the reference
 * symbol when the record had annotations. The columns `sample` and `label` are what
 * `beatlens evaluate-beats` reads.
 */
export function scanBeatsCsv(r: ScanResult, fs: number, classes: readonly string[]): string {
  return formatCsv(
    [
      'sample',
      'time_s',
      'label',
      'score',
      'correlation',
      'segment_label',
      ...classes.map((c) => `p_${c}`),
      'rr_prev_s',
      'rr_next_s',
      'prematurity',
      'compensation',
      'cluster',
      'reference',
    ],
    r.beats.map((b) => {
      const seg = r.segmentsOf[b.segment];
      return [
        b.sample,
        (b.sample / fs).toFixed(3),
        b.label,
        fixed(b.score),
        fixed(b.correlation),
        seg.label,
        ...seg.probabilities.map((p) => p.toFixed(4)),
        fixed(b.rrPrev),
        fixed(b.rrNext),
        fixed(b.prematurity),
        fixed(b.compensation),
        b.cluster,
        b.symbol ?? '',
      ];
    }),
  );
}

/** Four decimals, or empty for a non-finite value. */
const fixed = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : '');

/** One beat of a beats CSV read back (the columns the beat head and the rule need). */
export interface ScanCsvBeat {
  sample: number;
  label: AamiClass;
  correlation: number;
  cluster: number;
  /** The reference symbol, or null where the CSV has none. */
  reference: string | null;
}

/**
 * Reads a beats CSV that `scanBeatsCsv` wrote, with the sampling rate it was written at: its
 * beats in order, and the beats that start a run (an empty `rr_prev_s` after the first beat:
 * an excluded stretch before them).
 */
export function readScanBeatsCsv(
  path: string,
  fs: number,
): { fs: number; beats: ScanCsvBeat[]; runStarts: Set<number> } {
  const lines = strictUtf8(readBytes(path, 'beats CSV'), path, 'beats-csv')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = csvLineCells(lines[0] ?? '') ?? [];
  const at = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) {
      throw new BeatlensError(
        'beats-csv',
        `${path}: no '${name}' column; expected a beats CSV written by beatlens scan --beats-csv`,
      );
    }
    return i;
  };
  const [iSample, iLabel, iCorr, iCluster, iRr, iRef] = [
    'sample',
    'label',
    'correlation',
    'cluster',
    'rr_prev_s',
    'reference',
  ].map(at);
  const beats: ScanCsvBeat[] = [];
  const runStarts = new Set<number>();
  lines.slice(1).forEach((line, k) => {
    const c = csvLineCells(line);
    const sample = Number(c?.[iSample]);
    const label = c?.[iLabel] as AamiClass;
    if (!c || !Number.isInteger(sample) || !['N', 'S', 'V', 'F', 'Q'].includes(label)) {
      throw new BeatlensError('beats-csv', `${path}:${k + 2}: not a beats row (sample, label)`);
    }
    if (beats.length > 0 && c[iRr] === '') runStarts.add(beats.length);
    beats.push({
      sample,
      label,
      correlation: c[iCorr] === '' ? NaN : Number(c[iCorr]),
      cluster: Number(c[iCluster]),
      reference: c[iRef] ? c[iRef] : null,
    });
  });
  return { fs, beats, runStarts };
}
