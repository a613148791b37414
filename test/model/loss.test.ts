import { beforeAll, describe, expect, it } from 'vitest';
import { BeatlensError } from '../../src-main/errors';
import { classWeights, weightedNllLoss } from '../../src-main/model/loss';
import { tf } from '../../src-main/model/tf';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('classWeights', () => {
  it('is the inverse class frequency, 1 for balanced classes', () => {
    // 6 of class 0, 2 of class 1: n / (nClasses · count) = 8/12 and 8/4.
    expect(classWeights([0, 0, 0, 0, 0, 0, 1, 1], 2)).toEqual([8 / 12, 2]);
    expect(classWeights(new Int32Array([0, 1, 2, 0, 1, 2]), 3)).toEqual([1, 1, 1]);
    // An absent class gets weight 0.
    expect(classWeights([0, 0], 2)).toEqual([0.5, 0]);
  });

  it('rejects labels that are not class indices', () => {
    expect(() => classWeights([0, 2], 2)).toThrow(BeatlensError);
    expect(() => classWeights([0, 2], 2)).toThrow(/y\[1\]=2/);
  });
});

describe('weightedNllLoss', () => {
  it('matches a hand-computed value', () => {
    const p = [
      [0.7, 0.3],
      [0.2, 0.8],
      [0.6, 0.4],
    ];
    const logProbs = tf.log(tf.tensor2d(p)) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 1, 1], 'int32');
    const w = [0.5, 2];
    // (0.5·−ln 0.7 + 2·−ln 0.8 + 2·−ln 0.4) / (0.5 + 2 + 2)
    const expected = (0.5 * -Math.log(0.7) + 2 * -Math.log(0.8) + 2 * -Math.log(0.4)) / 4.5;
    expect(weightedNllLoss(logProbs, labels, w).dataSync()[0]).toBeCloseTo(expected, 5);
    // Equal weights reduce to the plain mean NLL.
    const plain = (-Math.log(0.7) - Math.log(0.8) - Math.log(0.4)) / 3;
    expect(weightedNllLoss(logProbs, labels, [3, 3]).dataSync()[0]).toBeCloseTo(plain, 5);
  });

  it('has the softmax-minus-one-hot gradient w.r.t. logits', () => {
    const z = tf.tensor2d([[0.1, -0.3, 0.5]]);
    const g = tf.grad((zz: tf.Tensor) =>
      weightedNllLoss(tf.logSoftmax(zz as tf.Tensor2D), tf.tensor1d([2], 'int32'), [1, 1, 1]),
    )(z);
    const soft = tf.softmax(z).dataSync();
    const expected = [soft[0], soft[1], soft[2] - 1];
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('rejects a weight list of the wrong length', () => {
    const lp = tf.log(tf.tensor2d([[0.5, 0.5]])) as tf.Tensor2D;
    expect(() => weightedNllLoss(lp, tf.tensor1d([0], 'int32'), [1, 1, 1])).toThrow(
      /3 class weights given for 2 classes/,
    );
  });
});
