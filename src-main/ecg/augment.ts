/**
 * Training-time augmentation for what varies between recorders: which leads and in what order,
 * gain, polarity, baseline wander, muscle/electrode and mains noise, and small sampling-rate
 * differences. Every transform is a pure function over one lead (Float32Array) with `fs` explicit;
 * `augmentSegment` draws one combination of them for a segment from a seeded Rng.
 *
 * A segment holds `length` real samples followed by zero padding; transforms act on the real part
 * only, so padding stays zero. Labels are never touched: every transform keeps what a reader would
 * call the beats (a PVC stays a PVC when the gain doubles or the lead is inverted).
 */
import { BeatlensError } from '../errors';
import type { Rng } from '../random';
import { resample, resampledLength } from './resample';

/** What `augmentSegment` may do and how often; recorded in run.json (the preset's `augment`). */
export interface AugmentConfig {
  /** Probability of swapping the two ECG inputs. */
  swapLeads: number;
  /** Probability of feeding one lead (drawn) into both inputs. */
  duplicateLead: number;
  /** Probability of drawing a new ordered pair from the record's other leads, when it has more. */
  poolPair: number;
  /** Probability (per lead) of a gain change, log-uniform in [gainMin, gainMax]. */
  gain: number;
  gainMin: number;
  gainMax: number;
  /** Probability (per lead) of inverting it. */
  polarity: number;
  /** Probability (per lead) of baseline wander: a sinusoid of wanderHz, amplitude ≤ wanderSd × SD. */
  wander: number;
  wanderHz: [number, number];
  wanderSd: number;
  /** Probability (per lead) of noise: white ≤ whiteSd × SD plus mains (50/60 Hz ± 1) ≤ mainsSd × SD. */
  noise: number;
  whiteSd: number;
  mainsSd: number;
  /** Probability (per segment) of a time-stretch by a whole percentage in [1 − stretch, 1 + stretch]. */
  timeStretch: number;
  stretch: number;
}

/** The settings `--augment` uses. */
export const DEFAULT_AUGMENT: AugmentConfig = {
  // Either order equally often: a model must not depend on which lead comes first (the
  // experiments in docs/results/scan-augmented* used 0.25, recorded in their run.json).
  swapLeads: 0.5,
  duplicateLead: 0.1,
  poolPair: 0.5,
  gain: 0.5,
  gainMin: 0.5,
  gainMax: 2,
  polarity: 0.15,
  wander: 0.5,
  wanderHz: [0.05, 0.5],
  wanderSd: 0.5,
  noise: 0.5,
  whiteSd: 0.1,
  mainsSd: 0.1,
  timeStretch: 0.3,
  stretch: 0.1,
};

function checkLength(lead: Float32Array, length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > lead.length) {
    throw new BeatlensError(
      'augment-input',
      `length=${length} must be an integer in 0..${lead.length} (the lead's samples)`,
    );
  }
}

/** Standard deviation of lead[0..length). */
export function leadSd(lead: Float32Array, length = lead.length): number {
  if (length === 0) return 0;
  let mean = 0;
  for (let i = 0; i < length; i++) mean += lead[i];
  mean /= length;
  let ss = 0;
  for (let i = 0; i < length; i++) ss += (lead[i] - mean) ** 2;
  return Math.sqrt(ss / length);
}

/** The lead multiplied by `gain` (a recorder's other amplification or electrode placement). */
export function scaleGain(lead: Float32Array, gain: number): Float32Array {
  if (!(gain > 0) || !Number.isFinite(gain)) {
    throw new BeatlensError('augment-input', `gain=${gain} must be a positive number`);
  }
  return lead.map((v) => v * gain);
}

/** The lead inverted (electrodes swapped, aVR, a lead whose QRS points down). */
export function invertPolarity(lead: Float32Array): Float32Array {
  return lead.map((v) => -v);
}

/** Baseline wander: `amplitude · sin(2π f t + phase)` added over the real part (t = i / fs). */
export function addBaselineWander(
  lead: Float32Array,
  fs: number,
  wander: { frequencyHz: number; amplitude: number; phase: number },
  length = lead.length,
): Float32Array {
  checkLength(lead, length);
  if (!(fs > 0)) throw new BeatlensError('augment-input', `fs=${fs} must be positive`);
  const out = Float32Array.from(lead);
  const w = (2 * Math.PI * wander.frequencyHz) / fs;
  for (let i = 0; i < length; i++) out[i] += wander.amplitude * Math.sin(w * i + wander.phase);
  return out;
}

/**
 * Muscle/electrode noise: white Gaussian noise of SD `whiteSd` plus a mains sinusoid of
 * `mainsAmplitude` at `mainsHz` (left out when that is not below fs/2: it would alias), over the
 * real part. The white noise comes from `rng`.
 */
export function addNoise(
  lead: Float32Array,
  fs: number,
  noise: { whiteSd: number; mainsHz: number; mainsAmplitude: number; phase: number },
  rng: Rng,
  length = lead.length,
): Float32Array {
  checkLength(lead, length);
  if (!(fs > 0)) throw new BeatlensError('augment-input', `fs=${fs} must be positive`);
  const out = Float32Array.from(lead);
  const mains = noise.mainsHz < fs / 2 ? noise.mainsAmplitude : 0;
  const w = (2 * Math.PI * noise.mainsHz) / fs;
  for (let i = 0; i < length; i++) {
    out[i] += noise.whiteSd * rng.normal() + mains * Math.sin(w * i + noise.phase);
  }
  return out;
}

/** Real samples after stretching `length` samples by `factor` (the resampler's rounding). */
export function stretchedLength(length: number, fs: number, factor: number): number {
  return resampledLength(length, fs, fs * factor);
}

function checkStretch(lead: Float32Array, length: number, fs: number, factor: number): number {
  checkLength(lead, length);
  if (!(factor > 0) || !(fs > 0)) {
    throw new BeatlensError('augment-input', `time-stretch factor=${factor} at fs=${fs} Hz`);
  }
  const nOut = stretchedLength(length, fs, factor);
  if (nOut > lead.length) {
    throw new BeatlensError(
      'augment-input',
      `time-stretch by ${factor} makes ${length} samples ${nOut}, more than the segment's ${lead.length}`,
    );
  }
  return nOut;
}

/**
 * A recording of the same heart at another rate, read as if at `fs`: lead[0..length) resampled by
 * the project's resampler from fs to fs·factor, so every event moves from sample i to about
 * i·factor (factor 1.1: beats 10 % further apart, QRS 10 % wider). Same array length; the real
 * part becomes stretchedLength(length, fs, factor) samples, the rest zero.
 */
export function timeStretch(
  lead: Float32Array,
  fs: number,
  factor: number,
  length = lead.length,
): Float32Array {
  checkStretch(lead, length, fs, factor);
  const out = new Float32Array(lead.length);
  out.set(resample(lead.subarray(0, length), fs, fs * factor));
  return out;
}

/**
 * The same stretch for a piecewise-constant channel (the rhythm channels): nearest input sample,
 * at the resampler's sample times (output i ↔ input i / factor), so beat spans move exactly as
 * the ECG's beats do and no value is smeared across a beat boundary.
 */
export function stretchHeld(
  channel: Float32Array,
  fs: number,
  factor: number,
  length = channel.length,
): Float32Array {
  const nOut = checkStretch(channel, length, fs, factor);
  const out = new Float32Array(channel.length);
  for (let i = 0; i < nOut; i++) out[i] = channel[Math.min(length - 1, Math.round(i / factor))];
  return out;
}

/** Where a segment's inputs come from: its own leads, and optionally its record's other leads. */
export interface SegmentShape {
  fs: number;
  nSamples: number;
  /** Real samples (the rest is zero padding). */
  length: number;
  /** ECG input channels (the first ones). */
  nEcgLeads: number;
  /** Rhythm channels after the ECG leads (0 if none). */
  rhythmChannels: number;
}

/** What augmentSegment drew, for tests and logs. */
export interface AugmentDraw {
  /** Per ECG input, the lead it came from (index into the segment's leads, or `pool:k`). */
  sources: string[];
  gains: number[];
  inverted: boolean[];
  wander: boolean[];
  noise: boolean[];
  stretch: number;
}

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();

/**
 * One augmented copy of a segment: `data` is (channels × nSamples) row-major, ECG leads first,
 * then the rhythm channels; `pool` is (nPool × nSamples) row-major, the record's leads (all of a
 * 12-lead record) cut at the same samples, from which a new ordered pair may be drawn. Returns a
 * new array of the same shape; the input is not modified.
 */
export function augmentSegment(
  data: Float32Array,
  shape: SegmentShape,
  config: AugmentConfig,
  rng: Rng,
  pool?: Float32Array,
): { data: Float32Array; draw: AugmentDraw } {
  const { fs, nSamples, length, nEcgLeads, rhythmChannels } = shape;
  const nChannels = nEcgLeads + rhythmChannels;
  if (data.length !== nChannels * nSamples) {
    throw new BeatlensError(
      'augment-input',
      `segment has ${data.length} values, expected ${nChannels} channels × ${nSamples} samples`,
    );
  }
  const row = (a: Float32Array, k: number): Float32Array =>
    a.subarray(k * nSamples, (k + 1) * nSamples);
  let leads = Array.from({ length: nEcgLeads }, (_, k) => row(data, k));
  let sources = leads.map((_, k) => String(k));
  const nPool = pool ? pool.length / nSamples : 0;
  if (pool && nPool >= nEcgLeads && rng.next() < config.poolPair) {
    const picks = rng.shuffle(Array.from({ length: nPool }, (_, k) => k)).slice(0, nEcgLeads);
    leads = picks.map((k) => row(pool, k));
    sources = picks.map((k) => `pool:${k}`);
  }
  if (nEcgLeads === 2) {
    const u = rng.next();
    if (u < config.swapLeads) {
      leads = [leads[1], leads[0]];
      sources = [sources[1], sources[0]];
    } else if (u < config.swapLeads + config.duplicateLead) {
      const k = rng.int(2);
      leads = [leads[k], leads[k]];
      sources = [sources[k], sources[k]];
    }
  }
  let stretch = 1;
  if (rng.next() < config.timeStretch) {
    const lo = Math.ceil(100 * (1 - config.stretch));
    const hi = Math.floor(100 * (1 + config.stretch));
    // Whole percentages keep the resampler's phase table small; never past the segment's end.
    const fits = Math.floor((100 * nSamples) / Math.max(1, length));
    const pct = lo + rng.int(hi - lo + 1);
    stretch = Math.min(pct, fits) / 100;
  }
  const outLength = stretch === 1 ? length : stretchedLength(length, fs, stretch);
  const out = new Float32Array(data.length);
  const draw: AugmentDraw = { sources, gains: [], inverted: [], wander: [], noise: [], stretch };
  leads.forEach((source, k) => {
    let lead = stretch === 1 ? Float32Array.from(source) : timeStretch(source, fs, stretch, length);
    const sd = leadSd(lead, outLength) || 1;
    const gain =
      rng.next() < config.gain
        ? Math.exp(uniform(rng, Math.log(config.gainMin), Math.log(config.gainMax)))
        : 1;
    if (gain !== 1) lead = scaleGain(lead, gain);
    const inverted = rng.next() < config.polarity;
    if (inverted) lead = invertPolarity(lead);
    const wander = rng.next() < config.wander;
    if (wander) {
      lead = addBaselineWander(
        lead,
        fs,
        {
          frequencyHz: uniform(rng, config.wanderHz[0], config.wanderHz[1]),
          amplitude: uniform(rng, 0, config.wanderSd) * sd * gain,
          phase: uniform(rng, 0, 2 * Math.PI),
        },
        outLength,
      );
    }
    const noise = rng.next() < config.noise;
    if (noise) {
      lead = addNoise(
        lead,
        fs,
        {
          whiteSd: uniform(rng, 0, config.whiteSd) * sd * gain,
          mainsHz: (rng.next() < 0.5 ? 50 : 60) + uniform(rng, -1, 1),
          mainsAmplitude: uniform(rng, 0, config.mainsSd) * sd * gain,
          phase: uniform(rng, 0, 2 * Math.PI),
        },
        rng,
        outLength,
      );
    }
    out.set(lead, k * nSamples);
    draw.gains.push(gain);
    draw.inverted.push(inverted);
    draw.wander.push(wander);
    draw.noise.push(noise);
  });
  for (let r = 0; r < rhythmChannels; r++) {
    const ch = row(data, nEcgLeads + r);
    out.set(stretch === 1 ? ch : stretchHeld(ch, fs, stretch, length), (nEcgLeads + r) * nSamples);
  }
  return { data: out, draw };
}
