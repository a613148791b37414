/**
 * Class-weighted negative log-likelihood, as PyTorch's `NLLLoss(weight=w)` with mean reduction:
 *   loss = sum_i w[y_i] · (−logp[i, y_i]) / sum_i w[y_i]
 * so a batch's loss does not depend on how many of each class it happens to hold.
 */
import { BeatlensError } from '../errors';
import { tf } from './tf';

/**
 * Inverse-frequency class weights w_c = n / (nClasses · count_c) (scikit-learn's 'balanced'):
 * 1 for every class when the classes are balanced. A class absent from `y` gets weight 0.
 */
export function classWeights(y: ArrayLike<number>, nClasses: number): number[] {
  const counts = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (!Number.isInteger(c) || c < 0 || c >= nClasses) {
      throw new BeatlensError(
        'loss-label',
        `label y[${i}]=${c} is not a class index in 0..${nClasses - 1}`,
      );
    }
    counts[c]++;
  }
  return counts.map((n) => (n > 0 ? y.length / (nClasses * n) : 0));
}

/** logProbs: (batch, nClasses) log-probabilities; labels: (batch) int32 class indices. */
export function weightedNllLoss(
  logProbs: tf.Tensor2D,
  labels: tf.Tensor1D,
  classWeights: number[],
): tf.Scalar {
  const [batch, nClasses] = logProbs.shape;
  if (classWeights.length !== nClasses) {
    throw new BeatlensError(
      'loss-weights',
      `${classWeights.length} class weights given for ${nClasses} classes`,
    );
  }
  if (labels.shape[0] !== batch) {
    throw new BeatlensError('loss-label', `${labels.shape[0]} labels for a batch of ${batch}`);
  }
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), nClasses);
    const w = tf.tensor1d(classWeights, 'float32');
    const sampleWeights = tf.sum(tf.mul(oneHot, w), 1);
    const nll = tf.neg(tf.sum(tf.mul(oneHot, logProbs), 1));
    // A batch with zero total weight (only absent classes) contributes 0, not NaN.
    const total = tf.maximum(tf.sum(sampleWeights), 1e-12);
    return tf.div(tf.sum(tf.mul(sampleWeights, nll)), total) as tf.Scalar;
  });
}
