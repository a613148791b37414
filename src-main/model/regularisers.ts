/**
 * Attention regularisers: penalties on the joint model's attention A (batch × nSamples) added to
 * the classification loss during training. Not in the paper; `paper` keeps them off.
 *
 * Why scale-invariant: A multiplies D before a point-wise conv followed by batch norm, so a
 * penalty on the raw size of A (λ·mean A) is met by shrinking A uniformly — batch norm undoes the
 * scale and nothing about *where* A is high changes. The penalties below depend only on the
 * shape of A per segment, so the cheapest way to lower them is to switch A off where the
 * classifier does not need it ("keep only the beats you need").
 */
import { BeatlensError } from '../errors';
import { tf } from './tf';

/**
 * - 'mean-max': mean_t A / max_t A per segment — the fraction of the segment kept at full
 *   attention (1 for a flat map, ≈ kept width / nSamples for a sparse one).
 * - 'l1-l2': mean_t A / sqrt(mean_t A²) per segment (Hoyer's L1/L2 sparsity ratio) — smooth,
 *   gradient through every sample instead of only the arg-max.
 * - 'batch-mean-max': mean_{b,t} A / max_{b,t} A over the whole batch — invariant only to one
 *   scale for the batch (which is what batch norm removes), so a segment may switch A off
 *   entirely ("nothing here to keep"), which the per-segment ratios cannot express.
 */
export type AttentionPenaltyKind = 'mean-max' | 'l1-l2' | 'batch-mean-max';
export const ATTENTION_PENALTY_KINDS: readonly AttentionPenaltyKind[] = [
  'mean-max',
  'l1-l2',
  'batch-mean-max',
];

const EPS = 1e-6;

/**
 * Mean over the batch of the per-segment penalty of `attention` (batch × nSamples, ≥ 0).
 * Returns a scalar tensor in [0, 1].
 */
export function attentionPenalty(
  attention: tf.Tensor2D,
  kind: AttentionPenaltyKind = 'mean-max',
): tf.Scalar {
  if (attention.rank !== 2) {
    throw new BeatlensError(
      'penalty-input',
      `attention of shape [${attention.shape}] but the penalty expects (batch, nSamples)`,
    );
  }
  return tf.tidy(() => {
    const a = tf.relu(attention); // L2 pooling is ≥ 0 already; max pooling after ReLU too
    if (kind === 'batch-mean-max') return tf.div(tf.mean(a), tf.add(tf.max(a), EPS)) as tf.Scalar;
    const mean = tf.mean(a, 1);
    const denom =
      kind === 'mean-max' ? tf.max(a, 1) : tf.sqrt(tf.add(tf.mean(tf.square(a), 1), EPS * EPS));
    return tf.mean(tf.div(mean, tf.add(denom, EPS))) as tf.Scalar;
  });
}

/**
 * Complement ("deletion game") penalty: mean over the batch of KL(p ‖ uniform) = Σ_c p_c log p_c
 * + log C, where `logProbs` (batch × classes, log-softmax) is the classifier's prediction on the
 * complement input (1 − Â) ⊙ D with Â = A / max_t A. A highlight map deletes the abnormal beats, so
 * the complement carries no class evidence and the KL is ~0; a "hole" map (high on the normal
 * beats, low at the PVC) leaves the PVC in the complement and pays for it. Returns a scalar ≥ 0.
 */
export function complementPenalty(logProbs: tf.Tensor2D): tf.Scalar {
  if (logProbs.rank !== 2 || logProbs.shape[1] < 2) {
    throw new BeatlensError(
      'penalty-input',
      `log-probabilities of shape [${logProbs.shape}] but the penalty expects (batch, classes >= 2)`,
    );
  }
  return tf.tidy(() => {
    const negEntropy = tf.sum(tf.mul(tf.exp(logProbs), logProbs), 1);
    return tf.mean(tf.add(negEntropy, Math.log(logProbs.shape[1]))) as tf.Scalar;
  });
}

/**
 * The complement input (1 − Â) ⊙ D of the deletion game, Â = A / (max_t A + ε) per segment.
 * x: (batch, nSamples, nLeads); attention: (batch, nSamples), ≥ 0.
 */
export function complementInput(x: tf.Tensor3D, attention: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const a = tf.relu(attention);
    const aHat = tf.div(a, tf.add(tf.max(a, 1, true), EPS));
    return tf.mul(x, tf.expandDims(tf.sub(1, aHat), 2)) as tf.Tensor3D;
  });
}
