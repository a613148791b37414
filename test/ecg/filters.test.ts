import { describe, expect, it } from 'vitest';
import {
  bandpassFiltfilt,
  butterworthBandpass,
  butterworthBandpassMagnitudeSquared,
  normalizeLead,
  sosMagnitudeSquared,
} from '../../src-main/ecg/filters';
import { BeatlensError } from '../../src-main/errors';

const sine = (n: number, fs: number, f: number, phase = 0) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(2 * Math.PI * f * (i / fs) + phase));

/** Least-squares amplitude and phase of frequency f in y[lo..hi). */
function fitSinusoid(y: Float32Array, fs: number, f: number, lo: number, hi: number) {
  let ss = 0;
  let sc = 0;
  let s2 = 0;
  let c2 = 0;
  let scx = 0;
  for (let i = lo; i < hi; i++) {
    const s = Math.sin((2 * Math.PI * f * i) / fs);
    const c = Math.cos((2 * Math.PI * f * i) / fs);
    ss += y[i] * s;
    sc += y[i] * c;
    s2 += s * s;
    c2 += c * c;
    scx += s * c;
  }
  // Solve [s2 scx; scx c2] [a; b] = [ss; sc] for y ≈ a sin + b cos.
  const det = s2 * c2 - scx * scx;
  const a = (ss * c2 - sc * scx) / det;
  const b = (sc * s2 - ss * scx) / det;
  return { amplitude: Math.hypot(a, b), phase: Math.atan2(b, a) };
}

describe('butterworthBandpass', () => {
  it('matches the analytic Butterworth |H|² for orders 1–4 at several sampling rates', () => {
    for (const fs of [250, 360, 500]) {
      for (const order of [1, 2, 3, 4]) {
        const sections = butterworthBandpass(fs, 0.5, 40, order);
        expect(sections).toHaveLength(order);
        for (const f of [0.05, 0.2, 0.5, 1, 3, 10, 25, 40, 55, 80, fs / 2 - 1]) {
          const designed = sosMagnitudeSquared(sections, f, fs);
          const analytic = butterworthBandpassMagnitudeSquared(f, fs, 0.5, 40, order);
          expect(Math.abs(designed - analytic)).toBeLessThan(1e-9);
        }
        // −3 dB at both edges, by construction of a Butterworth band-pass.
        expect(sosMagnitudeSquared(sections, 0.5, fs)).toBeCloseTo(0.5, 9);
        expect(sosMagnitudeSquared(sections, 40, fs)).toBeCloseTo(0.5, 9);
      }
    }
  });

  it('rejects edges outside 0 < low < high < fs/2 with a one-line error', () => {
    expect(() => butterworthBandpass(360, 0.5, 180)).toThrow(BeatlensError);
    expect(() => butterworthBandpass(360, 40, 0.5)).toThrow(/0 < low < high < fs\/2 = 180 Hz/);
    expect(() => butterworthBandpass(360, 0.5, 40, 0)).toThrow(/order=0/);
  });
});

describe('bandpassFiltfilt', () => {
  const fs = 360;
  const n = fs * 60;

  it('passes sinusoids with gain |H|² (filtfilt squares the magnitude) and zero phase', () => {
    for (const f of [0.1, 0.25, 0.5, 1, 5, 15, 40, 60, 100]) {
      const x = sine(n, fs, f, 0.3);
      const y = bandpassFiltfilt(x, fs);
      const fit = fitSinusoid(y, fs, f, n / 4, (3 * n) / 4);
      // One pass has gain |H|; forward + backward multiply to |H|².
      const expected = butterworthBandpassMagnitudeSquared(f, fs, 0.5, 40, 2);
      expect(Math.abs(fit.amplitude - expected)).toBeLessThan(2e-3 + 0.01 * expected);
      if (expected > 0.05) expect(Math.abs(fit.phase - 0.3)).toBeLessThan(1e-3);
    }
  });

  it('keeps a symmetric pulse centred and symmetric (no group delay)', () => {
    const x = new Float32Array(4001);
    const centre = 2000;
    for (let i = 0; i < x.length; i++) x[i] = Math.exp(-0.5 * ((i - centre) / 8) ** 2);
    const y = bandpassFiltfilt(x, fs);
    let argmax = 0;
    for (let i = 1; i < y.length; i++) if (y[i] > y[argmax]) argmax = i;
    expect(argmax).toBe(centre);
    let asym = 0;
    for (let k = 1; k < 600; k++) asym = Math.max(asym, Math.abs(y[centre + k] - y[centre - k]));
    expect(asym).toBeLessThan(1e-3 * y[centre]);
  });

  it('removes a DC offset and a slow baseline wander but keeps the QRS-band content', () => {
    const x = sine(n, fs, 10);
    const wander = sine(n, fs, 0.05);
    const input = x.map((v, i) => v + 5 + 2 * wander[i]);
    const y = bandpassFiltfilt(input, fs);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i];
    mean /= n;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    let maxErr = 0;
    for (let i = fs * 5; i < n - fs * 5; i++) maxErr = Math.max(maxErr, Math.abs(y[i] - x[i]));
    expect(maxErr).toBeLessThan(0.02);
  });

  it('returns the input length, also for signals shorter than the padding', () => {
    expect(bandpassFiltfilt(new Float32Array(10).fill(1), fs)).toHaveLength(10);
    expect(bandpassFiltfilt(new Float32Array(0), fs)).toHaveLength(0);
  });
});

describe('normalizeLead', () => {
  it('z-scores to mean 0 and std 1', () => {
    const x = sine(1000, 360, 3).map((v) => 3 * v + 7);
    const y = normalizeLead(x);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const sd = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length);
    expect(mean).toBeCloseTo(0, 5);
    expect(sd).toBeCloseTo(1, 4);
  });

  it('ignores zero padding past validLength and leaves it zero', () => {
    const x = new Float32Array(2000);
    x.set(sine(800, 360, 3).map((v) => 2 * v + 1));
    const padded = normalizeLead(x, 'zscore', 800);
    const unpadded = normalizeLead(x.subarray(0, 800), 'zscore');
    for (let i = 0; i < 800; i++) expect(padded[i]).toBeCloseTo(unpadded[i], 6);
    for (let i = 800; i < 2000; i++) expect(padded[i]).toBe(0);
  });

  it('robust scaling is barely moved by a huge artefact, z-score is', () => {
    const x = sine(3600, 360, 1);
    const spiked = Float32Array.from(x);
    spiked[100] = 1000;
    const r0 = normalizeLead(x, 'robust');
    const r1 = normalizeLead(spiked, 'robust');
    const z1 = normalizeLead(spiked, 'zscore');
    expect(Math.abs(r1[500] - r0[500])).toBeLessThan(0.01);
    expect(Math.abs(z1[500])).toBeLessThan(0.1 * Math.abs(r0[500]));
  });

  it('does not divide by zero on a flat lead', () => {
    const y = normalizeLead(new Float32Array(100).fill(3));
    expect(Array.from(y).every((v) => v === 0)).toBe(true);
  });
});
