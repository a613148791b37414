/**
 * The 'mil-fcn' family (method 'mil'): a multiple-instance head that localises by construction.
 *
 * D (batch, nSamples, nLeads) → the classifier's convolutions (point-wise stem, blocks of
 * 2×(Conv+BN+ReLU), the first conv of each with stride 2) → a point-wise conv to one evidence
 * value per class and time step: E (batch, T', nClasses), T' = nSamples / 2^blocks. Each step sees
 * only its receptive field (`milReceptiveField`, ≈ 1 s by default), so a step can carry class
 * evidence only from the signal around it. Segment logits per class:
 * - the log-mean-exp smooth max s_c = (1/r)·log mean_t exp(r·E_tc) (r = `mil.temperature`);
 * - for the background class `mil.normalClass` (present in every segment), the mean over time;
 * then log-softmax, trained with the same class-weighted NLL on segment labels.
 * Attention (batch, nSamples), ≥ 0, linearly interpolated from the T' steps: 1 − p_t(normal)
 * with p_t = softmax over classes of E_t when there is a normal class; otherwise the predicted
 * class ĉ's share of its smooth max, exp(r·(E_tĉ − s_ĉ)) (mean 1 over the segment's steps).
 * Then a centred box mean over `kernelSamples` (≈ half a beat, the joint model's pooling window):
 * a step's evidence may come from any part of its beat (on synthetic PVCs, the large T wave
 * 0.24 s after the R peak), so it is credited to the half beat around it, not to one sample.
 */
import { BeatlensError } from '../errors';
import { createRng } from '../random';
import { createConvFeatures } from './classifier';
import { validateModelConfig } from './config';
import { ParamStore, conv1d, createConv1d, windowReduce } from './layers';
import { checkModelInput, disposeStore, storeWeights } from './model-shell';
import { tf } from './tf';
import type {
  BeatlensModel,
  ClassifierConfig,
  FeaturesOutput,
  MilConfig,
  ModelConfig,
} from './types';

/** Receptive field of one evidence step in input samples: 1 + 3·(k − 1)·(2^blocks − 1). */
export function milReceptiveField(cfg: Pick<ClassifierConfig, 'kernelSize' | 'widths'>): number {
  return 1 + 3 * (cfg.kernelSize - 1) * (2 ** cfg.widths.length - 1);
}

/**
 * Input sample at the centre of each evidence step's receptive field, from tfjs's 'same' padding
 * of the stride-2 convolutions (pad left = floor(pad total / 2)); stride-1 'same' convs keep the
 * centre. With nSamples = 2000, k = 9 and 4 blocks, step j is centred on sample 16j + 15.
 */
export function evidenceCentres(nSamples: number, kernelSize: number, nBlocks: number): number[] {
  const lengths = [nSamples];
  for (let b = 0; b < nBlocks; b++) lengths.push(Math.ceil(lengths[b] / 2));
  let centres = Array.from({ length: lengths[nBlocks] }, (_, j) => j);
  for (let b = nBlocks - 1; b >= 0; b--) {
    const padTotal = Math.max((lengths[b + 1] - 1) * 2 + kernelSize - lengths[b], 0);
    const padLeft = Math.floor(padTotal / 2);
    centres = centres.map((c) => 2 * c - padLeft + (kernelSize - 1) / 2);
  }
  return centres;
}

/**
 * (T' × nSamples) row-major linear interpolation from the step centres to every sample (constant
 * beyond the first and last centre): map (batch, T') · M = (batch, nSamples). Rows are ≥ 0 and
 * every column sums to 1.
 */
export function interpolationMatrix(centres: number[], nSamples: number): Float32Array {
  const nSteps = centres.length;
  const m = new Float32Array(nSteps * nSamples);
  let j = 0;
  for (let s = 0; s < nSamples; s++) {
    if (s <= centres[0]) m[s] = 1;
    else if (s >= centres[nSteps - 1]) m[(nSteps - 1) * nSamples + s] = 1;
    else {
      while (centres[j + 1] <= s) j++;
      const w = (s - centres[j]) / (centres[j + 1] - centres[j]);
      m[j * nSamples + s] = 1 - w;
      m[(j + 1) * nSamples + s] = w;
    }
  }
  return m;
}

/**
 * Segment log-probabilities from the evidence E (batch, T', nClasses): log-mean-exp over time per
 * class, the mean for the normal class (index `normalIndex`, −1 for none), log-softmax.
 * Also returns the pooled scores s (batch, nClasses) before the log-softmax.
 */
export function milPool(
  evidence: tf.Tensor3D,
  mil: MilConfig,
  normalIndex: number,
): { scores: tf.Tensor2D; logits: tf.Tensor2D } {
  const [, nSteps, nClasses] = evidence.shape;
  const r = mil.temperature;
  let scores = tf.div(
    tf.sub(tf.logSumExp(tf.mul(evidence, r), 1), Math.log(nSteps)),
    r,
  ) as tf.Tensor2D;
  if (normalIndex >= 0) {
    const mask = tf.oneHot(tf.tensor1d([normalIndex], 'int32'), nClasses).toFloat();
    scores = tf.add(scores, tf.mul(mask, tf.sub(tf.mean(evidence, 1), scores))) as tf.Tensor2D;
  }
  return { scores, logits: tf.logSoftmax(scores) as tf.Tensor2D };
}

/**
 * The attention at the T' steps (batch, T'), ≥ 0: 1 − p_t(normal) with a normal class, else
 * exp(r·(E_tĉ − s_ĉ)) of the predicted class ĉ (≤ T', mean 1 over the steps).
 */
export function milStepAttention(
  evidence: tf.Tensor3D,
  scores: tf.Tensor2D,
  mil: MilConfig,
  normalIndex: number,
): tf.Tensor2D {
  const nClasses = evidence.shape[2];
  if (normalIndex >= 0) {
    const abnormal = tf.sub(1, tf.oneHot(tf.tensor1d([normalIndex], 'int32'), nClasses).toFloat());
    // Σ of the abnormal classes' p rather than 1 − p(normal): non-negative without rounding.
    return tf.sum(tf.mul(tf.softmax(evidence), tf.expandDims(abnormal, 0)), 2) as tf.Tensor2D;
  }
  const predicted = tf.oneHot(tf.argMax(scores, 1) as tf.Tensor1D, nClasses).toFloat();
  const ePredicted = tf.sum(tf.mul(evidence, tf.expandDims(predicted, 1)), 2);
  const sPredicted = tf.sum(tf.mul(scores, predicted), 1, true);
  return tf.exp(tf.mul(tf.sub(ePredicted, sPredicted), mil.temperature)) as tf.Tensor2D;
}

export function createMilFcn(config: ModelConfig, seed: number): BeatlensModel {
  validateModelConfig(config);
  const cfg: ModelConfig = structuredClone(config);
  if (cfg.method !== 'mil' || !cfg.mil) {
    throw new BeatlensError(
      'model-config',
      `model config method=${JSON.stringify(cfg.method)} is not mil, which architecture ${cfg.architecture} builds`,
    );
  }
  const mil = cfg.mil;
  const normalIndex = mil.normalClass === null ? -1 : cfg.classes.indexOf(mil.normalClass);
  const c = cfg.classifier;
  const store = new ParamStore(createRng(seed));
  const features = createConvFeatures(store, c, cfg.nLeads, 'mil');
  const evidenceConv = createConv1d(store, 'mil/evidence', {
    kernelSize: 1,
    cIn: c.widths[c.widths.length - 1],
    cOut: cfg.classes.length,
    bias: true,
  });
  const centres = evidenceCentres(cfg.nSamples, c.kernelSize, c.widths.length);
  // A constant, not a weight: it is not saved and not trained.
  const upsample = tf.tensor2d(interpolationMatrix(centres, cfg.nSamples), [
    centres.length,
    cfg.nSamples,
  ]);
  const k = cfg.kernelSamples;
  let disposed = false;

  const checkInput = (x: tf.Tensor3D): void => checkModelInput(x, cfg, disposed);

  /** featureMap → (logits, attention), the convolutions run once. */
  const head = (featureMap: tf.Tensor3D): [tf.Tensor2D, tf.Tensor2D] => {
    const evidence = conv1d(featureMap, evidenceConv);
    const { scores, logits } = milPool(evidence, mil, normalIndex);
    const steps = milStepAttention(evidence, scores, mil, normalIndex);
    const perSample = tf.matMul(steps, upsample) as tf.Tensor2D;
    return [logits, tf.div(windowReduce(perSample, k, 'sum', 'centred'), k) as tf.Tensor2D];
  };

  const forwardFeatures = (x: tf.Tensor3D, training: boolean): FeaturesOutput => {
    checkInput(x);
    const [featureMap, classifierInput, attention] = tf.tidy((): tf.Tensor[] => {
      const fm = features(x, training);
      return [fm, tf.clone(x), head(fm)[1]];
    });
    return {
      featureMap: featureMap as tf.Tensor3D,
      classifierInput: classifierInput as tf.Tensor3D,
      attention: attention as tf.Tensor2D,
      segmenterMap: null,
    };
  };

  return {
    config: cfg,
    forward(x, training) {
      checkInput(x);
      const [logits, attention] = tf.tidy(() => head(features(x, training)));
      return { logits, attention };
    },
    forwardFeatures,
    forwardHead: (featureMap) => tf.tidy(() => head(featureMap)[0]),
    ...storeWeights(store),
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeStore(store);
      upsample.dispose();
    },
  };
}
