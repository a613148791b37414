/**
 * Beat templates for review: beats superimposed on their R peak and grouped by morphology, so an
 * odd beat stands out among the beats of one label.
 *
 * Clustering: the one beat clustering (src-main/ecg/clusters.ts, as the scan's beat rule uses),
 * over each beat's QRS window (±`qrsHalfSeconds` around R, mean removed) in sample order: a beat
 * joins the cluster whose template it correlates with best when that reaches `threshold`, else it
 * leads a new cluster; past `maxClusters` clusters it joins the closest.
 * Clusters are sorted by size (largest first; ties by first beat). A cluster is odd when it holds
 * under `oddFraction` of the beats. Pure: arrays in, arrays out, `fs` explicit.
 */

import { clusterShapes, pearson } from './clusters';

export interface TemplateOptions {
  /** Drawn window on each side of R (default 0.3 s). */
  halfWindowSeconds?: number;
  /** Compared window on each side of R (default 0.1 s). */
  qrsHalfSeconds?: number;
  /** Correlation with a cluster's leader needed to join it (default 0.9). */
  threshold?: number;
  /** Largest number of clusters with a leader (default 64). */
  maxClusters?: number;
  /** Clusters with fewer than this fraction of the beats are odd (default 0.05). */
  oddFraction?: number;
  /** Member waveforms kept per cluster for drawing (default 30, evenly spread). */
  maxTraces?: number;
}

export interface BeatCluster {
  /** Indices into `samples`, ascending. */
  members: number[];
  /** Index into `samples` of the cluster's first beat in time. */
  leader: number;
  /** Mean waveform over the members (window of `2 × halfWindow + 1` samples, each mean-removed). */
  mean: Float32Array;
  /** Some members' waveforms, for superimposition. */
  traces: Float32Array[];
  /** Mean correlation of the members' QRS with the cluster mean's QRS. */
  meanCorrelation: number;
  odd: boolean;
}

export interface BeatTemplates {
  clusters: BeatCluster[];
  /** Samples before R in each waveform (the R peak is at this index). */
  halfWindow: number;
}

const DEFAULTS: Required<TemplateOptions> = {
  halfWindowSeconds: 0.3,
  qrsHalfSeconds: 0.1,
  threshold: 0.9,
  maxClusters: 64,
  oddFraction: 0.05,
  maxTraces: 30,
};

/** `signal[center - half … center + half]` (edges repeated), mean removed. */
function windowAt(signal: Float32Array, center: number, half: number): Float32Array {
  const out = new Float32Array(2 * half + 1);
  const last = signal.length - 1;
  let sum = 0;
  for (let i = 0; i < out.length; i++) {
    const v = signal[Math.min(last, Math.max(0, center - half + i))];
    out[i] = Number.isFinite(v) ? v : 0;
    sum += out[i];
  }
  const mean = sum / out.length;
  for (let i = 0; i < out.length; i++) out[i] -= mean;
  return out;
}

/** Pearson correlation of two windows (0 when either is flat). */
const correlation = (a: Float32Array, b: Float32Array): number => pearson(a, b) || 0;

/** The QRS part (±qrsHalf around the centre) of a drawn window, mean removed. */
function qrsOf(window: Float32Array, half: number, qrsHalf: number): Float32Array {
  return windowAt(window, half, qrsHalf);
}

/**
 * Clusters the beats at `samples` (R peaks of `signal`, one lead at `fs` Hz) by QRS morphology.
 * `samples` need not be sorted; members index into it.
 */
export function clusterBeats(
  signal: Float32Array,
  fs: number,
  samples: readonly number[],
  options: TemplateOptions = {},
): BeatTemplates {
  const o = { ...DEFAULTS, ...options };
  const half = Math.max(1, Math.round(o.halfWindowSeconds * fs));
  const qrsHalf = Math.max(1, Math.min(half, Math.round(o.qrsHalfSeconds * fs)));
  const order = samples.map((_, i) => i).sort((a, b) => samples[a] - samples[b] || a - b);
  const windows = samples.map((s) => windowAt(signal, s, half));
  const qrs = windows.map((w) => qrsOf(w, half, qrsHalf));
  // The grouping is the one beat clustering (src-main/ecg/clusters.ts), over the QRS windows.
  const assigned = clusterShapes(
    order.map((i) => qrs[i]),
    { minCorrelation: o.threshold, maxClusters: o.maxClusters },
  );
  const groups: Array<{ leader: number; members: number[] }> = [];
  order.forEach((i, k) => {
    const c = assigned[k];
    if (!groups[c]) groups[c] = { leader: i, members: [] };
    groups[c].members.push(i);
  });
  const clusters = groups.map((g): BeatCluster => {
    const mean = new Float32Array(2 * half + 1);
    for (const m of g.members) for (let t = 0; t < mean.length; t++) mean[t] += windows[m][t];
    for (let t = 0; t < mean.length; t++) mean[t] /= g.members.length;
    const meanQrs = qrsOf(mean, half, qrsHalf);
    let r = 0;
    for (const m of g.members) r += correlation(qrs[m], meanQrs);
    const step = Math.max(1, g.members.length / o.maxTraces);
    const traces: Float32Array[] = [];
    for (let k = 0; k < g.members.length && traces.length < o.maxTraces; k += step) {
      traces.push(windows[g.members[Math.floor(k)]]);
    }
    return {
      members: [...g.members].sort((a, b) => a - b),
      leader: g.leader,
      mean,
      traces,
      meanCorrelation: r / g.members.length,
      odd: g.members.length < o.oddFraction * samples.length,
    };
  });
  clusters.sort(
    (a, b) => b.members.length - a.members.length || samples[a.members[0]] - samples[b.members[0]],
  );
  return { clusters, halfWindow: half };
}
