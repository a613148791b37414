/**
 * Post-hoc saliency baselines for the classifier-only model, reduced to one map per segment so
 * they are scored with exactly the same localisation metrics as the learned attention:
 * - gradient × input: |Σ_leads x · ∂log p_c/∂x|, normalised to max 1;
 * - Grad-CAM on the classifier's last conv block (the model's features/head split): ReLU of the
 *   gradient-weighted sum of the feature channels, linearly up-sampled to nSamples, max 1.
 * c is the predicted class unless `target` gives one class index per segment.
 */
import { BeatlensError } from '../errors';
import { tf } from '../model/tf';
import type { BeatlensModel } from '../model/types';

export type SaliencyMethod = 'gradxinput' | 'gradcam';
export const SALIENCY_METHODS: readonly SaliencyMethod[] = ['gradxinput', 'gradcam'];

export interface SaliencyOptions {
  /** Class index per segment to explain; default: the predicted class. */
  target?: ArrayLike<number>;
  /**
   * Divide each segment's map by its maximum (default true, as the localisation metrics have
   * always scored it); false keeps the raw |Σ x · ∂log p/∂x|, one scale for a whole record.
   */
  normalise?: boolean;
}

type SaliencyModel = Pick<BeatlensModel, 'forward' | 'forwardFeatures' | 'forwardHead' | 'config'>;

/** One-hot (batch, nClasses) mask of the explained classes (`target`, else argmax of logits). */
function targetMask(
  logits: tf.Tensor2D | null,
  target: ArrayLike<number> | undefined,
  batch: number,
  nClasses: number,
): tf.Tensor2D {
  if (target && target.length !== batch) {
    throw new BeatlensError(
      'saliency-target',
      `target has ${target.length} class indices but the batch has ${batch} segments`,
    );
  }
  const idx = target
    ? tf.tensor1d(Array.from(target), 'int32')
    : (tf.argMax(logits as tf.Tensor2D, 1) as tf.Tensor1D);
  return tf.oneHot(idx, nClasses).toFloat() as tf.Tensor2D;
}

/** Divides each row by its maximum (rows that are all zero stay zero). */
function normaliseRows(maps: Float32Array, batch: number, n: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const row = maps.slice(b * n, (b + 1) * n);
    let max = 0;
    for (let t = 0; t < n; t++) max = Math.max(max, row[t]);
    if (max > 0) for (let t = 0; t < n; t++) row[t] /= max;
    out.push(row);
  }
  return out;
}

/**
 * Gradient × input saliency. x: (batch, nSamples, nLeads); returns one normalised map of
 * nSamples values per segment.
 */
export function gradientTimesInput(
  model: SaliencyModel,
  x: tf.Tensor3D,
  opts: SaliencyOptions = {},
): Float32Array[] {
  const [batch, nSamples] = x.shape;
  const values = tf.tidy(() => {
    // With the targets given (the caller has the predictions already), no extra forward pass.
    const nClasses = (model.config as Partial<typeof model.config> | undefined)?.classes?.length;
    const mask =
      opts.target && nClasses
        ? targetMask(null, opts.target, batch, nClasses)
        : tf.tidy(() => {
            const logits = model.forward(x, false).logits;
            return targetMask(logits, undefined, batch, logits.shape[1]);
          });
    const f = (input: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(model.forward(input as tf.Tensor3D, false).logits, mask)) as tf.Scalar;
    const g = tf.grad(f)(x) as tf.Tensor3D;
    return tf.abs(tf.sum(tf.mul(g, x), 2));
  });
  const data = Float32Array.from(values.dataSync() as Float32Array);
  values.dispose();
  if (opts.normalise === false) {
    return Array.from({ length: batch }, (_, b) => data.slice(b * nSamples, (b + 1) * nSamples));
  }
  return normaliseRows(data, batch, nSamples);
}

/** Linear interpolation of a (batch, m) map to (batch, n) with aligned cell centres. */
function upsampleLinear(map: Float32Array, batch: number, m: number, n: number): Float32Array {
  const out = new Float32Array(batch * n);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < n; t++) {
      const u = Math.min(m - 1, Math.max(0, ((t + 0.5) * m) / n - 0.5));
      const i0 = Math.floor(u);
      const i1 = Math.min(m - 1, i0 + 1);
      const w = u - i0;
      out[b * n + t] = (1 - w) * map[b * m + i0] + w * map[b * m + i1];
    }
  }
  return out;
}

/**
 * Grad-CAM on the classifier's last conv block (the model's `forwardFeatures` feature map).
 * x: (batch, nSamples, nLeads); returns one normalised map of nSamples values per segment.
 */
export function gradCam(
  model: SaliencyModel,
  x: tf.Tensor3D,
  opts: SaliencyOptions = {},
): Float32Array[] {
  const [batch, nSamples] = x.shape;
  const cam = tf.tidy(() => {
    const { featureMap } = model.forwardFeatures(x, false);
    const logits = model.forwardHead(featureMap, false);
    const mask = targetMask(logits, opts.target, batch, logits.shape[1]);
    const f = (fm: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(model.forwardHead(fm as tf.Tensor3D, false), mask)) as tf.Scalar;
    const g = tf.grad(f)(featureMap) as tf.Tensor3D; // (batch, T', C)
    const alpha = tf.mean(g, 1, true); // (batch, 1, C)
    return tf.relu(tf.sum(tf.mul(featureMap, alpha), 2)); // (batch, T')
  });
  const m = cam.shape[1] as number;
  const data = Float32Array.from(cam.dataSync() as Float32Array);
  cam.dispose();
  return normaliseRows(upsampleLinear(data, batch, m, nSamples), batch, nSamples);
}

/** Dispatches on the method name (for the CLI and the ablation runner). */
export function saliencyMaps(
  method: SaliencyMethod,
  model: SaliencyModel,
  x: tf.Tensor3D,
  opts: SaliencyOptions = {},
): Float32Array[] {
  return method === 'gradcam' ? gradCam(model, x, opts) : gradientTimesInput(model, x, opts);
}
