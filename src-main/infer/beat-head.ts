/**
 * The beat head: whether a beat is a supraventricular (S) or ventricular (V) ectopic beat, from
 * what defines one and nothing a recorder changes. An S comes early against the local rhythm and
 * its QRS looks like the dominant beat's; a V has a QRS unlike the dominant beat's and comes early
 * or is followed by a pause. The head reads RR ratios (not seconds), the QRS correlation with the
 * record's own dominant beat (not amplitudes) and the beat's share of its morphology cluster; no
 * lead, gain, polarity or sampling rate enters, and neither does the segment model — which, on
 * recorders it never saw, calls normal segments APB, the cause of every beat of a healthy record
 * coming out S.
 *
 * A multinomial logistic regression (N / S / V, softmax) over the features of
 * `beatHeadFeatures`, fitted on MIT-BIH DS1 with its **beat labels**
 * (scripts/train-beat-head.ts). A beat is S when its S probability reaches `threshold` and its
 * QRS correlates at least `sMinCorrelation` with the dominant beat (outside AF and flutter); it is V when the segment model's beat rule says V (beat-rule.ts), or when its
 * V probability reaches `vThreshold` and its QRS correlates below `vMaxCorrelation` with the
 * dominant beat; inside AF or flutter a V of the rule also needs a QRS correlating below
 * `vAfMaxCorrelation`, as earliness means nothing there. The numbers are chosen on record-grouped
 * out-of-fold DS1 predictions.
 *
 * Features, per beat (RR intervals inside the beat's run; a missing interval gives ratio 1 and a
 * flag):
 * - prematurity: RR before / median of the local RRs (the 8 beats either side, beat-rule.ts);
 * - compensation: RR after / the same median;
 * - sinus prematurity: RR before / the 90th percentile of the RRs within ±10 beats — against the
 *   slowest local rhythm, so runs of atrial ectopy (whose own RRs make the median) still show as
 *   early against the sinus beats between them (MIT-BIH 232);
 * - RR before / the RR before that, and RR before / RR after;
 * each as log, flag and log clipped at 0 (only earliness counts there);
 * - QRS correlation with the dominant beat, and the same clipped to [0.8, 1];
 * - the share of the record's beats in the beat's morphology cluster;
 * - local irregularity: median |ΔRR| / median RR over ±10 beats (AF is irregular everywhere).
 */
import { BeatlensError } from '../errors';
import type { AamiClass } from '../ecg/types';
import { rhythmFeatures } from './beat-rule';

export const BEAT_HEAD_FORMAT = 'beatlens-beat-head';
export const BEAT_HEAD_CLASSES = ['N', 'S', 'V'] as const;

/** What the head reads of one record's beats (every beat, in time order). */
export interface HeadBeat {
  /** R-peak sample at `fs`. */
  sample: number;
  /** QRS correlation with the record's dominant beat (NaN: unknown). */
  correlation: number;
  /** Morphology cluster index. */
  cluster: number;
}

export interface BeatHead {
  format: typeof BEAT_HEAD_FORMAT;
  /** Feature names, in order (a head saved with other features is refused). */
  features: string[];
  /** Standardisation of each feature. */
  mean: number[];
  std: number[];
  /** Weights [feature][class] for N, S, V, and the biases per class. */
  weights: number[][];
  bias: number[];
  /** A beat is S when its S probability reaches this. */
  threshold: number;
  /** A beat is also V when its V probability reaches this … (absent: V by the beat rule only) */
  vThreshold?: number;
  /** … and its QRS correlation with the dominant beat is below this. */
  vMaxCorrelation?: number;
  /** An S must have a QRS correlating at least this with the dominant beat (absent: no bound). */
  sMinCorrelation?: number;
  /**
   * Inside AF or flutter an early beat is no sign of a V, so a V of the beat rule (whose sign may be
   * its earliness) stays V there only with a QRS correlating below this (absent: no bound).
   */
  vAfMaxCorrelation?: number;
  /** What it was fitted on and how the threshold was chosen (provenance, free form). */
  provenance?: Record<string, unknown>;
}

const RATIO_FEATURES = ['prematurity', 'compensation', 'sinusPrematurity', 'rrRatio', 'rrBalance'];
/** The feature names in order (see the module comment). */
export const BEAT_HEAD_FEATURES: readonly string[] = [
  ...RATIO_FEATURES.flatMap((f) => [`log_${f}`, `missing_${f}`, `early_${f}`]),
  'correlation',
  'correlation_clipped',
  'cluster_share',
  'log_irregularity',
];

/** Beats either side in the sinus reference (the median one is the beat rule's, 8 either side). */
const SINUS_BEATS = 10;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * The feature rows of a record's beats (`beats` sorted by sample, at `fs`); `runStarts` marks
 * beats after an excluded stretch, across which no interval is measured. Row-major, one row of
 * BEAT_HEAD_FEATURES.length per beat.
 */
export function beatHeadFeatures(
  beats: readonly HeadBeat[],
  fs: number,
  runStarts: ReadonlySet<number> = new Set(),
): Float64Array[] {
  const n = beats.length;
  // rr[k]: the interval ending at beat k, in seconds (NaN when k starts a run or k = 0).
  const rr = new Float64Array(n).fill(NaN);
  for (let k = 1; k < n; k++) {
    if (!runStarts.has(k)) rr[k] = (beats[k].sample - beats[k - 1].sample) / fs;
  }
  const run = new Int32Array(n);
  for (let k = 1; k < n; k++) run[k] = run[k - 1] + (runStarts.has(k) ? 1 : 0);
  const clusterCount = new Map<number, number>();
  for (const b of beats) clusterCount.set(b.cluster, (clusterCount.get(b.cluster) ?? 0) + 1);
  // Prematurity and compensation against the local median: the beat rule's own (one definition).
  const rhythm = rhythmFeatures(
    beats.map((b) => b.sample),
    fs,
    runStarts,
  );
  return beats.map((b, i) => {
    const { rrPrev, rrNext, prematurity, compensation } = rhythm[i];
    const wide: number[] = [];
    for (let k = i - SINUS_BEATS; k <= i + SINUS_BEATS; k++) {
      if (k >= 1 && k < n && Number.isFinite(rr[k]) && run[k] === run[i]) wide.push(rr[k]);
    }
    wide.sort((a, c) => a - c);
    const sinus = wide.length >= 4 ? quantile(wide, 0.9) : NaN;
    let irregularity = NaN;
    if (wide.length >= 4) {
      // Successive differences of the RRs in time order (not the sorted copy).
      const seq: number[] = [];
      for (let k = Math.max(1, i - SINUS_BEATS); k <= Math.min(n - 1, i + SINUS_BEATS); k++) {
        if (Number.isFinite(rr[k]) && run[k] === run[i]) seq.push(rr[k]);
      }
      const diffs = seq
        .slice(1)
        .map((v, k) => Math.abs(v - seq[k]))
        .sort((a, c) => a - c);
      irregularity = quantile(diffs, 0.5) / quantile(wide, 0.5);
    }
    const rrPrevPrev = i >= 1 && run[i - 1] === run[i] ? rr[i - 1] : NaN;
    const ratios = [
      prematurity,
      compensation,
      rrPrev / sinus,
      rrPrev / rrPrevPrev,
      rrPrev / rrNext,
    ];
    const row = new Float64Array(BEAT_HEAD_FEATURES.length);
    let j = 0;
    for (const v of ratios) {
      const missing = !Number.isFinite(v) || v <= 0;
      const log = missing ? 0 : Math.log(Math.min(20, Math.max(0.05, v)));
      row[j++] = log;
      row[j++] = missing ? 1 : 0;
      row[j++] = Math.max(-3, Math.min(0, log));
    }
    const c = Number.isFinite(b.correlation) ? b.correlation : 1;
    row[j++] = c;
    row[j++] = Math.min(1, Math.max(0.8, c));
    row[j++] = (clusterCount.get(b.cluster) ?? 0) / n;
    row[j++] = Math.log((Number.isFinite(irregularity) ? irregularity : 0) + 0.01);
    return row;
  });
}

/** Class probabilities (N, S, V) of one feature row. */
export function headProbabilities(head: BeatHead, row: ArrayLike<number>): number[] {
  const k = head.bias.length;
  const logits = head.bias.slice();
  for (let f = 0; f < head.features.length; f++) {
    const z = (row[f] - head.mean[f]) / head.std[f];
    for (let c = 0; c < k; c++) logits[c] += z * head.weights[f][c];
  }
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / sum);
}

/** The class probabilities (N, S, V) of every beat of a record (see beatHeadFeatures). */
export function headProbabilitiesOf(
  head: BeatHead,
  beats: readonly HeadBeat[],
  fs: number,
  runStarts?: ReadonlySet<number>,
): number[][] {
  return beatHeadFeatures(beats, fs, runStarts).map((row) => headProbabilities(head, row));
}

/** The head's decision thresholds (a fitted head's, or candidates while choosing them). */
export type HeadThresholds = Pick<
  BeatHead,
  'threshold' | 'vThreshold' | 'vMaxCorrelation' | 'sMinCorrelation' | 'vAfMaxCorrelation'
>;

/**
 * The head's decision over a record's beat-rule labels, from each beat's class probabilities
 * (N, S, V) and QRS correlation: V where the rule says V (inside AF or flutter only with a QRS
 * correlating below `vAfMaxCorrelation`, an unknown correlation passing), or where the V probability reaches
 * `vThreshold` and the correlation is below `vMaxCorrelation`; else S where the S probability
 * reaches `threshold`, its QRS correlates at least `sMinCorrelation` with the dominant beat and
 * `inAf` (AF or flutter) does not hold for the beat; else N — the segment model's APB segments
 * no longer make S beats.
 */
export function applyBeatHead(
  labels: readonly AamiClass[],
  probabilities: readonly (readonly number[])[],
  correlation: ArrayLike<number>,
  t: HeadThresholds,
  inAf?: readonly boolean[],
): AamiClass[] {
  const s = BEAT_HEAD_CLASSES.indexOf('S');
  const v = BEAT_HEAD_CLASSES.indexOf('V');
  return labels.map((label, i) => {
    const p = probabilities[i];
    const afLike =
      inAf?.[i] && t.vAfMaxCorrelation !== undefined && correlation[i] >= t.vAfMaxCorrelation;
    if (label === 'V' && !afLike) return 'V';
    if (
      t.vThreshold !== undefined &&
      p[v] >= t.vThreshold &&
      (Number.isFinite(correlation[i]) ? correlation[i] : 1) < (t.vMaxCorrelation ?? 1)
    ) {
      return 'V';
    }
    // Supraventricular: conducted like the dominant beat (an unknown correlation passes).
    const like = !(correlation[i] < (t.sMinCorrelation ?? -Infinity));
    return p[s] >= t.threshold && like && !inAf?.[i] ? 'S' : 'N';
  });
}

/** Options of the fit (full-batch Adam on the class-weighted cross-entropy with an L2 term). */
export interface FitOptions {
  iterations?: number;
  learningRate?: number;
  l2?: number;
  /** Class weights are (n / n_class)^power: 0 none, 1 balanced. */
  classWeightPower?: number;
}

/**
 * Fits the softmax regression on feature rows and labels (0 N, 1 S, 2 V). Deterministic: zero
 * start, full batch, no random draw, so there is no seed to report.
 */
export function fitBeatHead(
  rows: readonly ArrayLike<number>[],
  labels: readonly number[],
  thresholds: HeadThresholds,
  opts: FitOptions = {},
): BeatHead {
  const nF = BEAT_HEAD_FEATURES.length;
  const K = BEAT_HEAD_CLASSES.length;
  const n = rows.length;
  if (n === 0 || labels.length !== n) {
    throw new BeatlensError('bad-input', `fitBeatHead: ${n} rows but ${labels.length} labels`);
  }
  const mean = new Array<number>(nF).fill(0);
  const std = new Array<number>(nF).fill(0);
  for (const r of rows) for (let f = 0; f < nF; f++) mean[f] += r[f] / n;
  for (const r of rows) for (let f = 0; f < nF; f++) std[f] += (r[f] - mean[f]) ** 2 / n;
  for (let f = 0; f < nF; f++) std[f] = Math.sqrt(std[f]) + 1e-9;
  const z = rows.map((r) => Float64Array.from({ length: nF }, (_, f) => (r[f] - mean[f]) / std[f]));
  const counts = new Array<number>(K).fill(0);
  for (const y of labels) counts[y]++;
  const power = opts.classWeightPower ?? 0.5;
  const cw = counts.map((c) => (c > 0 ? (n / c) ** power : 0));
  const wSum = labels.reduce((a, y) => a + cw[y], 0);
  // Parameters: nF × K weights then K biases, as one vector for Adam.
  const P = (nF + 1) * K;
  const theta = new Float64Array(P);
  const m = new Float64Array(P);
  const v = new Float64Array(P);
  const grad = new Float64Array(P);
  const lr = opts.learningRate ?? 0.05;
  const l2 = opts.l2 ?? 1e-3;
  const iterations = opts.iterations ?? 1500;
  const logits = new Float64Array(K);
  for (let t = 1; t <= iterations; t++) {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const zi = z[i];
      for (let c = 0; c < K; c++) logits[c] = theta[nF * K + c];
      for (let f = 0; f < nF; f++) {
        const x = zi[f];
        if (x === 0) continue;
        for (let c = 0; c < K; c++) logits[c] += x * theta[f * K + c];
      }
      let top = -Infinity;
      for (let c = 0; c < K; c++) top = Math.max(top, logits[c]);
      let sum = 0;
      for (let c = 0; c < K; c++) sum += logits[c] = Math.exp(logits[c] - top);
      const w = cw[labels[i]] / wSum;
      for (let c = 0; c < K; c++) {
        const d = w * (logits[c] / sum - (c === labels[i] ? 1 : 0));
        grad[nF * K + c] += d;
        for (let f = 0; f < nF; f++) grad[f * K + c] += d * zi[f];
      }
    }
    for (let p = 0; p < nF * K; p++) grad[p] += l2 * theta[p];
    const b1 = 1 - 0.9 ** t;
    const b2 = 1 - 0.999 ** t;
    for (let p = 0; p < P; p++) {
      m[p] = 0.9 * m[p] + 0.1 * grad[p];
      v[p] = 0.999 * v[p] + 0.001 * grad[p] * grad[p];
      theta[p] -= (lr * (m[p] / b1)) / (Math.sqrt(v[p] / b2) + 1e-8);
    }
  }
  return {
    format: BEAT_HEAD_FORMAT,
    features: [...BEAT_HEAD_FEATURES],
    mean,
    std,
    weights: Array.from({ length: nF }, (_, f) => Array.from(theta.subarray(f * K, f * K + K))),
    bias: Array.from(theta.subarray(nF * K, nF * K + K)),
    ...thresholds,
  };
}

/** Checks a parsed head file; `where` names it in the one-line error. */
export function validateBeatHead(x: unknown, where: string): BeatHead {
  const h = x as Partial<BeatHead> | null;
  const nF = BEAT_HEAD_FEATURES.length;
  const K = BEAT_HEAD_CLASSES.length;
  const finite = (a: unknown, len: number): boolean =>
    Array.isArray(a) && a.length === len && a.every((v) => Number.isFinite(v));
  if (!h || typeof h !== 'object' || h.format !== BEAT_HEAD_FORMAT) {
    throw new BeatlensError('bad-input', `${where} is not a beatlens beat head (format)`);
  }
  if (!Array.isArray(h.features) || h.features.join(',') !== BEAT_HEAD_FEATURES.join(',')) {
    throw new BeatlensError(
      'bad-input',
      `${where} was fitted on other features (${String(h.features?.length)} of ${nF}); refit it with scripts/train-beat-head.ts`,
    );
  }
  if (
    !finite(h.mean, nF) ||
    !finite(h.std, nF) ||
    !h.std!.every((s) => s > 0) ||
    !Array.isArray(h.weights) ||
    h.weights.length !== nF ||
    !h.weights.every((w) => finite(w, K)) ||
    !finite(h.bias, K) ||
    !(Number.isFinite(h.threshold) && h.threshold! > 0 && h.threshold! < 1) ||
    (h.vThreshold !== undefined && !(h.vThreshold > 0 && h.vThreshold < 1)) ||
    (h.vMaxCorrelation !== undefined && !(h.vMaxCorrelation > -1 && h.vMaxCorrelation <= 1)) ||
    (h.sMinCorrelation !== undefined && !(h.sMinCorrelation > -1 && h.sMinCorrelation <= 1)) ||
    (h.vAfMaxCorrelation !== undefined && !(h.vAfMaxCorrelation > -1 && h.vAfMaxCorrelation <= 1))
  ) {
    throw new BeatlensError(
      'bad-input',
      `${where} has missing, non-finite or out-of-range parameters`,
    );
  }
  return h as BeatHead;
}
