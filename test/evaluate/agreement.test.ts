import { describe, expect, it } from 'vitest';
import { cohenKappa, fleissKappa, ratingCounts } from '../../src-main/evaluate/agreement';

/** Expands a 2×2 agreement table into two parallel rating lists. */
function fromTable(yy: number, yn: number, ny: number, nn: number): [string[], string[]] {
  const a: string[] = [];
  const b: string[] = [];
  const add = (n: number, x: string, y: string) => {
    for (let i = 0; i < n; i++) {
      a.push(x);
      b.push(y);
    }
  };
  add(yy, 'Y', 'Y');
  add(yn, 'Y', 'N');
  add(ny, 'N', 'Y');
  add(nn, 'N', 'N');
  return [a, b];
}

describe('cohenKappa', () => {
  it("matches the worked examples of Cohen's kappa (Wikipedia)", () => {
    // 50 proposals: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → κ = 0.4.
    expect(cohenKappa(...fromTable(20, 5, 10, 15))).toBeCloseTo(0.4, 12);
    // Same observed agreement 0.6, different marginals: κ = 0.1304 and 0.2593.
    expect(cohenKappa(...fromTable(45, 15, 25, 15))).toBeCloseTo(0.1304, 4);
    expect(cohenKappa(...fromTable(25, 35, 5, 35))).toBeCloseTo(0.2593, 4);
  });

  it('is 1 for perfect agreement and rejects unequal lengths', () => {
    expect(cohenKappa(['I', 'II', 'III'], ['I', 'II', 'III'])).toBe(1);
    expect(cohenKappa(['I', 'I'], ['I', 'I'])).toBe(1);
    expect(() => cohenKappa(['I'], ['I', 'II'])).toThrow(/1 ratings but rater b has 2/);
  });
});

describe('fleissKappa', () => {
  it("matches the worked example of Fleiss' kappa (Wikipedia: 10 items, 14 raters, κ = 0.210)", () => {
    const counts = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    expect(fleissKappa(counts)).toBeCloseTo(0.21, 3);
  });

  it("equals a Scott's-pi style value for two raters and builds counts from ratings", () => {
    const perItem = [
      ['I', 'I'],
      ['II', 'I'],
      ['III', 'III'],
      ['I', 'I'],
    ];
    const counts = ratingCounts(perItem, ['I', 'II', 'III']);
    expect(counts).toEqual([
      [2, 0, 0],
      [1, 1, 0],
      [0, 0, 2],
      [2, 0, 0],
    ]);
    // Pooled marginals: I 5/8, II 1/8, III 2/8 → pe = 30/64; po = 3/4 → κ = (48-30)/(64-30).
    expect(fleissKappa(counts)).toBeCloseTo(18 / 34, 12);
    expect(() =>
      fleissKappa([
        [2, 0],
        [1, 0],
      ]),
    ).toThrow(/item 1 has 1 ratings/);
  });
});
