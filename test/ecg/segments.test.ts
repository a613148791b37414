import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  beatBoundaries,
  buildSegments,
  segmentRecord,
  segmentsToDataset,
  TASK_RULES,
} from '../../src-main/ecg/segments';
import type { AamiClass, Beat, EcgRecord } from '../../src-main/ecg/types';
import { BeatlensError } from '../../src-main/errors';

const AAMI: Record<string, AamiClass> = { N: 'N', L: 'N', V: 'V', A: 'S', '/': 'Q' };

/** A record whose sample i of lead l holds i + 100000·l, so copied windows are checkable. */
function rampRecord(nSamples: number, nLeads = 2): EcgRecord {
  return {
    id: 'r1',
    patientId: 'p1',
    fs: 360,
    nSamples,
    leadNames: Array.from({ length: nLeads }, (_, l) => `L${l}`),
    units: Array.from({ length: nLeads }, () => 'mV'),
    signals: Array.from({ length: nLeads }, (_, l) =>
      Float32Array.from({ length: nSamples }, (_, i) => i + 100000 * l),
    ),
    source: 'test',
  };
}

/** Beats every `rr` samples from `first`, symbols from the string (one character per beat). */
function beatsOf(symbols: string, first: number, rr: number): Beat[] {
  return [...symbols].map((s, i) => ({ sample: first + i * rr, symbol: s, aami: AAMI[s] }));
}

describe('beatBoundaries', () => {
  it('puts boundaries halfway between R peaks and half an RR outside the ends', () => {
    const { start, end } = beatBoundaries([100, 300, 600, 700], 10000);
    expect(start).toEqual([0, 200, 450, 650]);
    expect(end).toEqual([200, 450, 650, 750]);
    const clamped = beatBoundaries([50, 400, 990], 1000);
    expect(clamped.start[0]).toBe(0); // 50 − 175 clamped
    expect(clamped.end[2]).toBe(1000); // 990 + 295 clamped
  });
});

describe('buildSegments', () => {
  it('accumulates beats until the next would exceed maxSamples and zero-pads', () => {
    // RR = 300: each beat spans 300 samples, so 6 beats (1800) fit in 2000 and a 7th (2100) does not.
    const symbols = 'NNVNNN' + 'NNANNN' + 'NNNNNN' + 'NVNAN';
    const record = rampRecord(10000);
    const report = segmentRecord(record, beatsOf(symbols, 150, 300), {
      maxSamples: 2000,
      task: 'pvc-apb',
    });
    expect(report.nBeats).toBe(23);
    expect(report.nCandidates).toBe(4);
    expect(report.counts).toEqual({ APB: 1, PVC: 1 });
    expect(report.nDiscarded).toBe(2); // all-normal and mixed V+A
    expect(report.nAllNormal).toBe(1);
    const [pvc, apb] = report.segments;
    expect(pvc.label).toBe('PVC');
    expect(pvc.offset).toBe(0);
    expect(pvc.length).toBe(1800);
    expect(pvc.beats.map((b) => b.position)).toEqual([150, 450, 750, 1050, 1350, 1650]);
    expect(pvc.beats[2]).toEqual({ position: 750, start: 600, end: 900, symbol: 'V', aami: 'V' });
    expect(apb.label).toBe('APB');
    expect(apb.offset).toBe(1800);
    expect(apb.recordId).toBe('r1');
    expect(apb.patientId).toBe('p1');
    // Data: the record window, then zero padding, per lead.
    for (const seg of [pvc, apb]) {
      expect(seg.data).toHaveLength(2 * 2000);
      for (let l = 0; l < 2; l++) {
        for (let i = 0; i < 2000; i++) {
          const v = seg.data[l * 2000 + i];
          expect(v).toBe(i < seg.length ? seg.offset + i + 100000 * l : 0);
        }
      }
    }
  });

  it('uses symbol-level N by default and AAMI-N when asked', () => {
    const record = rampRecord(4000);
    const beats = beatsOf('NLNVN', 150, 300);
    expect(buildSegments(record, beats, { maxSamples: 2000, task: 'pvc-apb' })).toHaveLength(0);
    const aami = buildSegments(record, beats, {
      maxSamples: 2000,
      task: 'pvc-apb',
      normal: 'aami',
    });
    expect(aami.map((s) => s.label)).toEqual(['PVC']);
  });

  it('discards segments with other beat types (e.g. paced)', () => {
    const r = segmentRecord(rampRecord(4000), beatsOf('NN/VN', 150, 300), {
      maxSamples: 2000,
      task: 'pvc-apb',
    });
    expect(r.segments).toHaveLength(0);
    expect(r.nDiscarded).toBe(1);
    expect(r.nAllNormal).toBe(0);
  });

  it('breaks the walk at a beat longer than maxSamples', () => {
    // Beats at 150, 450, 3000, 3300, 3600: the beats at 450 and 3000 span [300, 1725) and
    // [1725, 3150), 1425 samples each, more than maxSamples = 1000 on their own.
    const beats = [150, 450, 3000, 3300, 3600].map((sample, i) => ({
      sample,
      symbol: i === 3 ? 'V' : 'N',
      aami: (i === 3 ? 'V' : 'N') as AamiClass,
    }));
    const r = segmentRecord(rampRecord(5000), beats, { maxSamples: 1000, task: 'pvc-apb' });
    expect(r.nBeatsTooLong).toBe(2);
    expect(r.segments.map((s) => [s.offset, s.length, s.label])).toEqual([[3150, 600, 'PVC']]);
  });

  it('labels the origin task with the per-record label and requires it', () => {
    const record = rampRecord(4000);
    const beats = beatsOf('NNVNN', 150, 300);
    const segs = buildSegments(record, beats, {
      maxSamples: 2000,
      task: 'pvc-origin',
      recordLabel: 'RVOT',
    });
    expect(segs.map((s) => s.label)).toEqual(['RVOT']);
    expect(TASK_RULES['pvc-origin'].classes).toEqual(['LVOT', 'RVOT']);
    expect(() => buildSegments(record, beats, { maxSamples: 2000, task: 'pvc-origin' })).toThrow(
      /record r1: task pvc-origin needs a per-record origin label/,
    );
  });

  it('accepts a custom rule from the table shape', () => {
    const segs = buildSegments(rampRecord(4000), beatsOf('NNNNN', 150, 300), {
      maxSamples: 2000,
      task: { name: 'any', classes: ['ANY'], label: () => 'ANY' },
    });
    expect(segs.map((s) => s.label)).toEqual(['ANY']);
  });

  it('rejects a bad maxSamples', () => {
    expect(() => buildSegments(rampRecord(100), [], { maxSamples: 0.5, task: 'pvc-apb' })).toThrow(
      BeatlensError,
    );
  });

  it('keeps invariants for random RR sequences (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 60, max: 900 }), { minLength: 2, maxLength: 60 }),
        fc.array(fc.constantFrom('N', 'N', 'N', 'V', 'A', 'L'), { minLength: 60, maxLength: 60 }),
        (rrs, symbols) => {
          const samples = rrs.reduce<number[]>((acc, rr) => [...acc, (acc.at(-1) ?? 0) + rr], []);
          const beats = samples.map((sample, i) => ({
            sample,
            symbol: symbols[i],
            aami: AAMI[symbols[i]],
          }));
          const nSamples = samples.at(-1)! + 500;
          const r = segmentRecord(rampRecord(nSamples, 1), beats, {
            maxSamples: 1500,
            task: { name: 'all', classes: ['X'], label: () => 'X' },
          });
          expect(r.nCandidates).toBe(r.segments.length);
          let walked = r.nBeatsTooLong;
          let prevEnd = -1;
          for (const s of r.segments) {
            expect(s.length).toBeLessThanOrEqual(1500);
            expect(s.offset).toBeGreaterThanOrEqual(prevEnd);
            prevEnd = s.offset + s.length;
            expect(s.beats[0].start).toBe(0);
            expect(s.beats.at(-1)!.end).toBe(s.length);
            s.beats.forEach((b, i) => {
              expect(b.position).toBeGreaterThanOrEqual(b.start);
              expect(b.position).toBeLessThan(b.end);
              if (i > 0) expect(b.start).toBe(s.beats[i - 1].end);
            });
            walked += s.beats.length;
          }
          expect(walked).toBe(beats.length);
          // The builder is greedy: the next segment's first beat would not have fit.
          for (let i = 0; i + 1 < r.segments.length; i++) {
            const a = r.segments[i];
            const b = r.segments[i + 1];
            if (b.offset === a.offset + a.length) {
              expect(a.length + b.beats[0].end - b.beats[0].start).toBeGreaterThan(1500);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('segmentsToDataset', () => {
  const record = rampRecord(10000);
  const segs = buildSegments(record, beatsOf('NNVNNN' + 'NNANNN' + 'NANNNN', 150, 300), {
    maxSamples: 2000,
    task: 'pvc-apb',
  });

  it('packs x as (n × nLeads × nSamples) and y as class indices', () => {
    const ds = segmentsToDataset(segs, ['APB', 'PVC']);
    expect(ds.nLeads).toBe(2);
    expect(ds.nSamples).toBe(2000);
    expect(ds.fs).toBe(360);
    expect(Array.from(ds.y)).toEqual([1, 0, 0]);
    expect(ds.x).toHaveLength(3 * 2 * 2000);
    expect(ds.x[1 * 4000 + 2000 + 5]).toBe(segs[1].data[2000 + 5]);
    expect(ds.meta[2]).toMatchObject({
      recordId: 'r1',
      patientId: 'p1',
      offset: 3600,
      label: 'APB',
    });
    expect(ds.meta[0].beats[2].symbol).toBe('V');
  });

  it('rejects unknown labels and mixed shapes', () => {
    expect(() => segmentsToDataset(segs, ['PVC'])).toThrow(
      /label 'APB' is not one of the classes \[PVC\]/,
    );
    const odd = { ...segs[1], nSamples: 1000, data: new Float32Array(2000) };
    expect(() => segmentsToDataset([segs[0], odd], ['APB', 'PVC'])).toThrow(
      /2 leads × 1000 samples/,
    );
  });
});
