/**
 * The beat rule: how a scan turns segment classes and per-beat map scores into AAMI beat labels
 * (N, S, V), with label-free record context a Holter reader uses too — the beat's rhythm
 * (premature, or followed by a compensatory pause) and its morphology cluster.
 *
 * 1. Candidates (`beatCandidate`): every beat of a normal segment is N; in a segment classified
 *    PVC (APB, or any other abnormal class) a beat whose map score reaches `beatThreshold` × the
 *    segment's top score is a V (S) candidate; a V candidate must also have a QRS that correlates
 *    below `maxCorrelation` with the record's dominant beat.
 * 2. Rhythm (`rhythmFeatures`): each beat's RR interval before and after it, over the local
 *    reference RR (the median of the RR intervals of the 8 beats either side, the beat's own two
 *    left out), so sinus-rate changes cancel: `prematurity` < 1 is early, `compensation` > 1 is
 *    a longer pause after it.
 * 3. Clusters (`clusterShapes`): beats grouped by QRS morphology (leader clustering on the
 *    correlation of their QRS windows), deterministic in time order.
 * 4. With `maxPrematurity` or `minCompensation` set, a V candidate stays V only when its
 *    morphology cluster is ectopic by rhythm: at least half of the cluster's V candidates are
 *    premature (< maxPrematurity) or followed by a pause (> minCompensation). Clusters with fewer
 *    than 3 candidates decide beat by beat. So a late-coupled PVC with the shape of the record's
 *    premature ones is still V, and a second normal morphology (a bundle branch block beside
 *    normal beats, not premature) is not.
 * 5. An S candidate stays S only when it is premature (RR before < SVEB_MAX_PREMATURITY × the
 *    local reference RR): an SVEB is early by definition.
 * 6. With `rhythmFreeCorrelation` set, a V candidate whose QRS correlates below it with the
 *    record's dominant beat stays V without a rhythm sign: a shape that far from the dominant
 *    beat is taken as ectopic however it is timed (record 213's PVCs, which are hardly early).
 *
 * No beat labels enter: the RR intervals come from the R peaks (annotated or detected), the
 * clusters from the signal, and the rule's parameters are chosen on a model's training records
 * (scripts/tune-beat-threshold.ts).
 */
import { clusterShapes } from '../ecg/clusters';
import type { AamiClass } from '../ecg/types';

export { clusterShapes };

/** The beat rule's parameters (chosen per model on its training records; model.json → meta). */
export interface BeatRule {
  /** Fraction of the segment's top beat score a beat must reach. */
  beatThreshold: number;
  /** A V beat's QRS must correlate below this with the record's dominant beat; absent: no bound. */
  maxCorrelation?: number;
  /** A rhythm sign: the RR before the beat under this × the local reference RR. */
  maxPrematurity?: number;
  /** A rhythm sign: the RR after the beat over this × the local reference RR. */
  minCompensation?: number;
  /** Below this QRS correlation with the dominant beat a V candidate needs no rhythm sign. */
  rhythmFreeCorrelation?: number;
}

/** What the rule reads of one beat. */
export interface RuleBeat {
  /** Map score over the segment's top beat score, 0..1. */
  score: number;
  /** QRS correlation with the record's dominant beat (NaN: unknown). */
  correlation: number;
  /** Index of the beat's segment. */
  segment: number;
  /** RR before / local reference RR (NaN at a record or run edge). */
  prematurity: number;
  /** RR after / local reference RR (NaN at a record or run edge). */
  compensation: number;
  /** Morphology cluster index (see clusterShapes). */
  cluster: number;
}

/** Whether a model class name is the all-normal class (NORMAL, N). */
export const isNormalClass = (c: string): boolean => /^(n|normal)$/i.test(c);
const isSupraventricularClass = (c: string): boolean => /^(apb|apc|s|sveb|pac)$/i.test(c);

/** Step 1 of the rule for one beat: its label before rhythm and clusters are considered. */
export function beatCandidate(
  segmentClass: string,
  score: number,
  correlation: number,
  rule: BeatRule,
): AamiClass {
  if (isNormalClass(segmentClass) || !(score >= rule.beatThreshold)) return 'N';
  if (isSupraventricularClass(segmentClass)) return 'S';
  return rule.maxCorrelation !== undefined && correlation >= rule.maxCorrelation ? 'N' : 'V';
}

/**
 * An S beat's RR before must be under this × the local reference RR (the usual definition of a
 * premature supraventricular beat: at least 10 % early).
 */
export const SVEB_MAX_PREMATURITY = 0.9;

/** Candidates in a cluster below which the cluster decides nothing (each beat decides). */
const MIN_CLUSTER_CANDIDATES = 3;

/** The whole rule over a record's beats (see the module comment). */
export function labelBeats(
  beats: readonly RuleBeat[],
  segmentClasses: readonly string[],
  rule: BeatRule,
): AamiClass[] {
  const labels = beats.map((b) => {
    const c = beatCandidate(segmentClasses[b.segment], b.score, b.correlation, rule);
    // An SVEB is premature by definition: an S candidate that is not early is N.
    return c === 'S' && !(b.prematurity < SVEB_MAX_PREMATURITY) ? 'N' : c;
  });
  if (rule.maxPrematurity === undefined && rule.minCompensation === undefined) return labels;
  const early = rule.maxPrematurity ?? -Infinity;
  const pause = rule.minCompensation ?? Infinity;
  const rhythmic = (b: RuleBeat): boolean => b.prematurity < early || b.compensation > pause;
  const farShape = rule.rhythmFreeCorrelation ?? -Infinity;
  const candidates = new Map<number, number>();
  const rhythmicCount = new Map<number, number>();
  beats.forEach((b, i) => {
    if (labels[i] !== 'V') return;
    candidates.set(b.cluster, (candidates.get(b.cluster) ?? 0) + 1);
    if (rhythmic(b)) rhythmicCount.set(b.cluster, (rhythmicCount.get(b.cluster) ?? 0) + 1);
  });
  return labels.map((label, i) => {
    if (label !== 'V') return label;
    const b = beats[i];
    const n = candidates.get(b.cluster) ?? 0;
    const ectopic =
      n >= MIN_CLUSTER_CANDIDATES ? 2 * (rhythmicCount.get(b.cluster) ?? 0) >= n : rhythmic(b);
    return ectopic || b.correlation < farShape ? 'V' : 'N';
  });
}

export interface RhythmFeatures {
  /** RR interval before / after the beat in seconds (NaN at a run edge). */
  rrPrev: number;
  rrNext: number;
  prematurity: number;
  compensation: number;
}

/** Beats either side whose RR intervals form the local reference. */
const REFERENCE_BEATS = 8;

/**
 * RR features of consecutive beats (`samples` sorted, at `fs`); `runStarts` marks beats that
 * begin a new run (after an excluded stretch), across which no interval is measured.
 */
export function rhythmFeatures(
  samples: readonly number[],
  fs: number,
  runStarts: ReadonlySet<number> = new Set(),
): RhythmFeatures[] {
  const n = samples.length;
  // rr[k]: the interval ending at beat k (NaN when k starts a run).
  const rr = new Float64Array(n).fill(NaN);
  for (let k = 1; k < n; k++) if (!runStarts.has(k)) rr[k] = (samples[k] - samples[k - 1]) / fs;
  // run[k]: which run beat k is in; a finite interval k lies in run[k].
  const run = new Int32Array(n);
  for (let k = 1; k < n; k++) run[k] = run[k - 1] + (runStarts.has(k) ? 1 : 0);
  const window: number[] = [];
  return Array.from({ length: n }, (_, i) => {
    window.length = 0;
    for (let k = i - REFERENCE_BEATS; k <= i + REFERENCE_BEATS + 1; k++) {
      if (k < 1 || k >= n || k === i || k === i + 1) continue;
      if (Number.isFinite(rr[k]) && run[k] === run[i]) window.push(rr[k]);
    }
    window.sort((a, b) => a - b);
    const ref = window.length >= 2 ? window[window.length >> 1] : NaN;
    const rrPrev = rr[i];
    const rrNext = i + 1 < n ? rr[i + 1] : NaN;
    return { rrPrev, rrNext, prematurity: rrPrev / ref, compensation: rrNext / ref };
  });
}

/** More of the analysed beats than this S: no underlying rhythm left to be premature against. */
export const MAX_SVEB_FRACTION = 0.9;

/**
 * The record-level check of a scan's labels: a result that cannot be is withdrawn and said, not
 * reported. V beats differ from the dominant QRS by definition, so V labels on the record's
 * largest morphology cluster when it holds most beats (the dominant morphology called ectopic:
 * an unfamiliar lead or recorder, not a ventricular rhythm of that shape) go back to N; S labels
 * on more than MAX_SVEB_FRACTION of the beats go back to N (premature against what?). Each
 * withdrawal gives one warning naming the count, for review.
 */
export function withdrawImplausible(
  recordId: string,
  labels: readonly AamiClass[],
  clusters: ArrayLike<number>,
): { labels: AamiClass[]; warnings: string[] } {
  const n = labels.length;
  const out = labels.slice();
  const warnings: string[] = [];
  if (n === 0) return { labels: out, warnings };
  const size = new Map<number, number>();
  for (let i = 0; i < n; i++) size.set(clusters[i], (size.get(clusters[i]) ?? 0) + 1);
  let dominant = clusters[0];
  for (const [c, k] of size) if (k > size.get(dominant)!) dominant = c;
  if (size.get(dominant)! > n / 2) {
    const onDominant = out.filter((l, i) => l === 'V' && clusters[i] === dominant).length;
    if (onDominant > 0) {
      out.forEach((l, i) => {
        if (l === 'V' && clusters[i] === dominant) out[i] = 'N';
      });
      warnings.push(
        `record ${recordId}: ${onDominant} V labels fell on the dominant QRS morphology (${size.get(dominant)} of ${n} beats) and were withdrawn; review the record`,
      );
    }
  }
  const nS = out.filter((l) => l === 'S').length;
  if (nS > MAX_SVEB_FRACTION * n) {
    out.forEach((l, i) => {
      if (l === 'S') out[i] = 'N';
    });
    warnings.push(
      `record ${recordId}: ${nS} of ${n} beats came out S, which leaves no rhythm for them to be premature to; the S labels were withdrawn; review the record`,
    );
  }
  return { labels: out, warnings };
}
