/**
 * Band-limited resampling by windowed-sinc interpolation (Kaiser window), evaluated through a
 * polyphase table: for a rational ratio fsOut/fsIn = up/down every output sample falls on one of
 * `up` fractional input positions, so the kernel is computed once per phase, not per sample.
 * The cut-off sits just below the lower of the two Nyquist frequencies (anti-aliasing when
 * down-sampling, anti-imaging when up-sampling).
 */
import { BeatlensError } from '../errors';
import type { Beat, EcgRecord } from './types';

/** Zero crossings of the sinc on each side of the centre (kernel half-width, at the cut-off). */
const ZERO_CROSSINGS = 16;
/** Cut-off as a fraction of the lower Nyquist frequency. */
const ROLLOFF = 0.94;
/** Kaiser β: ~80 dB stop-band attenuation. */
const KAISER_BETA = 8.6;
/** Largest number of distinct phases tabulated; irrational ratios use the nearest phase. */
const MAX_PHASES = 4096;

/** Output length for `nSamples` input samples: round(n·fsOut/fsIn). */
export function resampledLength(nSamples: number, fsIn: number, fsOut: number): number {
  return Math.round((nSamples * fsOut) / fsIn);
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 60; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-16) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Number of phases: `up` of the reduced ratio when it is a small rational, else MAX_PHASES. */
function phaseCount(fsIn: number, fsOut: number): number {
  for (const scale of [1, 10, 100, 1000]) {
    const a = fsIn * scale;
    const b = fsOut * scale;
    if (Math.abs(a - Math.round(a)) < 1e-9 && Math.abs(b - Math.round(b)) < 1e-9) {
      const up = Math.round(b) / gcd(Math.round(a), Math.round(b));
      if (up <= MAX_PHASES) return up;
    }
  }
  return MAX_PHASES;
}

/**
 * Resample one lead from `fsIn` to `fsOut` (Hz). Output sample i sits at input time i·fsIn/fsOut;
 * length = round(n·fsOut/fsIn). Edges use the part of the kernel that falls inside the signal,
 * renormalised so a constant stays constant.
 */
export function resample(signal: Float32Array, fsIn: number, fsOut: number): Float32Array {
  for (const [name, v] of [
    ['fsIn', fsIn],
    ['fsOut', fsOut],
  ] as const) {
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new BeatlensError(
        'resample-config',
        `resample: ${name}=${v} Hz is not a positive number`,
      );
    }
  }
  const n = signal.length;
  const nOut = resampledLength(n, fsIn, fsOut);
  if (fsIn === fsOut) return Float32Array.from(signal);
  const out = new Float32Array(nOut);
  if (n === 0) return out;
  // Cut-off in cycles per input sample relative to the input Nyquist (1 = fsIn/2).
  const cutoff = ROLLOFF * Math.min(1, fsOut / fsIn);
  const halfWidth = Math.ceil(ZERO_CROSSINGS / cutoff);
  const taps = 2 * halfWidth;
  const nPhases = phaseCount(fsIn, fsOut);
  const table: Array<Float64Array | undefined> = [];
  const sums: number[] = []; // Σ of each phase's kernel, summed in the loop's order
  const i0Beta = besselI0(KAISER_BETA);
  // Kernel for fractional offset `frac` ∈ [0,1): weights of inputs floor(t)−halfWidth+1+j.
  const kernel = (phase: number): Float64Array => {
    let k = table[phase];
    if (k) return k;
    const frac = phase / nPhases;
    k = new Float64Array(taps);
    for (let j = 0; j < taps; j++) {
      const x = j - halfWidth + 1 - frac; // input position minus output time, in samples
      const r = x / (halfWidth + 1);
      const w = Math.abs(r) < 1 ? besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta : 0;
      const arg = Math.PI * cutoff * x;
      k[j] = cutoff * (arg === 0 ? 1 : Math.sin(arg) / arg) * w;
    }
    table[phase] = k;
    let sum = 0;
    for (let j = 0; j < taps; j++) sum += k[j];
    sums[phase] = sum;
    return k;
  };
  const step = fsIn / fsOut;
  for (let i = 0; i < nOut; i++) {
    const t = i * step;
    let base = Math.floor(t);
    let phase = Math.round((t - base) * nPhases);
    if (phase === nPhases) {
      phase = 0;
      base += 1;
    }
    const k = kernel(phase);
    const first = base - halfWidth + 1;
    const jLo = Math.max(0, -first);
    const jHi = Math.min(taps, n - first);
    let acc = 0;
    let wsum = 0;
    if (jLo === 0 && jHi === taps) {
      // Interior: the whole kernel, whose sum is tabulated (the same sum, in the same order).
      for (let j = 0; j < taps; j++) acc += k[j] * signal[first + j];
      wsum = sums[phase];
    } else {
      for (let j = jLo; j < jHi; j++) {
        acc += k[j] * signal[first + j];
        wsum += k[j];
      }
    }
    out[i] = wsum !== 0 ? acc / wsum : 0;
  }
  return out;
}

/** Resample every lead of a record to `fsOut`; beats, if given, move to the nearest new sample. */
export function resampleRecord(record: EcgRecord, fsOut: number): EcgRecord {
  if (record.fs === fsOut) return record;
  const signals = record.signals.map((s) => resample(s, record.fs, fsOut));
  return {
    ...record,
    fs: fsOut,
    nSamples: resampledLength(record.nSamples, record.fs, fsOut),
    signals,
  };
}

/** Map beat sample indices from `fsIn` to `fsOut` (rounded to the nearest output sample). */
export function resampleBeats(beats: Beat[], fsIn: number, fsOut: number): Beat[] {
  return beats.map((b) => ({ ...b, sample: Math.round((b.sample * fsOut) / fsIn) }));
}
