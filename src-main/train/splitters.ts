/**
 * Cross-validation splitters, scikit-learn style: they see only labels (and groups), return index
 * lists, and are reproducible from a seed.
 *
 * - `stratifiedKFold`: the paper's protocol — segments dealt to folds class by class so every fold
 *   keeps the class ratio (segments of one patient may land in several folds).
 * - `groupedStratifiedKFold`: patient-wise — whole groups (patients) go to one fold, chosen
 *   greedily to keep class ratios close (the StratifiedGroupKFold heuristic of scikit-learn).
 * - `interPatientSplit`: the fixed MIT-BIH DS1 → DS2 record split of de Chazal et al. (2004).
 * - `innerValidationSplit`: the validation set for early stopping / model selection, carved from
 *   a fold's *training* indices only, so the test fold is never looked at.
 */
import { BeatlensError } from '../errors';
import { createRng } from '../random';

export interface Fold {
  /** Indices used for training (and the inner validation split). */
  train: number[];
  /** Held-out indices, scored once at the end. */
  test: number[];
}

function validateK(k: number, nItems: number, what: string): void {
  if (!Number.isInteger(k) || k < 2) {
    throw new BeatlensError('split-config', `k=${k} folds: need an integer >= 2`);
  }
  if (k > nItems) {
    throw new BeatlensError('split-config', `k=${k} folds but only ${nItems} ${what}`);
  }
}

function foldsFromAssignment(assign: Int32Array, k: number): Fold[] {
  const folds: Fold[] = Array.from({ length: k }, () => ({ train: [], test: [] }));
  for (let i = 0; i < assign.length; i++) {
    for (let f = 0; f < k; f++) (f === assign[i] ? folds[f].test : folds[f].train).push(i);
  }
  return folds;
}

function indicesByClass(labels: ArrayLike<number>): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  return new Map([...byClass.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * k folds stratified by class: each class's indices are shuffled and dealt round-robin, the
 * dealing continuing across classes so fold sizes differ by at most one.
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): Fold[] {
  validateK(k, labels.length, 'samples');
  const rng = createRng(seed);
  const assign = new Int32Array(labels.length);
  let next = 0;
  for (const idx of indicesByClass(labels).values()) {
    for (const i of rng.shuffle([...idx])) {
      assign[i] = next;
      next = (next + 1) % k;
    }
  }
  return foldsFromAssignment(assign, k);
}

/**
 * k folds with no group in two folds, stratified approximately. Groups are shuffled (seed), then
 * taken largest first (stable for equal sizes) and each is put in the fold that minimises the
 * spread of per-class fold shares after adding it (ties: the smaller fold). This is
 * scikit-learn's StratifiedGroupKFold heuristic with size ordering in place of its std ordering.
 */
export function groupedStratifiedKFold(
  labels: ArrayLike<number>,
  groups: ArrayLike<string | number>,
  k: number,
  seed: number,
): Fold[] {
  if (groups.length !== labels.length) {
    throw new BeatlensError(
      'split-config',
      `groups has ${groups.length} entries but labels has ${labels.length}`,
    );
  }
  const classIds = [...indicesByClass(labels).keys()];
  const classPos = new Map(classIds.map((c, i) => [c, i]));
  const nC = classIds.length;
  const groupMembers = new Map<string, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const g = String(groups[i]);
    const list = groupMembers.get(g) ?? [];
    list.push(i);
    groupMembers.set(g, list);
  }
  validateK(k, groupMembers.size, 'groups (patients)');
  const classTotals = new Array<number>(nC).fill(0);
  for (let i = 0; i < labels.length; i++) classTotals[classPos.get(labels[i])!]++;

  const rng = createRng(seed);
  const names = rng.shuffle([...groupMembers.keys()].sort());
  const order = names
    .map((name, rank) => ({ name, rank, size: groupMembers.get(name)!.length }))
    .sort((a, b) => b.size - a.size || a.rank - b.rank);

  const foldCounts = Array.from({ length: k }, () => new Array<number>(nC).fill(0));
  const foldSizes = new Array<number>(k).fill(0);
  const assign = new Int32Array(labels.length);
  for (const { name } of order) {
    const members = groupMembers.get(name)!;
    const counts = new Array<number>(nC).fill(0);
    for (const i of members) counts[classPos.get(labels[i])!]++;
    let best = -1;
    let bestSpread = Infinity;
    for (let f = 0; f < k; f++) {
      const spread = shareSpread(foldCounts, classTotals, f, counts);
      const better =
        spread < bestSpread - 1e-12 ||
        (Math.abs(spread - bestSpread) <= 1e-12 && foldSizes[f] < foldSizes[best]);
      if (better) {
        best = f;
        bestSpread = spread;
      }
    }
    for (let c = 0; c < nC; c++) foldCounts[best][c] += counts[c];
    foldSizes[best] += members.length;
    for (const i of members) assign[i] = best;
  }
  return foldsFromAssignment(assign, k);
}

/** Mean over classes of the std over folds of the class's share per fold, if `add` joins fold f. */
function shareSpread(
  foldCounts: number[][],
  classTotals: number[],
  f: number,
  add: number[],
): number {
  const k = foldCounts.length;
  let total = 0;
  for (let c = 0; c < classTotals.length; c++) {
    let mean = 0;
    const shares: number[] = [];
    for (let g = 0; g < k; g++) {
      const v = (foldCounts[g][c] + (g === f ? add[c] : 0)) / classTotals[c];
      shares.push(v);
      mean += v / k;
    }
    total += Math.sqrt(shares.reduce((a, v) => a + (v - mean) ** 2, 0) / k);
  }
  return total / classTotals.length;
}

/** de Chazal et al. (2004) DS1: training records (paced records 102, 104, 107, 217 excluded). */
export const DS1_RECORDS = [
  '101', '106', '108', '109', '112', '114', '115', '116', '118', '119', '122',
  '124', '201', '203', '205', '207', '208', '209', '215', '220', '223', '230',
]; // prettier-ignore

/** de Chazal et al. (2004) DS2: test records. */
export const DS2_RECORDS = [
  '100', '103', '105', '111', '113', '117', '121', '123', '200', '202', '210',
  '212', '213', '214', '219', '221', '222', '228', '231', '232', '233', '234',
]; // prettier-ignore

/**
 * The inter-patient MIT-BIH split: train on DS1 records, test on DS2 records; segments of other
 * records (the paced ones) are in neither. `recordIds[i]` is segment i's record. Note that
 * records 201 (DS1) and 202 (DS2) come from the same patient — a known flaw of this standard
 * split, kept so results compare with the literature.
 */
export function interPatientSplit(recordIds: ArrayLike<string>): Fold {
  const ds1 = new Set(DS1_RECORDS);
  const ds2 = new Set(DS2_RECORDS);
  const fold: Fold = { train: [], test: [] };
  for (let i = 0; i < recordIds.length; i++) {
    if (ds1.has(recordIds[i])) fold.train.push(i);
    else if (ds2.has(recordIds[i])) fold.test.push(i);
  }
  if (fold.train.length === 0 || fold.test.length === 0) {
    throw new BeatlensError(
      'split-config',
      `inter-patient split needs MIT-BIH records of both DS1 and DS2, got ${fold.train.length} DS1 and ${fold.test.length} DS2 segments`,
    );
  }
  return fold;
}

/**
 * Splits a fold's training indices into (train, validation) for early stopping / model
 * selection, stratified by class (and grouped when `groups` is given, so a patient is not in
 * both). Only `trainIdx` is touched: the test fold never influences model selection.
 * `valFraction` of each class (at least one per class that has >= 2 members) goes to validation.
 */
export function innerValidationSplit(
  trainIdx: number[],
  labels: ArrayLike<number>,
  valFraction: number,
  seed: number,
  groups?: ArrayLike<string | number>,
): { train: number[]; val: number[] } {
  if (!(valFraction > 0 && valFraction < 1)) {
    throw new BeatlensError('split-config', `valFraction=${valFraction}: need 0 < f < 1`);
  }
  if (groups) {
    const nGroups = new Set(trainIdx.map((i) => String(groups[i]))).size;
    const k = Math.max(2, Math.min(nGroups, Math.round(1 / valFraction)));
    if (nGroups < 2) return { train: [...trainIdx], val: [] };
    const sub = groupedStratifiedKFold(
      trainIdx.map((i) => labels[i]),
      trainIdx.map((i) => groups[i]),
      k,
      seed,
    )[0];
    return { train: sub.train.map((j) => trainIdx[j]), val: sub.test.map((j) => trainIdx[j]) };
  }
  const rng = createRng(seed);
  const byClass = indicesByClass(trainIdx.map((i) => labels[i]));
  const train: number[] = [];
  const val: number[] = [];
  for (const local of byClass.values()) {
    const idx = rng.shuffle(local.map((j) => trainIdx[j]));
    const nVal = idx.length >= 2 ? Math.max(1, Math.round(idx.length * valFraction)) : 0;
    val.push(...idx.slice(0, nVal));
    train.push(...idx.slice(nVal));
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}
