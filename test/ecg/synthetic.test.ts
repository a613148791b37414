import { describe, expect, it } from 'vitest';
import { synthesizeDataset, synthesizeRecord } from '../../src-main/ecg/synthetic';
import type { Beat } from '../../src-main/ecg/types';

const fs = 360;
const clean = (seed: number) =>
  synthesizeRecord({
    seed,
    fs,
    durationSeconds: 60,
    pvcRate: 0.12,
    apbRate: 0.1,
    noiseMv: 0,
    wanderMv: 0,
  });

/** Full width at half maximum of |x| around sample r (samples). */
function halfMaxWidth(x: Float32Array, r: number): number {
  const half = Math.abs(x[r]) / 2;
  let lo = r;
  let hi = r;
  while (lo > 0 && Math.abs(x[lo - 1]) >= half && Math.sign(x[lo - 1]) === Math.sign(x[r])) lo--;
  while (
    hi < x.length - 1 &&
    Math.abs(x[hi + 1]) >= half &&
    Math.sign(x[hi + 1]) === Math.sign(x[r])
  )
    hi++;
  return hi - lo + 1;
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

describe('synthesizeRecord', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = synthesizeRecord({ seed: 11, pvcRate: 0.1, durationSeconds: 20 });
    const b = synthesizeRecord({ seed: 11, pvcRate: 0.1, durationSeconds: 20 });
    const c = synthesizeRecord({ seed: 12, pvcRate: 0.1, durationSeconds: 20 });
    expect(b.beats).toEqual(a.beats);
    expect(Array.from(b.record.signals[1])).toEqual(Array.from(a.record.signals[1]));
    expect(Array.from(c.record.signals[0].subarray(0, 500))).not.toEqual(
      Array.from(a.record.signals[0].subarray(0, 500)),
    );
    expect(a.record.source).toBe('synthetic:11');
  });

  it('puts the R peak (largest |lead 0| within ±50 ms) on every annotated sample', () => {
    for (const seed of [1, 2, 3]) {
      const { record, beats } = clean(seed);
      const x = record.signals[0];
      const w = Math.round(0.05 * fs);
      for (const b of beats) {
        let best = b.sample;
        for (let k = Math.max(0, b.sample - w); k < Math.min(x.length, b.sample + w); k++) {
          if (Math.abs(x[k]) > Math.abs(x[best])) best = k;
        }
        expect(best, `${b.symbol} beat at ${b.sample}`).toBe(b.sample);
      }
    }
  });

  it('annotates N, V and A with AAMI classes N, V and S', () => {
    const { beats } = clean(4);
    const kinds = new Map(beats.map((b) => [b.symbol, b.aami]));
    expect(Object.fromEntries(kinds)).toEqual({ N: 'N', V: 'V', A: 'S' });
  });

  it('makes PVC QRS complexes wider than normal ones; APB QRS stays narrow', () => {
    const widths: Record<string, number[]> = { N: [], V: [], A: [] };
    for (const seed of [5, 6]) {
      const { record, beats } = clean(seed);
      for (const b of beats) widths[b.symbol].push(halfMaxWidth(record.signals[0], b.sample));
    }
    expect(widths.V.length).toBeGreaterThan(5);
    expect(widths.A.length).toBeGreaterThan(5);
    expect(mean(widths.V)).toBeGreaterThan(2 * mean(widths.N));
    expect(Math.min(...widths.V)).toBeGreaterThan(Math.max(...widths.N));
    expect(Math.abs(mean(widths.A) - mean(widths.N))).toBeLessThan(0.3 * mean(widths.N));
  });

  it('makes ectopic beats premature; PVC pauses compensate, APB pauses do not', () => {
    const ratios: Record<'V' | 'A', { pre: number[]; sum: number[] }> = {
      V: { pre: [], sum: [] },
      A: { pre: [], sum: [] },
    };
    for (const seed of [7, 8, 9]) {
      const { beats } = clean(seed);
      const s = (i: number) => beats[i].sample;
      const sinus: number[] = [];
      beats.forEach((b: Beat, i) => {
        if (i > 0 && b.symbol === 'N' && beats[i - 1].symbol === 'N') sinus.push(s(i) - s(i - 1));
      });
      const rr = median(sinus);
      beats.forEach((b, i) => {
        if ((b.symbol === 'V' || b.symbol === 'A') && i > 0 && i + 1 < beats.length) {
          ratios[b.symbol].pre.push((s(i) - s(i - 1)) / rr);
          ratios[b.symbol].sum.push((s(i + 1) - s(i - 1)) / (2 * rr));
        }
      });
    }
    for (const k of ['V', 'A'] as const) {
      expect(Math.max(...ratios[k].pre)).toBeLessThan(0.85);
    }
    expect(Math.abs(mean(ratios.V.sum) - 1)).toBeLessThan(0.03);
    expect(mean(ratios.A.sum)).toBeLessThan(0.95);
  });

  it('never puts two ectopic beats in a row and honours explicit positions', () => {
    const { beats } = synthesizeRecord({
      seed: 3,
      durationSeconds: 20,
      abnormal: [
        { beatIndex: 3, symbol: 'V' },
        { beatIndex: 7, symbol: 'A' },
      ],
    });
    expect(
      beats
        .map((b) => b.symbol)
        .join('')
        .slice(0, 9),
    ).toBe('NNNVNNNAN');
    expect(() =>
      synthesizeRecord({
        seed: 3,
        abnormal: [
          { beatIndex: 3, symbol: 'V' },
          { beatIndex: 4, symbol: 'A' },
        ],
      }),
    ).toThrow(/consecutive/);
    expect(() =>
      synthesizeRecord({ seed: 3, durationSeconds: 5, abnormal: [{ beatIndex: 12, symbol: 'V' }] }),
    ).toThrow(/beatIndex=12 but the 5 s record has only \d+ beats/);
  });

  it('supports 12 leads at 500 Hz', () => {
    const { record } = synthesizeRecord({ seed: 1, fs: 500, nLeads: 12, durationSeconds: 10 });
    expect(record.signals).toHaveLength(12);
    expect(record.nSamples).toBe(5000);
    const spreads = record.signals.map((s) => Math.max(...s) - Math.min(...s));
    expect(new Set(spreads.map((v) => v.toFixed(3))).size).toBe(12); // leads differ
  });
});

describe('synthesizeDataset', () => {
  it('is fast, balanced and deterministic', () => {
    const t0 = performance.now();
    const ds = synthesizeDataset({ seed: 42, nSegments: 300 });
    const ms = performance.now() - t0;
    console.log(`synthesizeDataset: 300 segments (2 × 2000 @ 360 Hz) in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(5000); // ~0.2–0.4 s on an idle 2-core machine; generous for CI
    expect(ds.classes).toEqual(['APB', 'PVC']);
    expect([ds.nLeads, ds.nSamples, ds.fs]).toEqual([2, 2000, 360]);
    expect(ds.x).toHaveLength(300 * 2 * 2000);
    const nPvc = Array.from(ds.y).filter((v) => v === 1).length;
    expect(nPvc).toBe(150);
    expect(new Set(ds.meta.map((m) => m.patientId)).size).toBeGreaterThan(20);
    const again = synthesizeDataset({ seed: 42, nSegments: 300 });
    expect(Array.from(again.y)).toEqual(Array.from(ds.y));
    expect(again.x.subarray(0, 5000)).toEqual(ds.x.subarray(0, 5000));
  });

  it('labels agree with the beats, and abnormal beats sit on R peaks of the segment data', () => {
    const ds = synthesizeDataset({ seed: 3, nSegments: 40 });
    const w = Math.round(0.05 * ds.fs);
    ds.meta.forEach((m, i) => {
      expect(ds.classes[ds.y[i]]).toBe(m.label);
      const symbols = new Set(m.beats.map((b) => b.symbol));
      const abnormal = m.label === 'PVC' ? 'V' : 'A';
      expect(symbols.has(abnormal)).toBe(true);
      expect([...symbols].every((s) => s === 'N' || s === abnormal)).toBe(true);
      expect(m.length).toBeLessThanOrEqual(ds.nSamples);
      const base = i * ds.nLeads * ds.nSamples;
      for (const b of m.beats.filter((b) => b.symbol !== 'N')) {
        const lead0 = ds.x.subarray(base, base + ds.nSamples);
        let best = b.position;
        const lo = Math.max(0, b.position - w);
        const hi = Math.min(m.length, b.position + w);
        for (let k = lo; k < hi; k++) if (Math.abs(lead0[k]) > Math.abs(lead0[best])) best = k;
        expect(Math.abs(best - b.position)).toBeLessThanOrEqual(2);
      }
      // Zero padding after the real samples.
      expect(ds.x[base + ds.nSamples - 1]).toBe(
        m.length === ds.nSamples ? ds.x[base + ds.nSamples - 1] : 0,
      );
    });
  });

  it('scales the default segment length with fs and supports more leads', () => {
    const ds = synthesizeDataset({ seed: 1, nSegments: 4, fs: 500, nLeads: 12 });
    expect([ds.nLeads, ds.nSamples, ds.fs]).toEqual([12, 2778, 500]);
    expect(ds.y).toHaveLength(4);
  });
});
