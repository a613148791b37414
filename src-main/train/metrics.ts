/**
 * Classification metrics for segment-level predictions, torchmetrics style: one public function
 * per metric over private validate / compute steps, so each can be tested against a reference.
 *
 * Conventions
 * - `yTrue[i]` indexes `classes`; `probs` is (n × nClasses) row-major class probabilities (or any
 *   scores monotone in them — AUC only uses the ranking, accuracy only the arg-max).
 * - Binary tasks: sensitivity = TP / (TP + FN) and specificity = TN / (TN + FP) with respect to
 *   `positiveClass` (PVC for the PVC/APB task). With more than two classes and no positive class,
 *   both are macro averages of the one-vs-rest values over classes.
 * - ROC AUC is one-vs-rest per class, averaged over classes (macro). Ties count one half
 *   (Mann–Whitney), which equals the area under the trapezoid-interpolated ROC curve.
 * - Fold summaries use the *sample* standard deviation (n − 1 denominator), as numpy.std(ddof=1)
 *   and pandas' default; a single fold has std 0.
 */
import { BeatlensError } from '../errors';

export interface ClassificationMetrics {
  accuracy: number;
  sensitivity: number;
  specificity: number;
  /** Mean over classes of the one-vs-rest ROC AUC. */
  aucMacro: number;
  /** One-vs-rest AUC per class, same order as `classes`. */
  aucPerClass: number[];
  /** confusion[trueClass][predictedClass] counts. */
  confusion: number[][];
  classes: string[];
  /** The class sensitivity/specificity refer to, or null for a macro average. */
  positiveClass: string | null;
  n: number;
}

export interface RocPoint {
  /** False positive rate. */
  fpr: number;
  /** True positive rate. */
  tpr: number;
  /** Score threshold: predicted positive when score >= threshold. */
  threshold: number;
}

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1 denominator); 0 for a single value. */
  std: number;
  n: number;
}

function validateLabels(yTrue: ArrayLike<number>, nClasses: number, what = 'yTrue'): void {
  if (nClasses < 2) {
    throw new BeatlensError('metrics-input', `need at least 2 classes, got ${nClasses}`);
  }
  if (yTrue.length === 0) throw new BeatlensError('metrics-input', `${what} is empty`);
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    if (!Number.isInteger(y) || y < 0 || y >= nClasses) {
      throw new BeatlensError(
        'metrics-input',
        `${what}[${i}]=${y} is not a class index in [0, ${nClasses})`,
      );
    }
  }
}

function validateProbs(probs: ArrayLike<number>, n: number, nClasses: number): void {
  if (probs.length !== n * nClasses) {
    throw new BeatlensError(
      'metrics-input',
      `probs has ${probs.length} values but ${n} samples × ${nClasses} classes need ${n * nClasses}`,
    );
  }
  for (let i = 0; i < probs.length; i++) {
    if (!Number.isFinite(probs[i])) {
      throw new BeatlensError('metrics-input', `probs[${i}]=${probs[i]} is not finite`);
    }
  }
}

/** Arg-max per row; the first maximum wins on ties. */
export function argmaxRows(probs: ArrayLike<number>, nClasses: number): Int32Array {
  const n = Math.floor(probs.length / nClasses);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < nClasses; c++) {
      if (probs[i * nClasses + c] > probs[i * nClasses + best]) best = c;
    }
    out[i] = best;
  }
  return out;
}

/** confusion[t][p] = number of samples of true class t predicted as p. */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses: number,
): number[][] {
  validateLabels(yTrue, nClasses);
  validateLabels(yPred, nClasses, 'yPred');
  if (yTrue.length !== yPred.length) {
    throw new BeatlensError(
      'metrics-input',
      `yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`,
    );
  }
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}

/** Fraction of correct predictions. */
export function accuracy(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses: number,
): number {
  const m = confusionMatrix(yTrue, yPred, nClasses);
  return computeAccuracy(m);
}

function computeAccuracy(m: number[][]): number {
  let correct = 0;
  let total = 0;
  for (let t = 0; t < m.length; t++) {
    for (let p = 0; p < m.length; p++) {
      total += m[t][p];
      if (t === p) correct += m[t][p];
    }
  }
  return correct / total;
}

/** One-vs-rest counts of class c from a confusion matrix. */
function oneVsRest(m: number[][], c: number): { tp: number; fn: number; fp: number; tn: number } {
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  for (let t = 0; t < m.length; t++) {
    for (let p = 0; p < m.length; p++) {
      const v = m[t][p];
      if (t === c && p === c) tp += v;
      else if (t === c) fn += v;
      else if (p === c) fp += v;
      else tn += v;
    }
  }
  return { tp, fn, fp, tn };
}

/** 0/0 is reported as NaN (undefined), never silently as 0 or 1. */
const ratio = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);

function computeSensSpec(m: number[][], positive: number | null): { sens: number; spec: number } {
  if (positive !== null) {
    const { tp, fn, fp, tn } = oneVsRest(m, positive);
    return { sens: ratio(tp, tp + fn), spec: ratio(tn, tn + fp) };
  }
  let sens = 0;
  let spec = 0;
  for (let c = 0; c < m.length; c++) {
    const { tp, fn, fp, tn } = oneVsRest(m, c);
    sens += ratio(tp, tp + fn);
    spec += ratio(tn, tn + fp);
  }
  return { sens: sens / m.length, spec: spec / m.length };
}

/**
 * Sensitivity (recall, TP / (TP + FN)) of `positive`; macro average over classes when
 * `positive` is null.
 */
export function sensitivity(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses: number,
  positive: number | null,
): number {
  return computeSensSpec(confusionMatrix(yTrue, yPred, nClasses), positive).sens;
}

/** Specificity (TN / (TN + FP)) w.r.t. `positive`; macro average when `positive` is null. */
export function specificity(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses: number,
  positive: number | null,
): number {
  return computeSensSpec(confusionMatrix(yTrue, yPred, nClasses), positive).spec;
}

/**
 * Binary ROC AUC of `scores` for `isPositive`, Mann–Whitney with ties counting one half:
 * AUC = (sum of positive ranks − nPos(nPos+1)/2) / (nPos·nNeg), using mid-ranks for ties.
 * NaN when one of the two groups is empty.
 */
export function binaryRocAuc(isPositive: ArrayLike<boolean>, scores: ArrayLike<number>): number {
  const n = scores.length;
  if (isPositive.length !== n) {
    throw new BeatlensError(
      'metrics-input',
      `isPositive has ${isPositive.length} values but scores has ${n}`,
    );
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  let nPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const midRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let k = i; k <= j; k++) {
      if (isPositive[order[k]]) {
        rankSumPos += midRank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** One-vs-rest ROC AUC of every class (NaN for a class absent or alone in yTrue). */
export function rocAucPerClass(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  nClasses: number,
): number[] {
  validateLabels(yTrue, nClasses);
  validateProbs(probs, yTrue.length, nClasses);
  const out: number[] = [];
  for (let c = 0; c < nClasses; c++) {
    const isPos = Array.from({ length: yTrue.length }, (_, i) => yTrue[i] === c);
    const scores = Array.from({ length: yTrue.length }, (_, i) => probs[i * nClasses + c]);
    out.push(binaryRocAuc(isPos, scores));
  }
  return out;
}

/** Macro ROC AUC: mean over classes of the one-vs-rest AUC (classes with NaN AUC are skipped). */
export function rocAucMacro(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  nClasses: number,
): number {
  const per = rocAucPerClass(yTrue, probs, nClasses).filter((v) => !Number.isNaN(v));
  return per.length === 0 ? Number.NaN : per.reduce((a, b) => a + b, 0) / per.length;
}

/**
 * ROC curve of class `c` one-vs-rest: one point per distinct score (descending thresholds),
 * starting at (0, 0) with threshold +Infinity and ending at (1, 1). Tied scores move FPR and TPR
 * together, so the trapezoid area under these points equals `binaryRocAuc`.
 */
export function rocCurve(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  nClasses: number,
  c: number,
): RocPoint[] {
  validateLabels(yTrue, nClasses);
  validateProbs(probs, yTrue.length, nClasses);
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => probs[b * nClasses + c] - probs[a * nClasses + c],
  );
  let nPos = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === c) nPos++;
  const nNeg = n - nPos;
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY }];
  let tp = 0;
  let fp = 0;
  let i = 0;
  while (i < n) {
    const thr = probs[order[i] * nClasses + c];
    while (i < n && probs[order[i] * nClasses + c] === thr) {
      if (yTrue[order[i]] === c) tp++;
      else fp++;
      i++;
    }
    points.push({ fpr: ratio(fp, nNeg), tpr: ratio(tp, nPos), threshold: thr });
  }
  return points;
}

/** Trapezoid area under ROC points (x = fpr, y = tpr). */
export function trapezoidArea(points: RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    area += ((points[i].fpr - points[i - 1].fpr) * (points[i].tpr + points[i - 1].tpr)) / 2;
  }
  return area;
}

/**
 * All metrics the paper reports for one fold. `positiveClass` defaults to 'PVC' when it is one
 * of two classes, else sensitivity/specificity are macro averages.
 */
export function classificationMetrics(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  classes: string[],
  positiveClass?: string | null,
): ClassificationMetrics {
  const nClasses = classes.length;
  validateLabels(yTrue, nClasses);
  validateProbs(probs, yTrue.length, nClasses);
  let positive: number | null = null;
  const wanted =
    positiveClass === undefined
      ? nClasses === 2 && classes.includes('PVC')
        ? 'PVC'
        : null
      : positiveClass;
  if (wanted !== null) {
    positive = classes.indexOf(wanted);
    if (positive < 0) {
      throw new BeatlensError(
        'metrics-input',
        `positive class '${wanted}' is not one of the classes [${classes.join(', ')}]`,
      );
    }
  }
  const yPred = argmaxRows(probs, nClasses);
  const confusion = confusionMatrix(yTrue, yPred, nClasses);
  const { sens, spec } = computeSensSpec(confusion, positive);
  const aucPerClass = rocAucPerClass(yTrue, probs, nClasses);
  const valid = aucPerClass.filter((v) => !Number.isNaN(v));
  return {
    accuracy: computeAccuracy(confusion),
    sensitivity: sens,
    specificity: spec,
    aucMacro: valid.length ? valid.reduce((a, b) => a + b, 0) / valid.length : Number.NaN,
    aucPerClass,
    confusion,
    classes: [...classes],
    positiveClass: positive === null ? null : classes[positive],
    n: yTrue.length,
  };
}

/** Mean and sample standard deviation (n − 1) of fold values (a NaN fold value propagates). */
export function meanStd(values: number[]): MeanStd {
  if (values.length === 0) throw new BeatlensError('metrics-input', 'meanStd of no values');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return { mean, std: 0, n: 1 };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (values.length - 1)), n: values.length };
}

export type SummaryKey = 'accuracy' | 'sensitivity' | 'specificity' | 'aucMacro';
export const SUMMARY_KEYS: SummaryKey[] = ['accuracy', 'specificity', 'sensitivity', 'aucMacro'];

/** Mean ± sample std over folds for each headline metric; also the summed confusion matrix. */
export function summarizeFolds(
  folds: ClassificationMetrics[],
): Record<SummaryKey, MeanStd> & { confusion: number[][] } {
  if (folds.length === 0) throw new BeatlensError('metrics-input', 'no folds to summarize');
  const k = folds[0].confusion.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const f of folds) {
    for (let t = 0; t < k; t++) for (let p = 0; p < k; p++) confusion[t][p] += f.confusion[t][p];
  }
  const pick = (key: SummaryKey): MeanStd => meanStd(folds.map((f) => f[key]));
  return {
    accuracy: pick('accuracy'),
    sensitivity: pick('sensitivity'),
    specificity: pick('specificity'),
    aucMacro: pick('aucMacro'),
    confusion,
  };
}
