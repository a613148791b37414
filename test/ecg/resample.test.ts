import { describe, expect, it } from 'vitest';
import {
  resample,
  resampleBeats,
  resampledLength,
  resampleRecord,
} from '../../src-main/ecg/resample';
import type { EcgRecord } from '../../src-main/ecg/types';
import { BeatlensError } from '../../src-main/errors';

const sine = (n: number, fs: number, f: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(2 * Math.PI * f * (i / fs)));

/** Frequency of the largest DFT bin of y (refined by parabolic interpolation), in Hz. */
function dominantFrequency(y: Float32Array, fs: number): number {
  const n = y.length;
  const mags: number[] = [];
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)); // Hann
      re += w * y[i] * Math.cos((2 * Math.PI * k * i) / n);
      im -= w * y[i] * Math.sin((2 * Math.PI * k * i) / n);
    }
    mags.push(Math.log(Math.hypot(re, im) + 1e-12));
  }
  let k = 1;
  for (let j = 1; j < mags.length - 1; j++) if (mags[j] > mags[k]) k = j;
  const delta = (0.5 * (mags[k - 1] - mags[k + 1])) / (mags[k - 1] - 2 * mags[k] + mags[k + 1]);
  return ((k + delta) * fs) / n;
}

describe('resample', () => {
  const cases: Array<[number, number, number]> = [
    [360, 500, 10],
    [500, 360, 17],
    [360, 250, 30],
    [250, 360, 30],
    [360, 128, 20],
    [1000, 360, 5],
    [360, 359.7, 12],
  ];

  it.each(cases)(
    '%d Hz → %d Hz keeps a %d Hz sinusoid (frequency and amplitude)',
    (fsIn, fsOut, f) => {
      const n = 1500;
      const y = resample(sine(n, fsIn, f), fsIn, fsOut);
      expect(y.length).toBe(Math.round((n * fsOut) / fsIn));
      expect(y.length).toBe(resampledLength(n, fsIn, fsOut));
      // Away from the edges the output is the same sinusoid sampled at fsOut.
      let maxErr = 0;
      for (let i = 40; i < y.length - 40; i++) {
        maxErr = Math.max(maxErr, Math.abs(y[i] - Math.sin((2 * Math.PI * f * i) / fsOut)));
      }
      expect(maxErr).toBeLessThan(0.01);
      expect(Math.abs(dominantFrequency(y.subarray(0, 512), fsOut) - f)).toBeLessThan(0.05 * f);
    },
  );

  it('suppresses content above the new Nyquist frequency (anti-aliasing)', () => {
    const y = resample(sine(3600, 360, 150), 360, 250); // 150 Hz > 125 Hz
    let peak = 0;
    for (let i = 40; i < y.length - 40; i++) peak = Math.max(peak, Math.abs(y[i]));
    expect(peak).toBeLessThan(0.01);
  });

  it('keeps a constant constant, edges included', () => {
    const y = resample(new Float32Array(100).fill(2.5), 360, 500);
    for (const v of y) expect(v).toBeCloseTo(2.5, 5);
  });

  it('is the identity when fsIn = fsOut and rejects non-positive rates', () => {
    const x = sine(50, 360, 3);
    expect(Array.from(resample(x, 360, 360))).toEqual(Array.from(x));
    expect(() => resample(x, 0, 360)).toThrow(BeatlensError);
    expect(() => resample(x, 360, Number.NaN)).toThrow(/fsOut=NaN/);
  });

  it('moves records and beat positions together', () => {
    const record: EcgRecord = {
      id: 'r',
      patientId: 'r',
      fs: 250,
      nSamples: 1000,
      leadNames: ['a', 'b'],
      units: ['mV', 'mV'],
      signals: [sine(1000, 250, 5), sine(1000, 250, 7)],
      source: 'test',
    };
    const out = resampleRecord(record, 360);
    expect(out.fs).toBe(360);
    expect(out.nSamples).toBe(1440);
    expect(out.signals.every((s) => s.length === 1440)).toBe(true);
    const beats = resampleBeats([{ sample: 250, symbol: 'N', aami: 'N' }], 250, 360);
    expect(beats[0].sample).toBe(360);
  });
});
