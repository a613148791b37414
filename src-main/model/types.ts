/**
 * Plain typed shapes of the beatlens models. A model is fully described by its `ModelConfig`
 * (saved beside the weights), so a config plus a seed recreates the same network.
 *
 * Tensor layout everywhere is NWC: `(batch, nSamples, nLeads)`.
 */
import type { tf } from './tf';

/**
 * How the classifier sees the segmenter's attention A:
 * - 'joint': the classifier sees A ⊙ D (the paper's method);
 * - 'classifier': no segmenter, the classifier sees D (attention is null);
 * - 'cascaded': the classifier sees A broadcast to every lead, not A ⊙ D;
 * - 'mil': multiple-instance head (architecture 'mil-fcn', src-main/model/mil.ts): per-time class
 *   evidence, a smooth max over time per class gives the segment logits, no segmenter.
 */
export type Method = 'joint' | 'classifier' | 'cascaded' | 'mil';

/** Window pooling that turns the segmenter map L into attention A (same length as L). */
export type Pooling = 'l2' | 'max';

/**
 * Where the pooling window sits relative to output sample m:
 * - 'centred': samples m - floor((k-1)/2) .. m + ceil((k-1)/2) (keeps A aligned with L and the beats);
 * - 'forward': samples m .. m+k-1, the paper's formula taken literally.
 */
export type PoolingAlign = 'centred' | 'forward';

export const METHODS: readonly Method[] = ['joint', 'classifier', 'cascaded', 'mil'];
export const POOLINGS: readonly Pooling[] = ['l2', 'max'];
export const POOLING_ALIGNS: readonly PoolingAlign[] = ['centred', 'forward'];

/** 1-D U-Net segmenter. `widths[i]` is the channel count at level i (length N / 2^i). */
export interface SegmenterConfig {
  /** Channels per level; `widths.length - 1` down-sampling steps (the U-Net depth). */
  widths: number[];
  /** Convolution kernel length in samples (odd). */
  kernelSize: number;
}

/** CNN classifier: point-wise conv, blocks of 2×(Conv+BN+ReLU), global average pooling, MLP. */
export interface ClassifierConfig {
  /** Output channels of the point-wise (k=1) input convolution. */
  stemWidth: number;
  /** Channels of each block; each block halves the length with its first (strided) conv. */
  widths: number[];
  /** Convolution kernel length in samples (odd). */
  kernelSize: number;
  /** Hidden units of the MLP head (the paper: 128). */
  hiddenUnits: number;
}

/**
 * The MIL head's pooling over time (method 'mil'). Its convolutions are `ClassifierConfig`'s stem,
 * widths and kernelSize (hiddenUnits is unused).
 */
export interface MilConfig {
  /**
   * r of the log-mean-exp smooth max s_c = (1/r)·log mean_t exp(r·e_tc): the mean over time as
   * r → 0, the max as r → ∞ (the evidence scale is learned, so r sets the starting sharpness).
   */
  temperature: number;
  /**
   * The class present in every segment's background (e.g. 'NORMAL'): pooled by the mean over
   * time, not the smooth max, and the attention is 1 − p_t(normalClass). null when no class is
   * (the PVC/APB task): the attention is then the predicted class's share of its smooth max.
   */
  normalClass: string | null;
}

export interface ModelConfig {
  /** Registered architecture family, see `listModels()`. */
  architecture: string;
  method: Method;
  pooling: Pooling;
  poolingAlign: PoolingAlign;
  /** Window pooling length in samples (default round(150 * fs / 360)). */
  kernelSamples: number;
  /** Input channels: the ECG leads, then `rhythmChannels` rhythm channels. */
  nLeads: number;
  /**
   * How many of the last input channels are rhythm channels computed from the R peaks
   * (src-main/ecg/rhythm-channels.ts); absent: none (so older saved configs stay valid).
   */
  rhythmChannels?: number;
  nSamples: number;
  /** Sampling frequency in Hz the model is trained at. */
  fs: number;
  /** Class names; output column c of the logits is `classes[c]`. */
  classes: string[];
  segmenter: SegmenterConfig;
  classifier: ClassifierConfig;
  /** Only for method 'mil' (absent otherwise, so older saved configs stay valid). */
  mil?: MilConfig;
}

/** One named weight of a model (trainable parameter or learned state such as BN moving stats). */
export interface NamedWeight {
  /** Stable hierarchical name, e.g. 'segmenter/enc1/conv0/kernel'. */
  name: string;
  variable: tf.Variable;
  trainable: boolean;
}

export interface ForwardOutput {
  /** (batch, nClasses) log-probabilities (log-softmax). */
  logits: tf.Tensor2D;
  /** (batch, nSamples) non-negative attention A, or null for the 'classifier' method. */
  attention: tf.Tensor2D | null;
}

/** Every tensor here is new and owned by the caller (dispose all of them). */
export interface FeaturesOutput {
  /** (batch, nSamples / 2^blocks, channels): the classifier's last conv feature map. */
  featureMap: tf.Tensor3D;
  /** What the classifier saw: (batch, nSamples, nLeads). */
  classifierInput: tf.Tensor3D;
  /** (batch, nSamples) attention A, or null for the 'classifier' method. */
  attention: tf.Tensor2D | null;
  /** (batch, nSamples) raw segmenter map L before window pooling, or null. */
  segmenterMap: tf.Tensor2D | null;
}

export interface BeatlensModel {
  readonly config: ModelConfig;
  /**
   * x: (batch, nSamples, nLeads). `training` selects batch statistics in BatchNorm (and updates
   * the moving averages); otherwise the moving averages are used.
   */
  forward(x: tf.Tensor3D, training: boolean): ForwardOutput;
  /** The features part (segmenter + classifier convolutions); reusable without hooks. */
  forwardFeatures(x: tf.Tensor3D, training: boolean): FeaturesOutput;
  /** The head: global average pooling + MLP + log-softmax over a feature map. */
  forwardHead(featureMap: tf.Tensor3D, training: boolean): tf.Tensor2D;
  /**
   * The classifier alone (convolutions + head → log-probabilities) on an arbitrary input of the
   * classifier's shape (batch, nSamples, nLeads), bypassing the segmenter; used by the complement
   * ("deletion game") penalty. Optional so other model families need not provide it.
   */
  forwardClassifier?(input: tf.Tensor3D, training: boolean): tf.Tensor2D;
  trainableWeights(): tf.Variable[];
  /** All weights with stable names, in a fixed order (what `saveModel` writes). */
  namedWeights(): NamedWeight[];
  /** Number of trainable parameters. */
  countParams(): number;
  dispose(): void;
}
