import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DS1_RECORDS,
  DS2_RECORDS,
  groupedStratifiedKFold,
  innerValidationSplit,
  interPatientSplit,
  stratifiedKFold,
  type Fold,
} from '../../src-main/train/splitters';

function expectPartition(folds: Fold[], n: number): void {
  const seen = new Array<number>(n).fill(0);
  for (const f of folds) {
    for (const i of f.test) seen[i]++;
    expect(f.train.length + f.test.length).toBe(n);
    const test = new Set(f.test);
    for (const i of f.train) expect(test.has(i)).toBe(false);
  }
  expect(seen.every((c) => c === 1)).toBe(true);
}

describe('stratifiedKFold', () => {
  it('partitions the data, keeps class counts per fold within one and is seeded', () => {
    const labels = [...new Array(83).fill(0), ...new Array(17).fill(1)];
    const folds = stratifiedKFold(labels, 5, 1);
    expectPartition(folds, labels.length);
    for (const f of folds) {
      const n1 = f.test.filter((i) => labels[i] === 1).length;
      expect(n1 === 3 || n1 === 4).toBe(true);
      expect(f.test.length === 20).toBe(true);
    }
    expect(stratifiedKFold(labels, 5, 1)).toEqual(folds);
    expect(stratifiedKFold(labels, 5, 2)).not.toEqual(folds);
  });
  it('rejects k < 2 or k > n', () => {
    expect(() => stratifiedKFold([0, 1], 1, 0)).toThrow(/k=1/);
    expect(() => stratifiedKFold([0, 1], 3, 0)).toThrow(/only 2 samples/);
  });
});

describe('groupedStratifiedKFold', () => {
  it('never puts one patient in two folds and keeps the partition (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 2 })), {
          minLength: 12,
          maxLength: 120,
        }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer(),
        (rows, k, seed) => {
          const groups = rows.map((r) => `p${r[0]}`);
          const labels = rows.map((r) => r[1]);
          fc.pre(new Set(groups).size >= k);
          const folds = groupedStratifiedKFold(labels, groups, k, seed);
          expectPartition(folds, rows.length);
          const foldOf = new Map<string, number>();
          folds.forEach((f, fi) =>
            f.test.forEach((i) => {
              const prev = foldOf.get(groups[i]);
              expect(prev === undefined || prev === fi).toBe(true);
              foldOf.set(groups[i], fi);
            }),
          );
        },
      ),
      { numRuns: 150, seed: 11 },
    );
  });
  it('keeps the class balance approximately with many small patients', () => {
    // 60 patients, each 2..8 segments, ~25% patients mostly APB
    const labels: number[] = [];
    const groups: string[] = [];
    for (let p = 0; p < 60; p++) {
      const n = 2 + (p % 7);
      for (let j = 0; j < n; j++) {
        labels.push(p % 4 === 0 ? (j % 3 === 0 ? 0 : 1) : j % 5 === 0 ? 1 : 0);
        groups.push(`p${p}`);
      }
    }
    const overall = labels.filter((y) => y === 1).length / labels.length;
    const folds = groupedStratifiedKFold(labels, groups, 5, 3);
    for (const f of folds) {
      const share = f.test.filter((i) => labels[i] === 1).length / f.test.length;
      expect(Math.abs(share - overall)).toBeLessThan(0.08);
      expect(f.test.length).toBeGreaterThan(labels.length / 5 / 2);
    }
  });
  it('fails clearly when there are fewer patients than folds', () => {
    expect(() => groupedStratifiedKFold([0, 1, 0], ['a', 'a', 'b'], 3, 0)).toThrow(/only 2 groups/);
  });
});

describe('interPatientSplit', () => {
  it('uses the 22 + 22 de Chazal records, disjoint', () => {
    expect(DS1_RECORDS).toHaveLength(22);
    expect(DS2_RECORDS).toHaveLength(22);
    expect(DS1_RECORDS.filter((r) => DS2_RECORDS.includes(r))).toEqual([]);
    const ids = ['101', '100', '102', '234', '230'];
    expect(interPatientSplit(ids)).toEqual({ train: [0, 4], test: [1, 3] });
    expect(() => interPatientSplit(['100'])).toThrow(/0 DS1/);
  });
});

describe('innerValidationSplit', () => {
  it('takes validation from the training folds only, never the test fold', () => {
    const labels = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const groups = labels.map((_, i) => `p${i % 23}`);
    for (const g of [undefined, groups]) {
      const folds = g ? groupedStratifiedKFold(labels, g, 5, 4) : stratifiedKFold(labels, 5, 4);
      for (const f of folds) {
        const { train, val } = innerValidationSplit(f.train, labels, 0.2, 9, g);
        const test = new Set(f.test);
        const trainSet = new Set(f.train);
        expect(val.length).toBeGreaterThan(0);
        expect(val.some((i) => test.has(i))).toBe(false);
        expect(train.some((i) => test.has(i))).toBe(false);
        expect(val.every((i) => trainSet.has(i))).toBe(true);
        expect([...train, ...val].sort((a, b) => a - b)).toEqual(f.train);
        expect(new Set(val.map((i) => labels[i])).size).toBe(2);
        if (g) {
          const valPatients = new Set(val.map((i) => g[i]));
          expect(train.some((i) => valPatients.has(g[i]))).toBe(false);
        }
      }
    }
  });
});
