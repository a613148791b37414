/**
 * CNN classifier (the paper's): point-wise (k=1) conv, blocks of 2×(Conv+BN+ReLU) whose first
 * conv has stride 2 (down-sampling), then the head: global average pooling, MLP
 * channels→hidden (ReLU) → classes, log-softmax.
 */
import { tf } from './tf';
import type { ConvBnReluParams, Conv1dParams, DenseParams, ParamStore } from './layers';
import { conv1d, convBnRelu, createConv1d, createConvBnRelu, createDense, dense } from './layers';
import type { ClassifierConfig } from './types';

export interface Classifier {
  /** Features part: x (batch, nSamples, nInputs) → feature map (batch, nSamples/2^blocks, C). */
  features(x: tf.Tensor3D, training: boolean): tf.Tensor3D;
  /** Head: feature map → (batch, nClasses) log-probabilities. */
  head(featureMap: tf.Tensor3D, training: boolean): tf.Tensor2D;
}

/** The classifier's convolutions: x (batch, nSamples, nInputs) → (batch, nSamples/2^blocks, C). */
export type ConvFeatures = (x: tf.Tensor3D, training: boolean) => tf.Tensor3D;

/**
 * The point-wise stem and the blocks of 2×(Conv+BN+ReLU), the first conv of each with stride 2.
 * Shared by the classifier and the MIL head (src-main/model/mil.ts); weights are named
 * `${prefix}/stem`, `${prefix}/block<b>/<0|1>`.
 */
export function createConvFeatures(
  store: ParamStore,
  cfg: Pick<ClassifierConfig, 'stemWidth' | 'widths' | 'kernelSize'>,
  nInputs: number,
  prefix: string,
): ConvFeatures {
  const { stemWidth, widths, kernelSize } = cfg;
  const stem: Conv1dParams = createConv1d(store, `${prefix}/stem`, {
    kernelSize: 1,
    cIn: nInputs,
    cOut: stemWidth,
    bias: true,
  });
  const blocks: ConvBnReluParams[][] = widths.map((w, b) => [
    createConvBnRelu(store, `${prefix}/block${b}/0`, {
      kernelSize,
      cIn: b === 0 ? stemWidth : widths[b - 1],
      cOut: w,
      stride: 2,
    }),
    createConvBnRelu(store, `${prefix}/block${b}/1`, { kernelSize, cIn: w, cOut: w }),
  ]);
  return (x, training) => {
    let h = conv1d(x, stem);
    for (const block of blocks) for (const unit of block) h = convBnRelu(h, unit, training);
    return h;
  };
}

export function createClassifier(
  store: ParamStore,
  cfg: ClassifierConfig,
  nInputs: number,
  nClasses: number,
  prefix = 'classifier',
): Classifier {
  const { widths, hiddenUnits } = cfg;
  const features = createConvFeatures(store, cfg, nInputs, prefix);
  const fc1: DenseParams = createDense(store, `${prefix}/fc1`, {
    inputs: widths[widths.length - 1],
    units: hiddenUnits,
  });
  const fc2: DenseParams = createDense(store, `${prefix}/fc2`, {
    inputs: hiddenUnits,
    units: nClasses,
    init: 'glorot',
  });

  return {
    features,
    head(featureMap) {
      const pooled = tf.mean(featureMap, 1) as tf.Tensor2D;
      return tf.logSoftmax(dense(tf.relu(dense(pooled, fc1)), fc2));
    },
  };
}
