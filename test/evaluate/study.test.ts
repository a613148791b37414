import { describe, expect, it } from 'vitest';
import type { Segment } from '../../src-main/ecg/types';
import {
  blindedItem,
  drawStudySample,
  gradesToCsv,
  raterOrder,
  studyItemId,
  studySummary,
  studyToJson,
  summaryToCsv,
  type StudyGrade,
} from '../../src-main/evaluate/study';

const items = [
  ...Array.from({ length: 30 }, () => ({ label: 'PVC' })),
  ...Array.from({ length: 10 }, () => ({ label: 'APB' })),
];

describe('drawStudySample', () => {
  it('draws distinct items stratified by class, reproducibly per seed', () => {
    const s = drawStudySample(items, 8, 11);
    expect(new Set(s).size).toBe(8);
    expect(s.filter((i) => items[i].label === 'PVC')).toHaveLength(6);
    expect(s.filter((i) => items[i].label === 'APB')).toHaveLength(2);
    expect(drawStudySample(items, 8, 11)).toEqual(s);
    expect(drawStudySample(items, 8, 12)).not.toEqual(s);
  });

  it('balances classes on request and rejects impossible sizes', () => {
    const s = drawStudySample(items, 16, 5, { allocation: 'balanced' });
    expect(s.filter((i) => items[i].label === 'APB')).toHaveLength(8);
    // Only 10 APB exist: the rest is refilled from PVC.
    const t = drawStudySample(items, 30, 5, { allocation: 'balanced' });
    expect(new Set(t).size).toBe(30);
    expect(t.filter((i) => items[i].label === 'APB')).toHaveLength(10);
    expect(() => drawStudySample(items, 41, 1)).toThrow(/n=41 must be an integer in 1..40/);
  });
});

describe('raterOrder', () => {
  it('is a deterministic permutation that differs between raters', () => {
    const a = raterOrder(7, 'alice', 20);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(raterOrder(7, 'alice', 20)).toEqual(a);
    expect(raterOrder(7, 'bob', 20)).not.toEqual(a);
    expect(raterOrder(8, 'alice', 20)).not.toEqual(a);
  });
});

describe('blindedItem', () => {
  const segment: Segment = {
    recordId: '207',
    patientId: 'patient-207',
    offset: 123456,
    length: 4,
    nLeads: 2,
    nSamples: 5,
    fs: 360,
    label: 'PVC',
    beats: [{ position: 2, start: 0, end: 4, symbol: 'V', aami: 'V' }],
    data: Float32Array.from([1, 2, 3, 4, 0, -1, -2, -3, -4, 0]),
  };
  const attention = Float32Array.from([0, 0.5, 1, 0.5, 0]);

  it('holds A ⊙ D and the sample rate only', () => {
    const item = blindedItem(segment, attention, { itemId: studyItemId(3, 0) });
    expect(Object.keys(item).sort()).toEqual(
      ['fs', 'itemId', 'length', 'nLeads', 'nSamples', 'signal'].sort(),
    );
    expect(Array.from(item.signal)).toEqual([0, 1, 3, 2, 0, -0, -1, -3, -2, 0]);
    const json = JSON.stringify({ ...item, signal: Array.from(item.signal) });
    for (const secret of [
      'PVC',
      '207',
      'patient',
      '123456',
      'label',
      'prob',
      'pred',
      'beats',
      'aami',
    ]) {
      expect(json).not.toContain(secret);
    }
    expect(item.itemId).toMatch(/^item-[0-9a-f]{8}$/);
  });

  it('rejects an attention map of the wrong length', () => {
    expect(() => blindedItem(segment, new Float32Array(4), { itemId: 'x' })).toThrow(
      /attention has 4 samples but the segment has 5/,
    );
  });
});

describe('studySummary', () => {
  const grades: StudyGrade[] = [
    { itemId: 'a', raterId: 'r1', grade: 'I' },
    { itemId: 'b', raterId: 'r1', grade: 'III' }, // re-graded below
    { itemId: 'c', raterId: 'r1', grade: 'II' },
    { itemId: 'b', raterId: 'r1', grade: 'II' },
    { itemId: 'a', raterId: 'r2', grade: 'I' },
    { itemId: 'b', raterId: 'r2', grade: 'I' },
    { itemId: 'c', raterId: 'r2', grade: 'II' },
    { itemId: 'd', raterId: 'r2', grade: 'III' },
  ];

  it('counts the latest grade per rater and item, with ratios and kappas', () => {
    const s = studySummary(grades);
    expect(s.nItems).toBe(4);
    expect(s.nRaters).toBe(2);
    expect(s.counts).toEqual({ I: 3, II: 3, III: 1 });
    expect(s.percent.I).toBeCloseTo((100 * 3) / 7, 12);
    expect(s.paperPercent).toEqual({ I: 50, II: 27, III: 23 });
    expect(s.perRater).toEqual([
      { raterId: 'r1', total: 3, I: 1, II: 2, III: 0 },
      { raterId: 'r2', total: 4, I: 2, II: 1, III: 1 },
    ]);
    // Shared items a,b,c: r1 = I,II,II; r2 = I,I,II → po = 2/3, pe = 1/3·2/3 + 2/3·1/3 = 4/9.
    expect(s.cohen).toHaveLength(1);
    expect(s.cohen[0].nShared).toBe(3);
    expect(s.cohen[0].kappa).toBeCloseTo((2 / 3 - 4 / 9) / (1 - 4 / 9), 12);
    // Fleiss over a,b,c: P̄ = 2/3; pooled I 3/6, II 3/6 → pe = 1/2 → κ = 1/3.
    expect(s.fleiss?.nItems).toBe(3);
    expect(s.fleiss?.kappa).toBeCloseTo(1 / 3, 12);
  });

  it('exports CSV and JSON', () => {
    const s = studySummary(grades);
    const csv = gradesToCsv([{ itemId: 'x,1', raterId: 'r "q"', grade: 'I' }]);
    expect(csv).toBe('itemId,raterId,grade,gradedAt\n"x,1","r ""q""",I,\n');
    const sum = summaryToCsv(s);
    expect(sum).toContain('rater,r1,1,2,0,3');
    expect(sum).toContain('ratio,paper %,50,27,23,');
    const parsed = JSON.parse(studyToJson(grades, s));
    expect(parsed.summary.counts).toEqual({ I: 3, II: 3, III: 1 });
    expect(parsed.grades).toHaveLength(8);
    expect(() => studySummary([{ itemId: 'a', raterId: 'r', grade: 'IV' as 'I' }])).toThrow(
      /grade 'IV'/,
    );
  });
});
