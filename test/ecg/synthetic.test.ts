import { describe, expect, it } from 'vitest';
import { STANDARD_12_LEADS, STANDARD_12_LEAD_VECTORS } from '../../src-main/ecg/leads';
import {
  outflowPvcAxis,
  synthesizeDataset,
  synthesizeRecord,
  synthesizeStudy,
  type Vec3,
} from '../../src-main/ecg/synthetic';
import type { Beat, EcgRecord } from '../../src-main/ecg/types';
import { createRng } from '../../src-main/random';

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

describe('synthesizeStudy', () => {
  it('returns the records behind synthesizeDataset, and its segments are the dataset', () => {
    const opts = { seed: 8, nSegments: 9, nSamples: 900 };
    const study = synthesizeStudy(opts);
    const ds = synthesizeDataset(opts);
    expect(study.classes).toEqual(ds.classes);
    expect(study.segments.map((s) => s.label)).toEqual(ds.meta.map((m) => m.label));
    const per = ds.nLeads * ds.nSamples;
    study.segments.forEach((s, i) => expect(s.data).toEqual(ds.x.subarray(i * per, (i + 1) * per)));
    const byId = new Map(study.records.map((r) => [r.record.id, r]));
    expect(byId.size).toBe(study.records.length);
    for (const s of study.segments) {
      const r = byId.get(s.recordId);
      expect(r, s.recordId).toBeDefined();
      // Each record holds only one kind of abnormal beat: the one of its label.
      expect(r!.label).toBe(s.label);
      const abnormal = new Set(r!.beats.filter((b) => b.symbol !== 'N').map((b) => b.symbol));
      expect([...abnormal]).toEqual([s.label === 'PVC' ? 'V' : 'A']);
      // Segment beats are the record's beats, shifted by the offset.
      for (const b of s.beats) {
        expect(
          r!.beats.some((x) => x.sample === b.position + s.offset && x.symbol === b.symbol),
        ).toBe(true);
      }
    }
    // Every record returned gave at least one segment; records stay raw (mV, not z-scored).
    for (const r of study.records) {
      expect(study.segments.some((s) => s.recordId === r.record.id)).toBe(true);
      expect(r.record.units[0]).toBe('mV');
    }
  });

  it('refuses an unknown task and a pvc-origin study with other than 12 leads', () => {
    expect(() =>
      synthesizeStudy({ seed: 1, nSegments: 2, task: 'afib' as unknown as 'pvc-apb' }),
    ).toThrow(/unknown task 'afib'/);
    expect(() => synthesizeStudy({ seed: 1, nSegments: 2, task: 'pvc-origin', nLeads: 2 })).toThrow(
      /12 leads, not nLeads=2/,
    );
  });
});

/** The six precordial leads' indices in the standard order. */
const PRECORDIAL = [6, 7, 8, 9, 10, 11];

/**
 * The precordial R/S transition of one beat: the first of V1–V6 (1–6; 7 = none) whose QRS
 * (±50 ms around the fiducial) reaches further above than below the baseline, the baseline being
 * the mean of the samples 100 ms before and after (where the QRS has died out).
 */
function transitionLead(record: EcgRecord, sample: number): number {
  const w = Math.round(0.05 * record.fs);
  const b = Math.round(0.1 * record.fs);
  for (let v = 0; v < 6; v++) {
    const x = record.signals[PRECORDIAL[v]];
    const base = (x[sample - b] + x[sample + b]) / 2;
    let up = 0;
    let down = 0;
    for (let k = sample - w; k <= sample + w; k++) {
      up = Math.max(up, x[k] - base);
      down = Math.max(down, base - x[k]);
    }
    if (up >= down) return v + 1;
  }
  return 7;
}

/** Median transition lead over a record's PVCs (one focus per record). */
function recordTransition(record: EcgRecord, beats: Beat[]): number {
  const b = Math.round(0.1 * record.fs);
  const t = beats
    .filter((x) => x.symbol === 'V' && x.sample >= b && x.sample + b < record.nSamples)
    .map((x) => transitionLead(record, x.sample))
    .sort((p, q) => p - q);
  return t[t.length >> 1];
}

describe('12-lead PVC-origin study', () => {
  it('draws outflow-tract axes whose precordial transition separates the origins', () => {
    // Model level: the sign of the axis projected on each precordial lead vector.
    const rng = createRng(77);
    const transition = (v: Vec3) => {
      const k = PRECORDIAL.findIndex((l) => {
        const d = STANDARD_12_LEAD_VECTORS[STANDARD_12_LEADS[l]];
        return d[0] * v[0] + d[1] * v[1] + d[2] * v[2] > 0;
      });
      return k < 0 ? 7 : k + 1;
    };
    const seen = { LVOT: new Set<number>(), RVOT: new Set<number>() };
    for (let i = 0; i < 500; i++) {
      for (const o of ['LVOT', 'RVOT'] as const) {
        const axis = outflowPvcAxis(o, rng);
        seen[o].add(transition(axis));
        expect(axis[1], 'inferior axis').toBeGreaterThan(0.8);
      }
    }
    expect([...seen.LVOT].sort()).toEqual([2, 3]);
    expect([...seen.RVOT].sort()).toEqual([4, 5]);
  });

  it('is deterministic and shaped like the paper set: 12 leads × 5000 samples at 500 Hz', () => {
    const t0 = performance.now();
    const a = synthesizeStudy({ seed: 4, nSegments: 6, task: 'pvc-origin' });
    const ms = performance.now() - t0;
    console.log(
      `synthesizeStudy pvc-origin: 6 segments (12 × 5000 @ 500 Hz) in ${ms.toFixed(0)} ms`,
    );
    const b = synthesizeStudy({ seed: 4, nSegments: 6, task: 'pvc-origin' });
    expect(a.classes).toEqual(['LVOT', 'RVOT']);
    expect([a.fs, a.nLeads, a.nSamples]).toEqual([500, 12, 5000]);
    expect(a.segments.map((s) => s.label).sort()).toEqual([
      'LVOT',
      'LVOT',
      'LVOT',
      'RVOT',
      'RVOT',
      'RVOT',
    ]);
    for (const s of a.segments) {
      expect([s.nLeads, s.nSamples, s.fs, s.data.length]).toEqual([12, 5000, 500, 60000]);
      // The rule kept only normal beats plus at least one PVC.
      expect(s.beats.some((x) => x.symbol === 'V')).toBe(true);
      expect(s.beats.every((x) => x.symbol === 'N' || x.symbol === 'V')).toBe(true);
    }
    expect(a.records[0].record.leadNames).toEqual([...STANDARD_12_LEADS]);
    expect(b.segments.map((s) => [s.recordId, s.offset])).toEqual(
      a.segments.map((s) => [s.recordId, s.offset]),
    );
    expect(b.segments[0].data).toEqual(a.segments[0].data);
    const c = synthesizeStudy({ seed: 5, nSegments: 6, task: 'pvc-origin' });
    expect(c.segments[0].data).not.toEqual(a.segments[0].data);
    const ds = synthesizeDataset({ seed: 4, nSegments: 6, task: 'pvc-origin' });
    expect([ds.nLeads, ds.nSamples, ds.fs, ds.classes]).toEqual([12, 5000, 500, ['LVOT', 'RVOT']]);
  });

  it('puts the transition at V2–V3 for LVOT and V4 or later for RVOT, with an inferior axis', () => {
    const study = synthesizeStudy({ seed: 21, nSegments: 16, task: 'pvc-origin' });
    const byClass: Record<string, number[]> = { LVOT: [], RVOT: [] };
    for (const { record, beats, label } of study.records) {
      byClass[label].push(recordTransition(record, beats));
      // Outflow-tract PVCs: positive in II, III and aVF, negative in aVR.
      for (const b of beats.filter((x) => x.symbol === 'V').slice(0, 3)) {
        const at = (lead: string) =>
          record.signals[STANDARD_12_LEADS.indexOf(lead as 'I')][b.sample];
        expect(at('II')).toBeGreaterThan(0);
        expect(at('III')).toBeGreaterThan(0);
        expect(at('aVF')).toBeGreaterThan(0);
        expect(at('aVR')).toBeLessThan(0);
      }
    }
    expect(byClass.LVOT.length).toBeGreaterThanOrEqual(2);
    expect(byClass.RVOT.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...byClass.LVOT)).toBeLessThanOrEqual(3);
    expect(Math.min(...byClass.RVOT)).toBeGreaterThanOrEqual(4);
  });

  it('keeps the default lead system unless asked, and checks the 12-lead options', () => {
    const def = synthesizeRecord({ seed: 2, fs: 500, nLeads: 12, durationSeconds: 5 });
    expect(def.record.leadNames.slice(0, 3)).toEqual(['MLII', 'V1', 'L2']);
    const std = synthesizeRecord({
      seed: 2,
      fs: 500,
      leadSystem: 'standard-12',
      durationSeconds: 5,
    });
    expect(std.record.leadNames).toEqual([...STANDARD_12_LEADS]);
    expect(() =>
      synthesizeRecord({ seed: 2, leadSystem: 'standard-12', nLeads: 2, durationSeconds: 5 }),
    ).toThrow(/standard-12' has 12 leads but nLeads=2/);
  });
});
