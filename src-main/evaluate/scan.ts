/**
 * Flagged-beat scan for clinic review: every beat of a whole record gets an AAMI label from the
 * one inference path (src-main/infer/inferRecord.ts: beat-aligned segments, the training
 * preprocessing, bad stretches excluded); the flagged beats are those labelled V or S.
 * Records without beat annotations get R peaks from the Pan–Tompkins detector.
 */
import { formatCsv } from '../csv';
import type { Beat, EcgRecord } from '../ecg/types';
import {
  inferRecord,
  type ExcludedStretch,
  type InferenceModel,
  type InferredBeat,
  type InferredSegment,
  type ModelRunInfo,
} from '../infer/inferRecord';

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
