/**
 * Flagged-beat scan for clinic review: slide a trained model over a whole long record in
 * beat-aligned segments (the paper's segment builder: consecutive beats accumulated up to the
 * model's nSamples), and list the beats with high attention inside segments classified abnormal.
 * Records without beat annotations get R peaks from the Pan–Tompkins detector.
 */
import { BeatlensError } from '../errors';
import { preprocessRecord, type PreprocessConfig } from '../ecg/preprocess';
import { segmentRecord, type TaskRule } from '../ecg/segments';
import type { Beat, EcgRecord, Segment, SegmentDataset } from '../ecg/types';
import { datasetToTensor } from '../model/input';
import { tf } from '../model/tf';
import type { BeatlensModel } from '../model/types';
import { beatScores } from './localisation';
import { detectQrs } from './qrs';
import { gradientTimesInput } from './saliency';

export interface FlaggedBeat {
  /** R-peak sample in the record. */
  sample: number;
  /** Beat score (mean attention around the R peak) over the segment's highest beat score, 0..1. */
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
  /** Classes that count as abnormal; default every class except ones named N/Normal. */
  abnormalClasses?: string[];
  /** Only segments whose predicted-class probability is at least this (default 0.5). */
  minProbability?: number;
  /** Flag beats scoring ≥ this fraction of the segment's highest beat score (default 0.5). */
  thresholdFraction?: number;
  /** Beat window as a fraction of the local RR (default 0.3), as in the localisation metrics. */
  rrFraction?: number;
  /** Preprocessing applied before segmentation; false when the record is already preprocessed. */
  preprocess?: PreprocessConfig | false;
  /** Lead used for QRS detection when there are no annotations (default 0). */
  qrsLead?: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ScanResult {
  flagged: FlaggedBeat[];
  nBeats: number;
  nSegments: number;
  /** Segments per predicted class. */
  predictedCounts: Record<string, number>;
  /** 'annotations' or 'detector'. */
  beatSource: 'annotations' | 'detector';
  /** Attention ('model') or gradient × input for a classifier-only model. */
  mapSource: 'attention' | 'gradxinput';
}

/** Every beat-aligned segment of a record, whatever its beats are. */
const SCAN_RULE: TaskRule = { name: 'scan', classes: ['scan'], label: () => 'scan' };

/** Beats of a record from its annotations or, when null, from the QRS detector. */
export function recordBeats(record: EcgRecord, beats: Beat[] | null, qrsLead = 0): Beat[] {
  if (beats) return beats;
  if (qrsLead < 0 || qrsLead >= record.signals.length) {
    throw new BeatlensError(
      'scan-input',
      `qrsLead=${qrsLead} but record ${record.id} has ${record.signals.length} leads`,
    );
  }
  return detectQrs(record.signals[qrsLead], record.fs).map((sample) => ({
    sample,
    symbol: '?',
    aami: 'Q',
  }));
}

/**
 * Scans a whole record. The model must match the record's fs and number of leads. Beats with
 * score ≥ thresholdFraction × the segment's highest beat score inside segments predicted as an abnormal class (with
 * probability ≥ minProbability) are returned, sorted by sample.
 */
export async function scanRecord(
  model: Pick<BeatlensModel, 'forward' | 'forwardFeatures' | 'forwardHead' | 'config'>,
  record: EcgRecord,
  beats: Beat[] | null,
  opts: ScanOptions = {},
): Promise<ScanResult> {
  const cfg = model.config;
  if (record.fs !== cfg.fs) {
    throw new BeatlensError(
      'fs-mismatch',
      `record ${record.id} has fs=${record.fs} Hz but the model was trained at ${cfg.fs} Hz`,
    );
  }
  if (record.signals.length !== cfg.nLeads) {
    throw new BeatlensError(
      'lead-mismatch',
      `record ${record.id} has ${record.signals.length} leads but the model expects ${cfg.nLeads}`,
    );
  }
  const abnormalClasses =
    opts.abnormalClasses ?? cfg.classes.filter((c) => !/^(n|normal)$/i.test(c));
  const minProbability = opts.minProbability ?? 0.5;
  const thresholdFraction = opts.thresholdFraction ?? 0.5;
  const batchSize = opts.batchSize ?? 16;
  const allBeats = recordBeats(record, beats, opts.qrsLead ?? 0);
  const prepared = opts.preprocess === false ? record : preprocessRecord(record, opts.preprocess);
  const report = segmentRecord(prepared, allBeats, { maxSamples: cfg.nSamples, task: SCAN_RULE });
  const segments: Segment[] = report.segments;
  const ds: SegmentDataset = {
    classes: ['scan'],
    nLeads: cfg.nLeads,
    nSamples: cfg.nSamples,
    fs: cfg.fs,
    x: new Float32Array(segments.length * cfg.nLeads * cfg.nSamples),
    y: new Int32Array(segments.length),
    meta: [],
  };
  segments.forEach((s, i) => ds.x.set(s.data, i * cfg.nLeads * cfg.nSamples));
  const flagged: FlaggedBeat[] = [];
  const predictedCounts: Record<string, number> = Object.fromEntries(
    cfg.classes.map((c) => [c, 0]),
  );
  let mapSource: ScanResult['mapSource'] = 'attention';
  for (let b = 0; b < segments.length; b += batchSize) {
    if (opts.signal?.aborted) throw new BeatlensError('cancelled', 'the scan was cancelled');
    const part = segments.map((_, i) => i).slice(b, b + batchSize);
    const x = datasetToTensor(ds, part);
    const out = model.forward(x, false);
    const probs = (await tf.exp(out.logits).data()) as Float32Array;
    let maps: Float32Array[];
    if (out.attention) {
      const a = (await out.attention.data()) as Float32Array;
      maps = part.map((_, j) => a.slice(j * cfg.nSamples, (j + 1) * cfg.nSamples));
    } else {
      mapSource = 'gradxinput';
      maps = gradientTimesInput(model, x);
    }
    tf.dispose([x, out.logits, ...(out.attention ? [out.attention] : [])]);
    part.forEach((segIdx, j) => {
      const seg = segments[segIdx];
      const nC = cfg.classes.length;
      let best = 0;
      for (let c = 1; c < nC; c++) if (probs[j * nC + c] > probs[j * nC + best]) best = c;
      const label = cfg.classes[best];
      const p = probs[j * nC + best];
      predictedCounts[label]++;
      if (!abnormalClasses.includes(label) || p < minProbability) return;
      const scores = beatScores(maps[j], seg.beats, {
        rrFraction: opts.rrFraction,
        length: seg.length,
      });
      let max = 0;
      for (const v of scores) if (v > max) max = v;
      if (!(max > 0)) return;
      seg.beats.forEach((beat, k) => {
        const rel = scores[k] / max;
        if (rel >= thresholdFraction) {
          flagged.push({
            sample: seg.offset + beat.position,
            score: rel,
            segmentProbability: p,
            segmentLabel: label,
            segmentIndex: segIdx,
            segmentOffset: seg.offset,
            symbol: beat.symbol,
          });
        }
      });
    });
    opts.onProgress?.(Math.min(b + batchSize, segments.length), segments.length);
    await new Promise((r) => setImmediate(r)); // let progress events and cancellation through
  }
  flagged.sort((a, b) => a.sample - b.sample);
  return {
    flagged,
    nBeats: allBeats.length,
    nSegments: segments.length,
    predictedCounts,
    beatSource: beats ? 'annotations' : 'detector',
    mapSource,
  };
}
