import { describe, expect, it } from 'vitest';
import { butterworthBandpassMagnitudeSquared } from '../../src-main/ecg/filters';
import { preprocessRecord } from '../../src-main/ecg/preprocess';
import type { EcgRecord } from '../../src-main/ecg/types';

function record(fs: number, seconds: number): EcgRecord {
  const nSamples = fs * seconds;
  const lead = (f: number, dc: number, k: number) =>
    Float32Array.from(
      { length: nSamples },
      (_, i) =>
        k * Math.sin((2 * Math.PI * f * i) / fs) +
        dc +
        0.5 * Math.sin((2 * Math.PI * 0.05 * i) / fs),
    );
  return {
    id: 'x',
    patientId: 'x',
    fs,
    nSamples,
    leadNames: ['a', 'b'],
    units: ['mV', 'mV'],
    signals: [lead(8, 3, 1), lead(12, -2, 4)],
    source: 'test',
  };
}

describe('preprocessRecord', () => {
  it('removes offset and wander, then z-scores every lead', () => {
    const out = preprocessRecord(record(360, 30));
    expect(out.units).toEqual(['normalised', 'normalised']);
    for (const s of out.signals) {
      const mean = s.reduce((a, v) => a + v, 0) / s.length;
      const sd = Math.sqrt(s.reduce((a, v) => a + (v - mean) ** 2, 0) / s.length);
      expect(Math.abs(mean)).toBeLessThan(1e-4);
      expect(sd).toBeCloseTo(1, 4);
      // What is left is the in-band sinusoid: a unit-variance sine has amplitude √2.
      let peak = 0;
      for (let i = 360 * 5; i < s.length - 360 * 5; i++) peak = Math.max(peak, Math.abs(s[i]));
      expect(peak).toBeCloseTo(Math.SQRT2, 1);
    }
  });

  it('follows the configured band and can resample first', () => {
    const narrow = preprocessRecord(record(360, 30), { lowHz: 0.5, highHz: 10, normalize: 'none' });
    // 12 Hz lead, amplitude 4, through filtfilt (gain |H|²) with a 10 Hz upper edge.
    const g = butterworthBandpassMagnitudeSquared(12, 360, 0.5, 10, 2);
    let peak = 0;
    const s = narrow.signals[1];
    for (let i = 360 * 5; i < s.length - 360 * 5; i++) peak = Math.max(peak, Math.abs(s[i]));
    expect(peak).toBeCloseTo(4 * g, 1);
    expect(narrow.units).toEqual(['mV', 'mV']);
    const resampled = preprocessRecord(record(250, 10), { fs: 360 });
    expect(resampled.fs).toBe(360);
    expect(resampled.nSamples).toBe(3600);
    expect(resampled.signals[0]).toHaveLength(3600);
  });
});
