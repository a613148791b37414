import { describe, expect, it } from 'vitest';
import { readBeats } from '../../src-main/ecg/wfdb/annotations';
import { readWfdbRecord } from '../../src-main/ecg/wfdb/record';
import { detectQrs } from '../../src-main/ecg/qrs';
import { matchBeats } from '../../src-main/evaluate/beat-match';
import { createRng } from '../../src-main/random';
import { dataset } from '../helpers/data';

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
