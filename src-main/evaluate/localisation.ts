/**
 * Beat-level localisation metrics for an attention (or saliency) map over one segment.
 *
 * The paper judged its unsupervised segmentation by eye; MIT-BIH annotates every beat, so here
 * each annotated beat gets a score (mean attention around its R peak) and the scores of abnormal
 * and normal beats are compared: beat AUROC, pointing game and an automatic Class I/II/III grade.
 * All functions are pure: arrays in, numbers out.
 */
import type { SegmentBeat } from '../ecg/types';
import { beatScores, type BeatScoreOptions } from '../infer/beat-scores';
import { binaryRocAuc, meanStd as foldMeanStd, type MeanStd } from '../train/metrics';

export type { MeanStd };

/** Grade of one segment, as in the paper's study: I best, III no clear difference. */
export type Grade = 'I' | 'II' | 'III';

/** The paper's rater study result (§5.2), in percent: Class I : II : III. */
export const PAPER_GRADE_PERCENT: Readonly<Record<Grade, number>> = { I: 50, II: 27, III: 23 };

/** Abnormal = any beat that is not AAMI class N (PVC = V, APB = S in the paper's task). */
export function isAbnormalBeat(beat: Pick<SegmentBeat, 'aami'>): boolean {
  return beat.aami !== 'N';
}

/**
 * Area under the ROC curve of `positive` scores against `negative` scores (Mann–Whitney, ties
 * count one half); NaN when either side is empty. Delegates to the segment-metric implementation.
 */
export function auroc(positive: ArrayLike<number>, negative: ArrayLike<number>): number {
  const scores = [...Array.from(positive), ...Array.from(negative)];
  const isPositive = scores.map((_, i) => i < positive.length);
  return binaryRocAuc(isPositive, scores);
}

export interface GradeOptions {
  /** Threshold as a fraction of the segment's maximum attention (default 0.5). */
  thresholdFraction?: number;
  /**
   * Also require every normal beat below the threshold for Class I ("all normal removed").
   * Default false: the rule, Class I = every abnormal beat above every normal beat and
   * above the threshold.
   */
  strictNormal?: boolean;
  /**
   * What the threshold is relative to: 'beats' (default) the highest beat score of the segment,
   * so window means are compared with window means whatever the map's peakiness (attention,
   * Grad-CAM and gradient × input alike); 'map' the map's maximum over the real samples.
   */
  relativeTo?: 'beats' | 'map';
}

/**
 * Automatic grade of one segment from its beat scores (null when it has no abnormal beat).
 * Class I: every abnormal beat ≥ threshold and above every normal beat; Class II: every abnormal
 * beat ≥ threshold but some normal beat scores as high; Class III: otherwise.
 * `segmentMax` is what the threshold is relative to (see GradeOptions.relativeTo).
 */
export function automaticGrade(
  scores: ArrayLike<number>,
  abnormal: ArrayLike<boolean>,
  segmentMax: number,
  opts: GradeOptions = {},
): Grade | null {
  const fraction = opts.thresholdFraction ?? 0.5;
  const threshold = fraction * segmentMax;
  let minAbn = Infinity;
  let maxNorm = -Infinity;
  let nAbn = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue;
    if (abnormal[i]) {
      nAbn++;
      minAbn = Math.min(minAbn, s);
    } else maxNorm = Math.max(maxNorm, s);
  }
  if (nAbn === 0) return null;
  if (!(minAbn >= threshold)) return 'III';
  const separated = minAbn > maxNorm;
  if (separated && (!opts.strictNormal || maxNorm < threshold)) return 'I';
  return 'II';
}

/** One segment's map and annotated beats, as the metrics take them. */
export interface ScoredSegmentInput {
  /** Attention or saliency, one value per sample. */
  map: Float32Array;
  beats: readonly SegmentBeat[];
  /** Real (unpadded) samples; default map.length. */
  length?: number;
}

export interface SegmentLocalisation {
  scores: number[];
  abnormal: boolean[];
  /** AUROC abnormal vs normal within the segment; NaN unless both kinds are present. */
  auroc: number;
  /** 1 hit, 0 miss, fraction for ties at the top; NaN when the segment has no abnormal beat. */
  pointing: number;
  grade: Grade | null;
}

export interface LocalisationSummary {
  nSegments: number;
  nBeats: number;
  nAbnormalBeats: number;
  /** AUROC over all beats of all segments pooled. */
  pooledAuroc: number;
  /** Mean of per-segment AUROCs over segments holding both kinds of beat. */
  meanSegmentAuroc: number;
  nSegmentsWithBoth: number;
  /** Fraction of segments (with an abnormal beat) whose top-scoring beat is abnormal. */
  pointingGame: number;
  gradeCounts: Record<Grade, number>;
  /** Percent of graded segments per class, to set beside PAPER_GRADE_PERCENT. */
  gradePercent: Record<Grade, number>;
}

export type LocalisationOptions = BeatScoreOptions & GradeOptions;

/** Scores one segment: beat scores, its AUROC, pointing game and grade. */
export function scoreSegment(
  seg: ScoredSegmentInput,
  opts: LocalisationOptions = {},
): SegmentLocalisation {
  const length = Math.min(seg.length ?? seg.map.length, seg.map.length);
  const scores = Array.from(beatScores(seg.map, seg.beats, { ...opts, length }));
  const abnormal = seg.beats.map(isAbnormalBeat);
  const pos = scores.filter((s, i) => abnormal[i] && !Number.isNaN(s));
  const neg = scores.filter((s, i) => !abnormal[i] && !Number.isNaN(s));
  let segMax = -Infinity;
  if (opts.relativeTo === 'map') {
    for (let t = 0; t < length; t++) segMax = Math.max(segMax, seg.map[t]);
  } else {
    for (const v of [...pos, ...neg]) segMax = Math.max(segMax, v);
  }
  let pointing = NaN;
  if (pos.length > 0) {
    const top = Math.max(...pos, ...neg);
    const tied = scores.map((s, i) => ({ s, a: abnormal[i] })).filter((b) => b.s === top);
    pointing = tied.filter((b) => b.a).length / tied.length;
  }
  return {
    scores,
    abnormal,
    auroc: auroc(pos, neg),
    pointing,
    grade: automaticGrade(scores, abnormal, segMax, opts),
  };
}

/** Percent per class of the graded (non-null) grades; NaN when nothing was graded. */
export function gradePercent(counts: Record<Grade, number>): Record<Grade, number> {
  const total = counts.I + counts.II + counts.III;
  const pct = (n: number): number => (total === 0 ? NaN : (100 * n) / total);
  return { I: pct(counts.I), II: pct(counts.II), III: pct(counts.III) };
}

/** Localisation metrics over a set of segments (e.g. one fold's test set). */
export function localisationMetrics(
  segments: readonly ScoredSegmentInput[],
  opts: LocalisationOptions = {},
): LocalisationSummary {
  return summariseSegments(segments.map((seg) => scoreSegment(seg, opts)));
}

/**
 * Localisation metrics over segments already scored (`scoreSegment`), e.g. a subset of a fold's
 * test set: beats pooled over the segments for the AUROC, pointing and grades per segment.
 */
export function summariseSegments(scored: readonly SegmentLocalisation[]): LocalisationSummary {
  const pos: number[] = [];
  const neg: number[] = [];
  const segAurocs: number[] = [];
  const pointing: number[] = [];
  const gradeCounts: Record<Grade, number> = { I: 0, II: 0, III: 0 };
  let nBeats = 0;
  for (const r of scored) {
    r.scores.forEach((s, i) => {
      if (Number.isNaN(s)) return;
      nBeats++;
      (r.abnormal[i] ? pos : neg).push(s);
    });
    if (!Number.isNaN(r.auroc)) segAurocs.push(r.auroc);
    if (!Number.isNaN(r.pointing)) pointing.push(r.pointing);
    if (r.grade) gradeCounts[r.grade]++;
  }
  const mean = (v: number[]): number =>
    v.length === 0 ? NaN : v.reduce((s, x) => s + x, 0) / v.length;
  return {
    nSegments: scored.length,
    nBeats,
    nAbnormalBeats: pos.length,
    pooledAuroc: auroc(pos, neg),
    meanSegmentAuroc: mean(segAurocs),
    nSegmentsWithBoth: segAurocs.length,
    pointingGame: mean(pointing),
    gradeCounts,
    gradePercent: gradePercent(gradeCounts),
  };
}

/** Mean ± sample std of the finite values (folds with NaN, e.g. no abnormal beat, are left out). */
export function meanStd(values: readonly number[]): MeanStd {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length === 0 ? { mean: NaN, std: NaN, n: 0 } : foldMeanStd(v);
}

/** Per-fold summaries reduced to mean ± std for every numeric metric, grades as percent. */
export function summariseFolds(folds: readonly LocalisationSummary[]): {
  pooledAuroc: MeanStd;
  meanSegmentAuroc: MeanStd;
  pointingGame: MeanStd;
  gradePercent: Record<Grade, MeanStd>;
  /** Grades pooled over all folds, in percent. */
  pooledGradePercent: Record<Grade, number>;
} {
  const pooled: Record<Grade, number> = { I: 0, II: 0, III: 0 };
  for (const f of folds) for (const g of ['I', 'II', 'III'] as const) pooled[g] += f.gradeCounts[g];
  return {
    pooledAuroc: meanStd(folds.map((f) => f.pooledAuroc)),
    meanSegmentAuroc: meanStd(folds.map((f) => f.meanSegmentAuroc)),
    pointingGame: meanStd(folds.map((f) => f.pointingGame)),
    gradePercent: {
      I: meanStd(folds.map((f) => f.gradePercent.I)),
      II: meanStd(folds.map((f) => f.gradePercent.II)),
      III: meanStd(folds.map((f) => f.gradePercent.III)),
    },
    pooledGradePercent: gradePercent(pooled),
  };
}
