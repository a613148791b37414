import { describe, expect, it } from 'vitest';
import { BeatlensError } from '../../src-main/errors';
import {
  parseSinusDatabases,
  recordDiagnoses,
  sinusRecords,
  sinusRecordSplit,
  sinusSegments,
} from '../../src-main/ecg/sinus-records';
import { dataset } from '../helpers/data';

const ludb = dataset('ludb', 'ludb.csv');
const cinc = dataset('cinc2021-sample', 'labels.csv');

describe('the patient-disjoint split', () => {
  it('LUDB: odd record numbers train, even ones test', () => {
    expect(['1', '3', '199'].map((r) => sinusRecordSplit('ludb', r))).toEqual([
      'train',
      'train',
      'train',
    ]);
    expect(['2', '110', '200'].map((r) => sinusRecordSplit('ludb', r))).toEqual([
      'test',
      'test',
      'test',
    ]);
    expect(() => sinusRecordSplit('ludb', 'x1')).toThrow(/'x1' is not a record number/);
  });

  it('CinC: a fixed hash of the record id, both sides used', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `JS2${String(i).padStart(4, '0')}`);
    const sides = ids.map((r) => sinusRecordSplit('cinc2021-sample', r));
    expect(sides).toEqual(ids.map((r) => sinusRecordSplit('cinc2021-sample', r)));
    expect(sides.filter((s) => s === 'train').length).toBeGreaterThan(10);
    expect(sides.filter((s) => s === 'test').length).toBeGreaterThan(10);
  });

  it('--extra-normal names an unknown database in one line', () => {
    expect(parseSinusDatabases('ludb, cinc2021-sample,ludb')).toEqual(['ludb', 'cinc2021-sample']);
    expect(() => parseSinusDatabases('ludb,foo')).toThrow(BeatlensError);
    expect(() => parseSinusDatabases('ludb,foo')).toThrow('--extra-normal foo: unknown database');
  });
});

describe.skipIf(!ludb.present)('LUDB sinus records', () => {
  it('reads the diagnoses: sinus without ectopy or pacing only', () => {
    const all = recordDiagnoses('ludb', ludb.dir);
    expect(all).toHaveLength(200);
    const train = sinusRecords('ludb', ludb.dir, 'train');
    const test = sinusRecords('ludb', ludb.dir, 'test');
    expect(train.every((r) => Number(r.record) % 2 === 1)).toBe(true);
    expect(test.every((r) => Number(r.record) % 2 === 0)).toBe(true);
    for (const r of [...train, ...test])
      expect(r.sinusClean && !r.pvc && !r.pac && !r.leftOut).toBe(true);
    // Every record with an extrasystole is out.
    const ectopic = all.filter((r) => r.pvc || r.pac).map((r) => r.record);
    expect(ectopic.length).toBeGreaterThan(0);
    expect(train.some((r) => ectopic.includes(r.record))).toBe(false);
  });

  it('NORMAL segments on two leads, with the 12-lead pool; test records refused', () => {
    const records = sinusRecords('ludb', ludb.dir, 'train').slice(0, 3);
    const a = sinusSegments('ludb', ludb.dir, { fs: 180, nSamples: 1000, seed: 1, records });
    expect(a.segments.length).toBeGreaterThan(0);
    expect(a.pools).toHaveLength(a.segments.length);
    for (const [i, s] of a.segments.entries()) {
      expect([s.label, s.nLeads, s.nSamples, s.fs, s.data.length]).toEqual([
        'NORMAL',
        2,
        1000,
        180,
        2000,
      ]);
      expect(s.recordId).toMatch(/^ludb:\d+$/);
      expect(s.beats.length).toBeGreaterThanOrEqual(2);
      expect(a.pools[i].length).toBe(12 * 1000);
      // The two inputs are two of the pool's leads.
      const rows = Array.from({ length: 12 }, (_, k) =>
        a.pools[i].subarray(k * 1000, (k + 1) * 1000),
      );
      for (const j of [0, 1]) {
        const lead = s.data.subarray(j * 1000, (j + 1) * 1000);
        expect(rows.some((r) => r.every((v, t) => v === lead[t]))).toBe(true);
      }
    }
    const b = sinusSegments('ludb', ludb.dir, { fs: 180, nSamples: 1000, seed: 1, records });
    expect(b.records).toEqual(a.records);
    const test = sinusRecords('ludb', ludb.dir, 'test').slice(0, 1);
    expect(() =>
      sinusSegments('ludb', ludb.dir, { fs: 180, nSamples: 1000, seed: 1, records: test }),
    ).toThrow(/is a test record/);
  });
});

describe.skipIf(!cinc.present)('CinC sample sinus records', () => {
  it('keeps NSR/SB/STach/SA with non-rhythm findings only, PVC = PAC = 0', () => {
    const all = recordDiagnoses('cinc2021-sample', cinc.dir);
    expect(all).toHaveLength(50);
    const clean = all.filter((r) => r.sinusClean).map((r) => r.record);
    expect(clean).not.toContain('JS20003'); // PVC + PAC
    expect(clean).toContain('E07502'); // STach only
    expect(clean).not.toContain('JS20000'); // PAC + STach
    expect(all.filter((r) => r.pac || r.pvc).some((r) => clean.includes(r.record))).toBe(false);
    const train = sinusRecords('cinc2021-sample', cinc.dir, 'train');
    const test = sinusRecords('cinc2021-sample', cinc.dir, 'test');
    expect(train.length + test.length).toBe(clean.length);
    expect(train.some((t) => test.some((u) => u.record === t.record))).toBe(false);
    const s = sinusSegments('cinc2021-sample', cinc.dir, {
      fs: 180,
      nSamples: 1000,
      seed: 2,
      records: train.slice(0, 2),
    });
    expect(s.segments.length).toBeGreaterThan(0);
    expect(
      s.segments.every((x) => x.label === 'NORMAL' && x.recordId.startsWith('cinc2021-sample:')),
    ).toBe(true);
  });
});
