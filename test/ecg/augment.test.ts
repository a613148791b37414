import { describe, expect, it } from 'vitest';
import {
  addBaselineWander,
  addNoise,
  augmentSegment,
  DEFAULT_AUGMENT,
  invertPolarity,
  leadSd,
  scaleGain,
  stretchHeld,
  stretchedLength,
  timeStretch,
  type AugmentConfig,
} from '../../src-main/ecg/augment';
import { BeatlensError } from '../../src-main/errors';
import { createRng } from '../../src-main/random';

const FS = 180;

/** A beat-like lead: narrow Gaussian "QRS" spikes every `rr` samples on a zero baseline. */
function spikes(n: number, rr: number, width = 3): Float32Array {
  const out = new Float32Array(n);
  for (let c = rr / 2; c < n; c += rr) {
    for (let i = 0; i < n; i++) out[i] += Math.exp(-(((i - c) / width) ** 2));
  }
  return out;
}

const rms = (x: Float32Array, n = x.length): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return Math.sqrt(s / n);
};

/** Power of the DFT bins in [loHz, hiHz) of x. */
function bandPower(x: Float32Array, fs: number, loHz: number, hiHz: number): number {
  const n = x.length;
  let p = 0;
  for (let k = 0; k <= n / 2; k++) {
    const f = (k * fs) / n;
    if (f < loHz || f >= hiHz) continue;
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      re += x[i] * Math.cos((2 * Math.PI * k * i) / n);
      im -= x[i] * Math.sin((2 * Math.PI * k * i) / n);
    }
    p += re * re + im * im;
  }
  return p;
}

const peaks = (x: Float32Array, threshold: number): number[] => {
  const out: number[] = [];
  for (let i = 1; i + 1 < x.length; i++) {
    if (x[i] > threshold && x[i] >= x[i - 1] && x[i] > x[i + 1]) out.push(i);
  }
  return out;
};

const ALWAYS: AugmentConfig = {
  ...DEFAULT_AUGMENT,
  gain: 1,
  polarity: 1,
  wander: 1,
  noise: 1,
  timeStretch: 1,
};

const OFF: AugmentConfig = {
  ...DEFAULT_AUGMENT,
  swapLeads: 0,
  duplicateLead: 0,
  poolPair: 0,
  gain: 0,
  polarity: 0,
  wander: 0,
  noise: 0,
  timeStretch: 0,
};

describe('single transforms', () => {
  const lead = spikes(1000, 150);

  it('scaleGain scales the RMS by the gain and leaves the input alone', () => {
    const copy = Float32Array.from(lead);
    expect(rms(scaleGain(lead, 2))).toBeCloseTo(2 * rms(lead), 5);
    expect(rms(scaleGain(lead, 0.5))).toBeCloseTo(0.5 * rms(lead), 5);
    expect(lead).toEqual(copy);
    expect(() => scaleGain(lead, 0)).toThrow(BeatlensError);
  });

  it('invertPolarity flips the sign of every sample', () => {
    const inv = invertPolarity(lead);
    for (let i = 0; i < lead.length; i += 37) expect(inv[i]).toBe(-lead[i]);
    expect(inv.length).toBe(lead.length);
  });

  it('baseline wander adds power below 1 Hz and none above 2 Hz', () => {
    const flat = new Float32Array(1800); // 10 s at 180 Hz
    const w = addBaselineWander(flat, FS, { frequencyHz: 0.3, amplitude: 0.5, phase: 0 });
    expect(bandPower(w, FS, 0, 1)).toBeGreaterThan(1000);
    expect(bandPower(w, FS, 2, FS / 2)).toBeLessThan(1e-3 * bandPower(w, FS, 0, 1));
    expect(Math.max(...w)).toBeCloseTo(0.5, 2);
  });

  it('wander and noise leave the zero padding past `length` zero', () => {
    const padded = new Float32Array(500);
    padded.set(lead.subarray(0, 300));
    const w = addBaselineWander(padded, FS, { frequencyHz: 0.2, amplitude: 1, phase: 1 }, 300);
    const n = addNoise(
      padded,
      FS,
      { whiteSd: 1, mainsHz: 50, mainsAmplitude: 1, phase: 0 },
      createRng(1),
      300,
    );
    expect(w.subarray(300).every((v) => v === 0)).toBe(true);
    expect(n.subarray(300).every((v) => v === 0)).toBe(true);
    expect(() =>
      addNoise(
        padded,
        FS,
        { whiteSd: 1, mainsHz: 50, mainsAmplitude: 0, phase: 0 },
        createRng(1),
        501,
      ),
    ).toThrow(/length=501/);
  });

  it('noise: white noise of the asked SD, and mains power at 50 Hz', () => {
    const flat = new Float32Array(1800);
    const white = addNoise(
      flat,
      FS,
      { whiteSd: 0.2, mainsHz: 50, mainsAmplitude: 0, phase: 0 },
      createRng(3),
    );
    expect(leadSd(white)).toBeCloseTo(0.2, 1);
    const mains = addNoise(
      flat,
      FS,
      { whiteSd: 0, mainsHz: 50, mainsAmplitude: 0.3, phase: 0 },
      createRng(3),
    );
    expect(bandPower(mains, FS, 49, 51)).toBeGreaterThan(0.99 * bandPower(mains, FS, 0, FS / 2));
    // At 90 Hz, 50 Hz is above Nyquist: no mains is added rather than an alias.
    const low = addNoise(
      new Float32Array(900),
      90,
      { whiteSd: 0, mainsHz: 50, mainsAmplitude: 0.3, phase: 0 },
      createRng(3),
    );
    expect(rms(low)).toBe(0);
  });

  it('timeStretch moves every beat from sample i to about i·factor', () => {
    const n = 1200;
    const src = new Float32Array(n);
    src.set(spikes(1000, 150).subarray(0, 1000));
    for (const factor of [0.9, 1.1]) {
      const out = timeStretch(src, FS, factor, 1000);
      expect(out.length).toBe(n);
      const before = peaks(src, 0.5);
      const after = peaks(out, 0.5);
      expect(after.length).toBe(before.length);
      after.forEach((p, k) => expect(Math.abs(p - before[k] * factor)).toBeLessThanOrEqual(1));
      const real = stretchedLength(1000, FS, factor);
      expect(real).toBe(Math.round(1000 * factor));
      expect(out.subarray(real).every((v) => v === 0)).toBe(true);
    }
    expect(() => timeStretch(src, FS, 1.3, 1000)).toThrow(/more than the segment/);
  });

  it('stretchHeld keeps a piecewise-constant channel piecewise constant, boundaries moved', () => {
    const ch = new Float32Array(400);
    ch.fill(-0.5, 100, 200);
    const out = stretchHeld(ch, FS, 1.1, 300);
    expect(new Set(out)).toEqual(new Set([0, -0.5]));
    expect(out.indexOf(-0.5)).toBe(Math.round(100 * 1.1));
    expect(out.lastIndexOf(-0.5)).toBeGreaterThanOrEqual(Math.round(199 * 1.1) - 1);
  });
});

describe('augmentSegment', () => {
  const nSamples = 1000;
  const length = 800;
  const shape = { fs: FS, nSamples, length, nEcgLeads: 2, rhythmChannels: 0 };
  const seg = new Float32Array(2 * nSamples);
  seg.set(spikes(length, 150), 0);
  seg.set(invertPolarity(spikes(length, 150, 5)), nSamples);

  it('keeps the shape, the padding and the input; same seed, same output', () => {
    const copy = Float32Array.from(seg);
    for (let s = 0; s < 20; s++) {
      const a = augmentSegment(seg, shape, ALWAYS, createRng(s));
      const b = augmentSegment(seg, shape, ALWAYS, createRng(s));
      expect(a.data.length).toBe(seg.length);
      expect(a.data).toEqual(b.data);
      expect(a.draw).toEqual(b.draw);
      const real = stretchedLength(length, FS, a.draw.stretch);
      expect(real).toBeLessThanOrEqual(nSamples);
      expect(a.data.subarray(real, nSamples).every((v) => v === 0)).toBe(true);
    }
    expect(seg).toEqual(copy);
    const other = augmentSegment(seg, shape, ALWAYS, createRng(99)).data;
    expect(other).not.toEqual(augmentSegment(seg, shape, ALWAYS, createRng(98)).data);
  });

  it('with everything off it is the identity', () => {
    expect(augmentSegment(seg, shape, OFF, createRng(1)).data).toEqual(seg);
  });

  it('swaps, duplicates and draws pairs from the pool', () => {
    const only = (c: Partial<AugmentConfig>): AugmentConfig => ({ ...OFF, ...c });
    const swapped = augmentSegment(seg, shape, only({ swapLeads: 1 }), createRng(1)).data;
    expect(swapped.subarray(0, nSamples)).toEqual(seg.subarray(nSamples));
    expect(swapped.subarray(nSamples)).toEqual(seg.subarray(0, nSamples));
    const dup = augmentSegment(seg, shape, only({ duplicateLead: 1 }), createRng(2)).data;
    expect(dup.subarray(0, nSamples)).toEqual(dup.subarray(nSamples));
    const pool = new Float32Array(12 * nSamples);
    for (let k = 0; k < 12; k++) pool.fill(k + 1, k * nSamples, k * nSamples + length);
    const drawn = augmentSegment(seg, shape, only({ poolPair: 1 }), createRng(3), pool);
    const [a, b] = [drawn.data[0], drawn.data[nSamples]];
    expect(a).not.toBe(b);
    expect(drawn.draw.sources).toEqual([`pool:${a - 1}`, `pool:${b - 1}`]);
  });

  it('stretches rhythm channels with the leads and never augments their values', () => {
    const rShape = { ...shape, nEcgLeads: 2, rhythmChannels: 2 };
    const data = new Float32Array(4 * nSamples);
    data.set(seg);
    data.fill(-0.4, 2 * nSamples + 100, 2 * nSamples + 200);
    data.fill(0.7, 3 * nSamples + 300, 3 * nSamples + 400);
    for (let s = 0; s < 10; s++) {
      const { data: out, draw } = augmentSegment(data, rShape, ALWAYS, createRng(s));
      const [early, pause] = [Math.fround(-0.4), Math.fround(0.7)];
      expect(new Set(out.subarray(2 * nSamples, 3 * nSamples))).toEqual(new Set([0, early]));
      expect(new Set(out.subarray(3 * nSamples))).toEqual(new Set([0, pause]));
      expect(out.subarray(2 * nSamples).indexOf(early)).toBe(Math.round(100 * draw.stretch));
    }
  });

  it('over many draws, gains stay in [0.5, 2] and each transform happens', () => {
    const draws = Array.from(
      { length: 200 },
      (_, s) => augmentSegment(seg, shape, DEFAULT_AUGMENT, createRng(s)).draw,
    );
    const gains = draws.flatMap((d) => d.gains);
    expect(Math.min(...gains)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...gains)).toBeLessThanOrEqual(2);
    expect(draws.some((d) => d.inverted.some(Boolean))).toBe(true);
    expect(draws.some((d) => d.sources[0] === '1')).toBe(true);
    expect(draws.some((d) => d.stretch < 1) && draws.some((d) => d.stretch > 1)).toBe(true);
    const stretches = draws.map((d) => d.stretch);
    expect(Math.min(...stretches)).toBeGreaterThanOrEqual(0.9);
    expect(Math.max(...stretches)).toBeLessThanOrEqual(1.1);
  });
});
