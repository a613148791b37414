/**
 * Per-beat scores of a map (attention or saliency) over one segment: the mean of the map around
 * each beat's R peak, over a window of a fraction of the local RR. Used by inference (the scan's
 * beat rule) and by the localisation metrics (src-main/evaluate/localisation.ts). Pure: arrays
 * in, numbers out.
 */
import { BeatlensError } from '../errors';
import type { SegmentBeat } from '../ecg/types';

export interface BeatScoreOptions {
  /** Window width as a fraction of the local RR interval (default 0.3). */
  rrFraction?: number;
  /**
   * Number of real (unpadded) samples; windows are clipped to [0, length). Default: the map's
   * length.
   */
  length?: number;
  /** RR used when a segment holds a single beat and its boundaries say nothing (samples). */
  fallbackRrSamples?: number;
}

/**
 * Local RR interval of beat i in samples: the mean of the distances to its neighbours in the
 * segment; a lone beat falls back to its boundaries (end - start) or `fallbackRrSamples`.
 */
export function localRrSamples(
  beats: readonly SegmentBeat[],
  i: number,
  fallbackRrSamples?: number,
): number {
  const gaps: number[] = [];
  if (i > 0) gaps.push(beats[i].position - beats[i - 1].position);
  if (i < beats.length - 1) gaps.push(beats[i + 1].position - beats[i].position);
  const valid = gaps.filter((g) => g > 0);
  if (valid.length > 0) return valid.reduce((s, g) => s + g, 0) / valid.length;
  const span = beats[i].end - beats[i].start;
  if (span > 0) return span;
  if (fallbackRrSamples !== undefined && fallbackRrSamples > 0) return fallbackRrSamples;
  throw new BeatlensError(
    'beat-rr',
    `beat at sample ${beats[i].position} has no neighbour and no boundaries; pass fallbackRrSamples`,
  );
}

/**
 * Per-beat score: mean of `attention` over a window centred on each beat's R peak, width
 * `rrFraction` × local RR (at least one sample), clipped to the segment's real samples.
 * `attention` has one value per sample (length nSamples); beats must be sorted by position.
 */
export function beatScores(
  attention: Float32Array,
  beats: readonly SegmentBeat[],
  opts: BeatScoreOptions = {},
): Float64Array {
  const rrFraction = opts.rrFraction ?? 0.3;
  if (!(rrFraction > 0) || rrFraction > 2) {
    throw new BeatlensError('beat-window', `rrFraction=${rrFraction} must be in (0, 2]`);
  }
  const length = Math.min(opts.length ?? attention.length, attention.length);
  for (let i = 1; i < beats.length; i++) {
    if (beats[i].position < beats[i - 1].position) {
      throw new BeatlensError('beat-order', `beats are not sorted by position at index ${i}`);
    }
  }
  const scores = new Float64Array(beats.length);
  for (let i = 0; i < beats.length; i++) {
    const width = Math.max(1, rrFraction * localRrSamples(beats, i, opts.fallbackRrSamples));
    const half = width / 2;
    const lo = Math.max(0, Math.ceil(beats[i].position - half));
    const hi = Math.min(length - 1, Math.floor(beats[i].position + half));
    if (hi < lo) {
      scores[i] = NaN; // the beat lies outside the real samples
      continue;
    }
    let sum = 0;
    for (let t = lo; t <= hi; t++) sum += attention[t];
    scores[i] = sum / (hi - lo + 1);
  }
  return scores;
}
