import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/model/tf';
import { attentionPenalty } from '../../src-main/model/regularisers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('attentionPenalty', () => {
  it('matches hand-computed mean/max and L1/L2 ratios, averaged over the batch', () => {
    // row 0: flat → 1 under both; row 1: [4, 0, 0, 0] → mean 1, max 4, rms 2
    const a = tf.tensor2d([
      [2, 2, 2, 2],
      [4, 0, 0, 0],
    ]);
    expect(value(attentionPenalty(a, 'mean-max'))).toBeCloseTo((1 + 1 / 4) / 2, 5);
    expect(value(attentionPenalty(a, 'l1-l2'))).toBeCloseTo((1 + 1 / 2) / 2, 5);
    // batch: mean of all 8 values (12 / 8) over the batch maximum 4
    expect(value(attentionPenalty(a, 'batch-mean-max'))).toBeCloseTo(12 / 8 / 4, 5);
    a.dispose();
  });

  it('is scale-invariant, so shrinking A uniformly cannot lower it', () => {
    const a = tf.tensor2d([[0.1, 0.5, 0.9, 0.3, 0]]);
    const big = tf.mul(a, 1000) as tf.Tensor2D;
    for (const kind of ['mean-max', 'l1-l2', 'batch-mean-max'] as const) {
      expect(value(attentionPenalty(big, kind))).toBeCloseTo(value(attentionPenalty(a, kind)), 4);
    }
    tf.dispose([a, big]);
  });

  it('has a finite gradient that lowers attention off the peak', () => {
    const a = tf.tensor2d([[0.2, 1, 0.2, 0]]);
    const g = tf.grad((x: tf.Tensor) => attentionPenalty(x as tf.Tensor2D, 'l1-l2'))(a);
    const gv = Array.from(g.dataSync());
    expect(gv.every(Number.isFinite)).toBe(true);
    expect(gv[0]).toBeGreaterThan(0); // descending lowers the small values...
    expect(gv[1]).toBeLessThan(0); // ...and raises the peak
    tf.dispose([a, g]);
  });

  it('batch-mean-max lets one segment switch A off; the per-segment ratios do not', () => {
    const on = tf.tensor2d([
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
    const off = tf.tensor2d([
      [0, 1, 0, 0],
      [0, 0, 1e-3, 0],
    ]);
    expect(value(attentionPenalty(off, 'batch-mean-max'))).toBeLessThan(
      0.6 * value(attentionPenalty(on, 'batch-mean-max')),
    );
    expect(value(attentionPenalty(off, 'mean-max'))).toBeCloseTo(
      value(attentionPenalty(on, 'mean-max')),
      2,
    );
    tf.dispose([on, off]);
  });

  it('rejects a map of the wrong rank', () => {
    const a = tf.zeros([2, 3, 1]) as unknown as tf.Tensor2D;
    expect(() => attentionPenalty(a)).toThrow(/expects \(batch, nSamples\)/);
    a.dispose();
  });
});
