/**
 * Decimation for drawing: a screen cannot show more than a few thousand points per lead, so a
 * window of a long record is reduced to min/max pairs per bucket. Min/max (rather than striding)
 * keeps every QRS peak visible at any zoom, which is what a reader of an ECG needs.
 */

export interface Decimated {
  /** Samples per bucket (≥ 1). */
  bucketSamples: number;
  min: Float32Array;
  max: Float32Array;
}

/**
 * Reduces signal[startSample .. startSample+nSamples) to at most `maxBuckets` buckets of
 * ceil(nSamples / maxBuckets) samples. The bucket size follows the requested span, not the part of
 * it inside the signal, so the viewer's tiles (1024 buckets of 2^k samples) keep their bucket size
 * at the end of a record too; samples past the end are ignored (fewer, or a shorter last, bucket).
 */
export function decimateMinMax(
  signal: ArrayLike<number>,
  startSample: number,
  nSamples: number,
  maxBuckets: number,
): Decimated {
  const end = Math.min(signal.length, startSample + nSamples);
  const n = Math.max(0, end - startSample);
  const bucketSamples = Math.max(1, Math.ceil(nSamples / maxBuckets));
  const nBuckets = Math.ceil(n / bucketSamples);
  const min = new Float32Array(nBuckets);
  const max = new Float32Array(nBuckets);
  for (let b = 0; b < nBuckets; b++) {
    const s0 = startSample + b * bucketSamples;
    const s1 = Math.min(end, s0 + bucketSamples);
    let lo = Infinity;
    let hi = -Infinity;
    for (let s = s0; s < s1; s++) {
      const v = signal[s];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[b] = lo;
    max[b] = hi;
  }
  return { bucketSamples, min, max };
}

/**
 * Max of `values` per bucket of `bucketSamples` over samples [startSample, startSample+nSamples).
 * `values` may be at another rate: value i lies at sample i / `ratio` (ratio = values' rate over
 * the samples' rate, e.g. 0.5 for a 180 Hz map under a 360 Hz record); each bucket takes every
 * value it overlaps, at least one.
 */
export function bucketMax(
  values: ArrayLike<number>,
  startSample: number,
  nSamples: number,
  bucketSamples: number,
  ratio = 1,
): Float32Array {
  const end = Math.min(Math.ceil(values.length / ratio), startSample + nSamples);
  const nBuckets = Math.max(0, Math.ceil((end - startSample) / bucketSamples));
  const out = new Float32Array(nBuckets);
  for (let b = 0; b < nBuckets; b++) {
    const s0 = startSample + b * bucketSamples;
    const s1 = Math.min(end, s0 + bucketSamples);
    const v0 = Math.floor(s0 * ratio);
    const v1 = Math.min(values.length, Math.max(v0 + 1, Math.ceil(s1 * ratio)));
    let hi = 0;
    for (let v = v0; v < v1; v++) if (values[v] > hi) hi = values[v];
    out[b] = hi;
  }
  return out;
}

/** Rounds for JSON transport (4 significant decimals is far below a pixel). */
export function toJsonArray(values: Float32Array, decimals = 4): number[] {
  const f = 10 ** decimals;
  return Array.from(values, (v) => Math.round(v * f) / f);
}

/**
 * Min/max pyramid of one signal for the viewer's tiles: level k holds the min and max of every
 * bucket of 2^k samples (bucket b covers samples [b·2^k, (b+1)·2^k)), from `minLevel` up, each
 * level built once, when first asked for, from the level below. A zoomed-out tile (2^k samples
 * a bucket, aligned on its bucket size) is then a copy of 1024 values instead of a pass over
 * 1024·2^k samples, so even a whole day's record answers in milliseconds.
 */
export class MinMaxPyramid {
  private readonly levels = new Map<number, { min: Float32Array; max: Float32Array }>();

  constructor(
    private readonly signal: ArrayLike<number>,
    /** 64 samples a bucket: below that a tile spans ≤ 32 768 samples, cheap to decimate. */
    private readonly minLevel = 6,
  ) {}

  /**
   * What decimateMinMax(signal, startSample, nSamples, maxBuckets) returns, when its bucket size
   * is a power of two from 2^minLevel and startSample a multiple of it; null otherwise.
   */
  window(startSample: number, nSamples: number, maxBuckets: number): Decimated | null {
    const bucketSamples = Math.max(1, Math.ceil(nSamples / maxBuckets));
    const k = Math.log2(bucketSamples);
    if (this.signal.length === 0 || !Number.isInteger(k) || k < this.minLevel) return null;
    if (startSample % bucketSamples !== 0) return null;
    const level = this.level(k);
    const end = Math.min(this.signal.length, startSample + nSamples);
    const b0 = startSample / bucketSamples;
    const b1 = Math.max(b0, Math.ceil(end / bucketSamples));
    return { bucketSamples, min: level.min.slice(b0, b1), max: level.max.slice(b0, b1) };
  }

  private level(k: number): { min: Float32Array; max: Float32Array } {
    const hit = this.levels.get(k);
    if (hit) return hit;
    let built: { min: Float32Array; max: Float32Array };
    if (k === this.minLevel) {
      const nBuckets = Math.ceil(this.signal.length / 2 ** k);
      const { min, max } = decimateMinMax(this.signal, 0, nBuckets * 2 ** k, nBuckets);
      built = { min, max };
    } else {
      const below = this.level(k - 1);
      const n = Math.ceil(below.min.length / 2);
      built = { min: new Float32Array(n), max: new Float32Array(n) };
      for (let b = 0; b < n; b++) {
        const i = 2 * b;
        const j = Math.min(i + 1, below.min.length - 1);
        built.min[b] = below.min[i] < below.min[j] ? below.min[i] : below.min[j];
        built.max[b] = below.max[i] > below.max[j] ? below.max[i] : below.max[j];
      }
    }
    this.levels.set(k, built);
    return built;
  }
}
