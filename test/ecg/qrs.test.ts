import { describe, expect, it } from 'vitest';
import { readBeats } from '../../src-main/ecg/wfdb/annotations';
import { readWfdbRecord } from '../../src-main/ecg/wfdb/record';
import { detectQrs, implausibleRrFraction } from '../../src-main/ecg/qrs';
import { matchBeats } from '../../src-main/evaluate/beat-match';
import { createRng } from '../../src-main/random';
import { dataset } from '../helpers/data';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';

const sample = dataset('wfdb-sample-data', '100.atr');

describe('detectQrs', () => {
  it('finds spikes of a synthetic train with varying RR and noise', () => {
    const fs = 360;
    const rng = createRng(1);
    const n = fs * 20;
    const x = new Float32Array(n);
    const truth: number[] = [];
    for (let p = 200; p < n - 200; p += Math.round(fs * (0.6 + 0.5 * rng.next()))) truth.push(p);
    for (let i = 0; i < n; i++)
      x[i] = 0.05 * rng.normal() + 0.2 * Math.sin((2 * Math.PI * i) / (fs * 4));
    for (const p of truth) {
      for (let k = -10; k <= 10; k++) x[p + k] += Math.exp(-(k * k) / 18); // ~25 ms wide R wave
      for (let k = -40; k <= 40; k++) x[p + 90 + k] += 0.25 * Math.exp(-(k * k) / 400); // T wave
    }
    const m = matchBeats(detectQrs(x, fs), truth, Math.round(0.05 * fs));
    expect(m.sensitivity).toBe(1);
    expect(m.positivePredictivity).toBe(1);
  });

  it.skipIf(!sample.present)(
    'detects MIT-BIH record 100 beats with sensitivity ≥ 0.95 within 50 ms',
    () => {
      const path = `${sample.dir}/100`;
      const rec = readWfdbRecord(path);
      const ref = readBeats(path).map((b) => b.sample);
      const m = matchBeats(detectQrs(rec.signals[0], rec.fs), ref, Math.round(0.05 * rec.fs));
      expect(m.sensitivity).toBeGreaterThanOrEqual(0.95);
      expect(m.positivePredictivity).toBeGreaterThanOrEqual(0.95);
    },
  );

  it('rejects a signal shorter than a second', () => {
    expect(() => detectQrs(new Float32Array(100), 360)).toThrow(/need at least 1 s/);
  });
});

describe('detectQrs on several leads', () => {
  const { record } = synthesizeRecord({ seed: 11, durationSeconds: 30, pvcRate: 0.05 });
  const fs = record.fs;
  const lead = record.signals[0];

  it('one lead in a list is the lead alone; a flat second lead changes nothing', () => {
    const alone = detectQrs(lead, fs);
    expect(alone.length).toBeGreaterThan(20);
    expect(detectQrs([lead], fs)).toEqual(alone);
    expect(detectQrs([lead, new Float32Array(lead.length)], fs)).toEqual(alone);
  });

  it('finds the beats from two leads when one of them has lost most of its QRS', () => {
    // The second lead: the first at a thousandth of its gain buried in noise (a V1 with tiny QRS).
    const rng = createRng(3);
    const weak = lead.map((v) => 0.001 * v + 0.05 * rng.normal());
    const both = detectQrs([weak, lead], fs);
    const alone = detectQrs(lead, fs);
    const near = (a: number[], b: number[]): number =>
      a.filter((x) => b.some((y) => Math.abs(x - y) <= 0.05 * fs)).length;
    expect(near(both, alone)).toBeGreaterThanOrEqual(alone.length - 1);
  });

  it('refuses leads of different lengths in one line', () => {
    expect(() => detectQrs([lead, lead.subarray(1)], fs)).toThrow(/leads of different lengths/);
  });
});

describe('implausibleRrFraction', () => {
  it('counts intervals that look like a missed or an extra beat, against the local median', () => {
    const regular = Array.from({ length: 40 }, (_, i) => i * 300);
    expect(implausibleRrFraction(regular)).toBe(0);
    const missed = regular.filter((_, i) => i !== 20); // one 600-sample interval
    expect(implausibleRrFraction(missed)).toBeCloseTo(1 / 38, 9);
    const extra = [...regular, 20 * 300 + 150].sort((a, b) => a - b); // 150 + 150
    expect(implausibleRrFraction(extra)).toBeCloseTo(2 / 40, 9);
    // A gradual rate change is not implausible.
    const slowing: number[] = [0];
    for (let i = 1; i < 60; i++) slowing.push(slowing[i - 1] + 250 + 5 * i);
    expect(implausibleRrFraction(slowing)).toBe(0);
    expect(implausibleRrFraction([5])).toBe(0);
  });
});
