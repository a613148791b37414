/**
 * Zero-phase Butterworth band-pass filtering and per-lead normalisation.
 *
 * The band-pass is designed in code (no DSP dependency): analog Butterworth prototype poles,
 * low-pass → band-pass transform with pre-warped edges, bilinear transform, then grouped into
 * second-order sections (biquads), which stay numerically stable at 0.5 Hz / 360 Hz where a
 * single high-order transfer function would not. `filtfilt` runs the cascade forwards and
 * backwards so the phase cancels and the magnitude is squared: |H_filtfilt(f)| = |H(f)|².
 */
import { BeatlensError } from '../errors';

/** One second-order section: b = [b0, b1, b2], a = [1, a1, a2]. */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

interface Complex {
  re: number;
  im: number;
}

const cMul = (x: Complex, y: Complex): Complex => ({
  re: x.re * y.re - x.im * y.im,
  im: x.re * y.im + x.im * y.re,
});
const cDiv = (x: Complex, y: Complex): Complex => {
  const d = y.re * y.re + y.im * y.im;
  return { re: (x.re * y.re + x.im * y.im) / d, im: (x.im * y.re - x.re * y.im) / d };
};
const cSqrt = (x: Complex): Complex => {
  const r = Math.hypot(x.re, x.im);
  const re = Math.sqrt((r + x.re) / 2);
  const im = Math.sign(x.im || 1) * Math.sqrt(Math.max(0, (r - x.re) / 2));
  return { re, im };
};

function checkBand(fs: number, lowHz: number, highHz: number, order: number): void {
  if (!(fs > 0) || !Number.isFinite(fs)) {
    throw new BeatlensError('filter-config', `band-pass: fs=${fs} Hz is not a positive number`);
  }
  if (!(lowHz > 0 && lowHz < highHz && highHz < fs / 2)) {
    throw new BeatlensError(
      'filter-config',
      `band-pass: edges ${lowHz}–${highHz} Hz must satisfy 0 < low < high < fs/2 = ${fs / 2} Hz`,
    );
  }
  if (!Number.isInteger(order) || order < 1 || order > 8) {
    throw new BeatlensError('filter-config', `band-pass: order=${order} must be an integer 1..8`);
  }
}

/** Pre-warped analog edges (rad/s) for the bilinear transform with T = 1/fs. */
function warpedBand(fs: number, lowHz: number, highHz: number) {
  const w1 = 2 * fs * Math.tan((Math.PI * lowHz) / fs);
  const w2 = 2 * fs * Math.tan((Math.PI * highHz) / fs);
  return { w0sq: w1 * w2, bw: w2 - w1 };
}

/**
 * Design a digital Butterworth band-pass of prototype order `order` (the band-pass has order
 * 2·order, i.e. `order` biquads), unit gain at the geometric centre frequency.
 */
export function butterworthBandpass(
  fs: number,
  lowHz: number,
  highHz: number,
  order = 2,
): Biquad[] {
  checkBand(fs, lowHz, highHz, order);
  const { w0sq, bw } = warpedBand(fs, lowHz, highHz);
  const k = 2 * fs;
  // Analog band-pass poles: each prototype pole p gives s = p·bw/2 ± sqrt((p·bw/2)² − w0²).
  const zPoles: Complex[] = [];
  for (let i = 0; i < order; i++) {
    const theta = (Math.PI * (2 * i + order + 1)) / (2 * order);
    const p = { re: Math.cos(theta), im: Math.sin(theta) };
    const half = { re: (p.re * bw) / 2, im: (p.im * bw) / 2 };
    const h2 = cMul(half, half);
    const root = cSqrt({ re: h2.re - w0sq, im: h2.im });
    for (const s of [
      { re: half.re + root.re, im: half.im + root.im },
      { re: half.re - root.re, im: half.im - root.im },
    ]) {
      // Bilinear transform z = (k + s) / (k − s).
      zPoles.push(cDiv({ re: k + s.re, im: s.im }, { re: k - s.re, im: -s.im }));
    }
  }
  // Group into conjugate pairs (upper half-plane poles) and pairs of real poles.
  const eps = 1e-12;
  const complexPoles = zPoles.filter((z) => z.im > eps);
  const realPoles = zPoles
    .filter((z) => Math.abs(z.im) <= eps)
    .map((z) => z.re)
    .sort((x, y) => x - y);
  const sections: Biquad[] = complexPoles.map((z) => ({
    b0: 1,
    b1: 0,
    b2: -1,
    a1: -2 * z.re,
    a2: z.re * z.re + z.im * z.im,
  }));
  for (let i = 0; i + 1 < realPoles.length; i += 2) {
    const [p1, p2] = [realPoles[i], realPoles[i + 1]];
    sections.push({ b0: 1, b1: 0, b2: -1, a1: -(p1 + p2), a2: p1 * p2 });
  }
  // Each section has one zero at z = 1 (DC) and one at z = −1 (Nyquist): numerator 1 − z⁻².
  // Normalise the cascade to unit gain at the centre frequency.
  const fc = (Math.atan(Math.sqrt(w0sq) / k) * fs) / Math.PI;
  const g = Math.sqrt(sosMagnitudeSquared(sections, fc, fs));
  const perSection = Math.pow(g, 1 / sections.length);
  for (const s of sections) {
    s.b0 /= perSection;
    s.b1 /= perSection;
    s.b2 /= perSection;
  }
  return sections;
}

/** |H(e^{jω})|² of a biquad cascade at `freqHz`. */
export function sosMagnitudeSquared(sections: Biquad[], freqHz: number, fs: number): number {
  const w = (2 * Math.PI * freqHz) / fs;
  const z1 = { re: Math.cos(w), im: -Math.sin(w) };
  const z2 = cMul(z1, z1);
  let mag2 = 1;
  for (const s of sections) {
    const num = { re: s.b0 + s.b1 * z1.re + s.b2 * z2.re, im: s.b1 * z1.im + s.b2 * z2.im };
    const den = { re: 1 + s.a1 * z1.re + s.a2 * z2.re, im: s.a1 * z1.im + s.a2 * z2.im };
    mag2 *= (num.re ** 2 + num.im ** 2) / (den.re ** 2 + den.im ** 2);
  }
  return mag2;
}

/**
 * The analytic squared magnitude of the digital Butterworth band-pass (bilinear transform):
 * |H|² = 1 / (1 + ((Ω² − Ω0²) / (Ω·B))^(2·order)), Ω = 2·fs·tan(π f / fs). Used by the tests as
 * the reference the designed sections must match.
 */
export function butterworthBandpassMagnitudeSquared(
  freqHz: number,
  fs: number,
  lowHz: number,
  highHz: number,
  order = 2,
): number {
  const { w0sq, bw } = warpedBand(fs, lowHz, highHz);
  const omega = 2 * fs * Math.tan((Math.PI * freqHz) / fs);
  if (omega === 0) return 0;
  const x = (omega * omega - w0sq) / (omega * bw);
  return 1 / (1 + Math.pow(x * x, order));
}

/** Filter `x` through the cascade in place (transposed direct form II, float64 state). */
function sosFilterInPlace(sections: Biquad[], x: Float64Array, x0: number): void {
  // Start every section in the steady state it would have after a long constant input x0, so
  // the padded edge does not ring (scipy's sosfilt_zi · x0, solved in closed form per section).
  let u = x0;
  const state = sections.map((s) => {
    const y = (u * (s.b0 + s.b1 + s.b2)) / (1 + s.a1 + s.a2);
    const z2 = s.b2 * u - s.a2 * y;
    const z1 = y - s.b0 * u;
    u = y;
    return [z1, z2];
  });
  for (let si = 0; si < sections.length; si++) {
    const { b0, b1, b2, a1, a2 } = sections[si];
    let [z1, z2] = state[si];
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      const y = b0 * xi + z1;
      z1 = b1 * xi - a1 * y + z2;
      z2 = b2 * xi - a2 * y;
      x[i] = y;
    }
  }
}

/** Samples of odd (point-reflected) padding each side: about three time constants of lowHz. */
export function filtfiltPadSamples(nSamples: number, fs: number, lowHz: number): number {
  return Math.max(0, Math.min(nSamples - 1, Math.ceil((3 * fs) / lowHz)));
}

/**
 * Zero-phase filtering with a biquad cascade: odd extension of `padSamples` at both ends,
 * forward pass, backward pass, padding removed. Output length equals input length.
 */
export function sosFiltfilt(
  sections: Biquad[],
  signal: Float32Array,
  padSamples: number,
): Float32Array {
  const n = signal.length;
  if (n === 0) return new Float32Array(0);
  const pad = Math.max(0, Math.min(n - 1, Math.floor(padSamples)));
  const ext = new Float64Array(n + 2 * pad);
  const first = signal[0];
  const last = signal[n - 1];
  for (let i = 0; i < pad; i++) ext[i] = 2 * first - signal[pad - i];
  for (let i = 0; i < n; i++) ext[pad + i] = signal[i];
  for (let i = 0; i < pad; i++) ext[pad + n + i] = 2 * last - signal[n - 2 - i];
  sosFilterInPlace(sections, ext, ext[0]);
  ext.reverse();
  sosFilterInPlace(sections, ext, ext[0]);
  ext.reverse();
  return Float32Array.from(ext.subarray(pad, pad + n));
}

/**
 * Zero-phase Butterworth band-pass (default 0.5–40 Hz, prototype order 2 → 4th-order band-pass,
 * 8th order after filtfilt). Removes baseline wander below `lowHz` and noise above `highHz`.
 * `signal` is one lead; `fs` in Hz.
 */
export function bandpassFiltfilt(
  signal: Float32Array,
  fs: number,
  lowHz = 0.5,
  highHz = 40,
  order = 2,
): Float32Array {
  const sections = butterworthBandpass(fs, lowHz, highHz, order);
  return sosFiltfilt(sections, signal, filtfiltPadSamples(signal.length, fs, lowHz));
}

export type NormalizeMethod = 'zscore' | 'robust' | 'none';

/**
 * Per-lead normalisation. Statistics come from the first `validLength` samples only, so zero
 * padding after a segment's end neither biases the mean nor shrinks the spread; padded samples
 * stay exactly zero. 'zscore' uses mean/std, 'robust' median and 1.4826·MAD (insensitive to a few
 * huge artefacts). A lead with (near) zero spread is only centred, never divided by ~0.
 */
export function normalizeLead(
  signal: Float32Array,
  method: NormalizeMethod = 'zscore',
  validLength = signal.length,
): Float32Array {
  const n = Math.max(0, Math.min(signal.length, validLength));
  const out = new Float32Array(signal.length);
  if (method === 'none') {
    out.set(signal);
    return out;
  }
  if (n === 0) return out;
  let center: number;
  let scale: number;
  if (method === 'zscore') {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += signal[i];
    center = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (signal[i] - center) ** 2;
    scale = Math.sqrt(ss / n);
  } else {
    const sorted = Float64Array.from(signal.subarray(0, n)).sort();
    center = median(sorted);
    const dev = sorted.map((v) => Math.abs(v - center)).sort();
    scale = 1.4826 * median(dev);
  }
  const inv = scale > 1e-12 ? 1 / scale : 1;
  for (let i = 0; i < n; i++) out[i] = (signal[i] - center) * inv;
  return out;
}

function median(sorted: Float64Array): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}
