import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  accuracy,
  binaryRocAuc,
  classificationMetrics,
  confusionMatrix,
  meanStd,
  rocAucMacro,
  rocAucPerClass,
  rocCurve,
  sensitivity,
  specificity,
  summarizeFolds,
  trapezoidArea,
} from '../../src-main/train/metrics';
import { BeatlensError } from '../../src-main/errors';

/** Reference AUC: probability a random positive outranks a random negative, ties = 1/2. */
function pairwiseAuc(isPos: boolean[], scores: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!isPos[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (isPos[j]) continue;
      den++;
      if (scores[i] > scores[j]) num += 1;
      else if (scores[i] === scores[j]) num += 0.5;
    }
  }
  return num / den;
}

describe('confusion, accuracy, sensitivity, specificity', () => {
  // classes [APB, PVC]; PVC positive. Hand count:
  // true PVC(1): preds 1,1,1,0 → TP=3 FN=1 ; true APB(0): preds 0,0,1 → TN=2 FP=1
  const yTrue = [1, 1, 1, 1, 0, 0, 0];
  const yPred = [1, 1, 1, 0, 0, 0, 1];
  it('matches hand-computed values', () => {
    expect(confusionMatrix(yTrue, yPred, 2)).toEqual([
      [2, 1],
      [1, 3],
    ]);
    expect(accuracy(yTrue, yPred, 2)).toBeCloseTo(5 / 7, 12);
    expect(sensitivity(yTrue, yPred, 2, 1)).toBeCloseTo(3 / 4, 12);
    expect(specificity(yTrue, yPred, 2, 1)).toBeCloseTo(2 / 3, 12);
    // w.r.t. APB the roles swap
    expect(sensitivity(yTrue, yPred, 2, 0)).toBeCloseTo(2 / 3, 12);
  });
  it('macro-averages one-vs-rest values for three classes', () => {
    const t = [0, 0, 1, 1, 2, 2];
    const p = [0, 1, 1, 1, 2, 0];
    // class0: TP1 FN1 FP1 TN3 ; class1: TP2 FN0 FP1 TN3 ; class2: TP1 FN1 FP0 TN4
    const sens = (1 / 2 + 1 + 1 / 2) / 3;
    const spec = (3 / 4 + 3 / 4 + 1) / 3;
    expect(sensitivity(t, p, 3, null)).toBeCloseTo(sens, 12);
    expect(specificity(t, p, 3, null)).toBeCloseTo(spec, 12);
  });
  it('rejects labels outside the classes with a one-line error', () => {
    expect(() => accuracy([0, 2], [0, 1], 2)).toThrow(BeatlensError);
    expect(() => accuracy([0, 2], [0, 1], 2)).toThrow(/yTrue\[1\]=2/);
    expect(() => accuracy([0, 1], [0], 2)).toThrow(/yPred has 1/);
  });
});

describe('ROC AUC', () => {
  it('matches a hand-computed example with ties', () => {
    // positives 0.9, 0.5 ; negatives 0.5, 0.1 → pairs: (0.9>0.5)1 (0.9>0.1)1 (0.5=0.5).5 (0.5>0.1)1
    expect(binaryRocAuc([true, true, false, false], [0.9, 0.5, 0.5, 0.1])).toBeCloseTo(3.5 / 4, 12);
  });
  it('equals the brute-force pairwise reference and the trapezoid area (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 6 })), {
          minLength: 2,
          maxLength: 40,
        }),
        (rows) => {
          const isPos = rows.map((r) => r[0]);
          if (isPos.every((v) => v) || isPos.every((v) => !v)) return;
          const scores = rows.map((r) => r[1] / 6); // few distinct values → many ties
          const ref = pairwiseAuc(isPos, scores);
          expect(binaryRocAuc(isPos, scores)).toBeCloseTo(ref, 10);
          const probs = scores.flatMap((s) => [1 - s, s]);
          const y = isPos.map((p) => (p ? 1 : 0));
          expect(trapezoidArea(rocCurve(y, probs, 2, 1))).toBeCloseTo(ref, 10);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
  it('averages one-vs-rest AUC over three classes', () => {
    const y = [0, 1, 2, 0, 1, 2];
    const probs = [
      0.7, 0.2, 0.1, 0.3, 0.4, 0.3, 0.1, 0.1, 0.8, 0.2, 0.5, 0.3, 0.6, 0.3, 0.1, 0.2, 0.2, 0.6,
    ];
    const per = rocAucPerClass(y, probs, 3);
    for (let c = 0; c < 3; c++) {
      const ref = pairwiseAuc(
        y.map((v) => v === c),
        y.map((_, i) => probs[i * 3 + c]),
      );
      expect(per[c]).toBeCloseTo(ref, 12);
    }
    expect(rocAucMacro(y, probs, 3)).toBeCloseTo((per[0] + per[1] + per[2]) / 3, 12);
  });
  it('ROC curve starts at (0,0), ends at (1,1) and is monotone', () => {
    const pts = rocCurve([1, 0, 1, 0], [0.2, 0.8, 0.4, 0.6, 0.9, 0.1, 0.7, 0.3], 2, 1);
    expect(pts[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(pts.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    for (let i = 1; i < pts.length; i++) {
      expect(pts[i].fpr).toBeGreaterThanOrEqual(pts[i - 1].fpr);
      expect(pts[i].tpr).toBeGreaterThanOrEqual(pts[i - 1].tpr);
    }
  });
});

describe('classificationMetrics and fold summaries', () => {
  it('uses PVC as the positive class by default', () => {
    const classes = ['PVC', 'APB'];
    const y = [0, 0, 1, 1];
    const probs = [0.9, 0.1, 0.4, 0.6, 0.2, 0.8, 0.3, 0.7];
    const m = classificationMetrics(y, probs, classes);
    expect(m.positiveClass).toBe('PVC');
    expect(m.accuracy).toBeCloseTo(3 / 4, 12);
    expect(m.sensitivity).toBeCloseTo(1 / 2, 12);
    expect(m.specificity).toBeCloseTo(1, 12);
    // PVC scores: pos .9 .4, neg .2 .3 → all 4 pairs won → 1 ; APB symmetric → 1
    expect(m.aucMacro).toBeCloseTo(1, 12);
    expect(m.confusion).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(() => classificationMetrics(y, probs, classes, 'LVOT')).toThrow(/LVOT/);
  });
  it('mean ± sample std over folds', () => {
    const s = meanStd([0.9, 0.95, 1.0]);
    expect(s.mean).toBeCloseTo(0.95, 12);
    expect(s.std).toBeCloseTo(0.05, 12); // sqrt(((.05)^2*2)/2)
    expect(meanStd([0.5]).std).toBe(0);
    const f = classificationMetrics([0, 1], [0.8, 0.2, 0.3, 0.7], ['PVC', 'APB']);
    const sum = summarizeFolds([f, f]);
    expect(sum.accuracy).toEqual({ mean: 1, std: 0, n: 2 });
    expect(sum.confusion).toEqual([
      [2, 0],
      [0, 2],
    ]);
  });
});
