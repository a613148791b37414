/**
 * Inter-rater agreement for the grade study: Cohen's kappa (two raters) and Fleiss' kappa
 * (any fixed number of raters per item). Both take categorical labels as strings.
 */
import { BeatlensError } from '../errors';

/**
 * Cohen's kappa between two raters who rated the same items in the same order:
 * κ = (p_o − p_e) / (1 − p_e). Returns 1 when both raters agree perfectly on a single category
 * (p_e = 1) and NaN for no items.
 */
export function cohenKappa(a: readonly string[], b: readonly string[]): number {
  if (a.length !== b.length) {
    throw new BeatlensError(
      'kappa-shape',
      `cohenKappa: rater a has ${a.length} ratings but rater b has ${b.length}`,
    );
  }
  const n = a.length;
  if (n === 0) return NaN;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) agree++;
    countA.set(a[i], (countA.get(a[i]) ?? 0) + 1);
    countB.set(b[i], (countB.get(b[i]) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [cat, ca] of countA) pe += (ca / n) * ((countB.get(cat) ?? 0) / n);
  if (pe === 1) return po === 1 ? 1 : NaN;
  return (po - pe) / (1 - pe);
}

/**
 * Fleiss' kappa from a count matrix: counts[i][j] = number of raters who put item i in category
 * j; every item must have the same number of ratings (≥ 2).
 */
export function fleissKappa(counts: readonly (readonly number[])[]): number {
  const nItems = counts.length;
  if (nItems === 0) return NaN;
  const nCats = counts[0].length;
  const nRaters = counts[0].reduce((s, c) => s + c, 0);
  if (nRaters < 2) {
    throw new BeatlensError('kappa-shape', `fleissKappa: item 0 has ${nRaters} ratings, need ≥ 2`);
  }
  const pj = new Array<number>(nCats).fill(0);
  let sumPi = 0;
  counts.forEach((row, i) => {
    const total = row.reduce((s, c) => s + c, 0);
    if (row.length !== nCats || total !== nRaters) {
      throw new BeatlensError(
        'kappa-shape',
        `fleissKappa: item ${i} has ${total} ratings in ${row.length} categories; expected ${nRaters} in ${nCats}`,
      );
    }
    let sq = 0;
    row.forEach((c, j) => {
      pj[j] += c;
      sq += c * c;
    });
    sumPi += (sq - nRaters) / (nRaters * (nRaters - 1));
  });
  const pBar = sumPi / nItems;
  const peBar = pj.reduce((s, c) => s + (c / (nItems * nRaters)) ** 2, 0);
  if (peBar === 1) return pBar === 1 ? 1 : NaN;
  return (pBar - peBar) / (1 - peBar);
}

/** Builds Fleiss' count matrix from per-item rating lists over the given categories. */
export function ratingCounts(
  ratingsPerItem: readonly (readonly string[])[],
  categories: readonly string[],
): number[][] {
  return ratingsPerItem.map((ratings) =>
    categories.map((c) => ratings.filter((r) => r === c).length),
  );
}
