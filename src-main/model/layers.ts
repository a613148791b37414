/**
 * Building blocks of the beatlens models, written with raw tfjs ops (not tf.layers) so that
 * weights get stable hierarchical names, initialisation is seeded by `createRng`, and every op
 * used has a gradient on the cpu and wasm backends.
 *
 * Layout: NWC, i.e. (batch, nSamples, channels).
 */
import { BeatlensError } from '../errors';
import type { Rng } from '../random';
import { BN_RELU, BN_RELU_GRAD } from './kernels/batch-norm-relu';
import { CONCAT_UPSAMPLE, CONCAT_UPSAMPLE_GRAD } from './kernels/concat-upsample';
import { registerHostKernels } from './kernels';
import { hasHostKernel } from './kernels/host-arrays';
import { kernelOn } from './kernels/switches';
import { tf } from './tf';
import type { NamedWeight, Pooling, PoolingAlign } from './types';

registerHostKernels();

type Init = 'he' | 'glorot' | 'zeros' | 'ones';

/** Creates and names a model's weights in a fixed order, drawing initial values from one Rng. */
export class ParamStore {
  private readonly items: NamedWeight[] = [];

  constructor(private readonly rng: Rng) {}

  /**
   * `fanIn`/`fanOut` feed He (normal, std sqrt(2/fanIn), suits ReLU nets) and Glorot (uniform)
   * initialisation.
   */
  add(
    name: string,
    shape: number[],
    init: Init,
    opts: { trainable?: boolean; fanIn?: number; fanOut?: number } = {},
  ): tf.Variable {
    if (this.items.some((w) => w.name === name)) {
      throw new BeatlensError('model-internal', `duplicate weight name ${name}`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (init === 'ones') values.fill(1);
    else if (init === 'he') {
      const std = Math.sqrt(2 / (opts.fanIn ?? 1));
      for (let i = 0; i < size; i++) values[i] = this.rng.normal() * std;
    } else if (init === 'glorot') {
      const limit = Math.sqrt(6 / ((opts.fanIn ?? 1) + (opts.fanOut ?? 1)));
      for (let i = 0; i < size; i++) values[i] = (2 * this.rng.next() - 1) * limit;
    }
    const trainable = opts.trainable ?? true;
    // No tfjs name: tfjs variable names are global per engine and would clash across models.
    const variable = tf.variable(tf.tensor(values, shape, 'float32'), trainable);
    this.items.push({ name, variable, trainable });
    return variable;
  }

  weights(): NamedWeight[] {
    return [...this.items];
  }
}

/** Conv1d weights: kernel (k, cIn, cOut), optional bias (cOut). */
export interface Conv1dParams {
  kernel: tf.Variable;
  bias: tf.Variable | null;
  stride: number;
}

export function createConv1d(
  store: ParamStore,
  name: string,
  p: { kernelSize: number; cIn: number; cOut: number; stride?: number; bias?: boolean },
): Conv1dParams {
  const kernel = store.add(`${name}/kernel`, [p.kernelSize, p.cIn, p.cOut], 'he', {
    fanIn: p.kernelSize * p.cIn,
  });
  const bias = p.bias ? store.add(`${name}/bias`, [p.cOut], 'zeros') : null;
  return { kernel, bias, stride: p.stride ?? 1 };
}

/** 'same' padded 1-D convolution: output length ceil(nSamples / stride). */
export function conv1d(x: tf.Tensor3D, p: Conv1dParams): tf.Tensor3D {
  const y = tf.conv1d(x, p.kernel as tf.Tensor3D, p.stride, 'same');
  return p.bias ? tf.add(y, p.bias) : y;
}

/**
 * BatchNorm over (batch, samples) per channel with PyTorch conventions: moving averages updated
 * as m ← (1 - momentum)·m + momentum·batch, variance stored unbiased, eps 1e-5.
 */
export interface BatchNormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVar: tf.Variable;
  momentum: number;
  eps: number;
}

export function createBatchNorm(
  store: ParamStore,
  name: string,
  channels: number,
): BatchNormParams {
  return {
    gamma: store.add(`${name}/gamma`, [channels], 'ones'),
    beta: store.add(`${name}/beta`, [channels], 'zeros'),
    movingMean: store.add(`${name}/moving_mean`, [channels], 'zeros', { trainable: false }),
    movingVar: store.add(`${name}/moving_var`, [channels], 'ones', { trainable: false }),
    momentum: 0.1,
    eps: 1e-5,
  };
}

/**
 * Training: normalise with the batch statistics and update the moving averages (a side effect
 * outside the gradient path). Inference: normalise with the moving averages.
 */
export function batchNorm(x: tf.Tensor3D, p: BatchNormParams, training: boolean): tf.Tensor3D {
  if (!training) {
    // Folded into one scale and shift; no manual dispose so gradients w.r.t. x still work.
    const inv = tf.mul(tf.rsqrt(tf.add(p.movingVar, p.eps)), p.gamma);
    const shift = tf.sub(p.beta, tf.mul(p.movingMean, inv));
    return tf.add(tf.mul(x, inv), shift) as tf.Tensor3D;
  }
  const { mean, variance } = tf.moments(x, [0, 1]);
  updateMovingStats(p, mean as tf.Tensor1D, variance as tf.Tensor1D, x.shape[0] * x.shape[1]);
  // y = x·s + (beta − mean·s) with s = gamma/sqrt(var + eps): two full-size ops instead of four.
  const scale = tf.mul(tf.rsqrt(tf.add(variance, p.eps)), p.gamma);
  const shift = tf.sub(p.beta, tf.mul(mean, scale));
  return tf.add(tf.mul(x, scale), shift) as tf.Tensor3D;
}

/** Conv (no bias: BN follows) + BatchNorm + ReLU, the unit of both networks. */
export interface ConvBnReluParams {
  conv: Conv1dParams;
  bn: BatchNormParams;
}

export function createConvBnRelu(
  store: ParamStore,
  name: string,
  p: { kernelSize: number; cIn: number; cOut: number; stride?: number },
): ConvBnReluParams {
  return {
    conv: createConv1d(store, `${name}/conv`, { ...p, bias: false }),
    bn: createBatchNorm(store, `${name}/bn`, p.cOut),
  };
}

/**
 * Training-mode BatchNorm + ReLU as one op with a hand-written gradient: y = relu(x̂·γ + β) with
 * x̂ = (x − μ)/√(σ² + eps) over (batch, samples). Autodiff through `tf.moments` and the broadcast
 * ops costs ~20 full-size elementwise passes in the backward pass; the closed form
 *   g = dy·[y > 0],  dβ = Σg,  dγ = Σ g·x̂,  dx = γ/√(σ² + eps) · (g − dβ/n − x̂·dγ/n)
 * needs about 8 (with the shared wasm Identity, 11–14 % less CPU per training step on wasm,
 * docs/backends-and-speed.md). Updates the moving averages
 * like `batchNorm`. Same values and gradients as `relu(batchNorm(x, p, true))`, tested.
 */
export function batchNormReluTraining(x: tf.Tensor3D, p: BatchNormParams): tf.Tensor3D {
  const n = x.shape[0] * x.shape[1];
  if (kernelOn('bn-relu') && hasHostKernel(BN_RELU)) return batchNormReluKernel(x, p, n);
  const op = tf.customGrad((...args: unknown[]) => {
    const [z, gamma, beta, save] = args as [
      tf.Tensor3D,
      tf.Tensor1D,
      tf.Tensor1D,
      (tensors: tf.Tensor[]) => void,
    ];
    const mean = tf.mean(z, [0, 1]) as tf.Tensor1D;
    const centred = tf.sub(z, mean);
    const variance = tf.mean(tf.square(centred), [0, 1]) as tf.Tensor1D;
    updateMovingStats(p, mean, variance, n);
    const inv = tf.rsqrt(tf.add(variance, p.eps));
    const scale = tf.mul(inv, gamma);
    const y = tf.relu(tf.add(tf.mul(centred, scale), beta)) as tf.Tensor3D;
    save([centred, inv, scale, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [c, invStd, s, out] = saved;
        const g = tf.mul(dy, tf.step(out));
        const xHat = tf.mul(c, invStd);
        const dBeta = tf.sum(g, [0, 1]);
        const dGamma = tf.sum(tf.mul(g, xHat), [0, 1]);
        const correction = tf.add(tf.mul(xHat, tf.div(dGamma, n)), tf.div(dBeta, n));
        const dx = tf.mul(tf.sub(g, correction), s);
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, p.gamma, p.beta) as tf.Tensor3D;
}

/**
 * `batchNormReluTraining` as two kernels (kernels/batch-norm-relu.ts: the forward reads x twice
 * and writes y once, the gradient reads dy, x, y twice and writes dx once) on the backends that
 * have them (wasm, cpu).
 */
function batchNormReluKernel(x: tf.Tensor3D, p: BatchNormParams, n: number): tf.Tensor3D {
  const engine = tf.engine();
  const op = tf.customGrad((...args: unknown[]) => {
    const [z, gamma, beta, save] = args as [
      tf.Tensor3D,
      tf.Tensor1D,
      tf.Tensor1D,
      (tensors: tf.Tensor[]) => void,
    ];
    const [y, mean, variance, invStd] = engine.runKernel(
      BN_RELU,
      { x: z, gamma, beta },
      {
        eps: p.eps,
      },
    ) as tf.Tensor[];
    updateMovingStats(p, mean as tf.Tensor1D, variance as tf.Tensor1D, n);
    save([z, y, mean, invStd, gamma]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [zs, ys, m, r, g] = saved;
        return engine.runKernel(BN_RELU_GRAD, {
          dy,
          x: zs,
          y: ys,
          mean: m,
          invStd: r,
          gamma: g,
        }) as tf.Tensor[];
      },
    };
  });
  return op(x, p.gamma, p.beta) as tf.Tensor3D;
}

/** m ← (1 − momentum)·m + momentum·batch, variance unbiased (PyTorch); outside any gradient. */
function updateMovingStats(
  p: BatchNormParams,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  n: number,
): void {
  tf.tidy(() => {
    const m = p.momentum;
    const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
    p.movingMean.assign(tf.add(tf.mul(p.movingMean, 1 - m), tf.mul(mean, m)));
    p.movingVar.assign(tf.add(tf.mul(p.movingVar, 1 - m), tf.mul(unbiased, m)));
  });
}

export function convBnRelu(x: tf.Tensor3D, p: ConvBnReluParams, training: boolean): tf.Tensor3D {
  if (training) return batchNormReluTraining(conv1d(x, p.conv), p.bn);
  // Inference: BN folded into the convolution, so one fused conv+bias+ReLU kernel does it all
  // (tfjs falls back to separate ops by itself when a gradient is being recorded).
  const { bn, conv } = p;
  const scale = tf.mul(tf.rsqrt(tf.add(bn.movingVar, bn.eps)), bn.gamma);
  const bias = tf.sub(bn.beta, tf.mul(bn.movingMean, scale));
  const [k, cIn, cOut] = conv.kernel.shape;
  const filter = tf.reshape(tf.mul(conv.kernel, scale), [1, k, cIn, cOut]) as tf.Tensor4D;
  const [batch, nSamples, channels] = x.shape;
  const y = tf.fused.conv2d({
    x: tf.reshape(x, [batch, 1, nSamples, channels]) as tf.Tensor4D,
    filter,
    strides: [1, conv.stride],
    pad: 'same',
    bias,
    activation: 'relu',
  });
  return tf.reshape(y, [batch, y.shape[2], cOut]) as tf.Tensor3D;
}

/** Fully connected layer: kernel (in, out), bias (out). */
export interface DenseParams {
  kernel: tf.Variable;
  bias: tf.Variable;
}

export function createDense(
  store: ParamStore,
  name: string,
  p: { units: number; inputs: number; init?: 'he' | 'glorot' },
): DenseParams {
  return {
    kernel: store.add(`${name}/kernel`, [p.inputs, p.units], p.init ?? 'he', {
      fanIn: p.inputs,
      fanOut: p.units,
    }),
    bias: store.add(`${name}/bias`, [p.units], 'zeros'),
  };
}

export function dense(x: tf.Tensor2D, p: DenseParams): tf.Tensor2D {
  return tf.add(tf.matMul(x, p.kernel as tf.Tensor2D), p.bias) as tf.Tensor2D;
}

/** Nearest-neighbour up-sampling by 2 along the samples axis: (b, n, c) → (b, 2n, c). */
export function upsample2(x: tf.Tensor3D): tf.Tensor3D {
  const [b, n, c] = x.shape;
  // stack + reshape instead of resizeNearestNeighbor: its gradient needs no extra wasm kernel.
  return tf.reshape(tf.stack([x, x], 2), [b, 2 * n, c]);
}

/**
 * The U-Net decoder input: concat([skip, upsample2(h)]) along the channels, skip (b, 2n, cs) and
 * h (b, n, ch) → (b, 2n, cs + ch). On wasm and cpu one kernel writes it and one computes its
 * gradient (kernels/concat-upsample.ts) instead of a stack, a concat and their SplitV / Unpack
 * gradients.
 */
export function concatUpsample2(skip: tf.Tensor3D, h: tf.Tensor3D): tf.Tensor3D {
  if (skip.shape[1] !== 2 * h.shape[1] || skip.shape[0] !== h.shape[0]) {
    throw new BeatlensError(
      'model-internal',
      `concatUpsample2: skip [${skip.shape}] is not twice as long as h [${h.shape}]`,
    );
  }
  if (!kernelOn('concat-upsample') || !hasHostKernel(CONCAT_UPSAMPLE)) {
    return tf.concat([skip, upsample2(h)], 2);
  }
  const engine = tf.engine();
  const skipChannels = skip.shape[2];
  const op = tf.customGrad((...args: unknown[]) => {
    const [s, x] = args as [tf.Tensor3D, tf.Tensor3D];
    return {
      value: engine.runKernel(CONCAT_UPSAMPLE, { skip: s, h: x }) as tf.Tensor3D,
      gradFunc: (dy: tf.Tensor) =>
        engine.runKernel(CONCAT_UPSAMPLE_GRAD, { dy }, { skipChannels }) as tf.Tensor[],
    };
  });
  return op(skip, h) as tf.Tensor3D;
}

/** Zero padding (left, right) so that a window of k samples yields one output per input sample. */
export function windowPadding(kernelSamples: number, align: PoolingAlign): [number, number] {
  const left = align === 'centred' ? Math.floor((kernelSamples - 1) / 2) : 0;
  return [left, kernelSamples - 1 - left];
}

/**
 * Sliding-window reduction with stride 1 over the last axis of x (batch, nSamples), zero padded
 * so the output has nSamples values: out[m] = op(xp[m .. m+k-1]) where xp is x padded by
 * `windowPadding(k, align)`.
 *
 * Built from O(log k) shifted slices and elementwise add/maximum (windows of 1, 2, 4, ... samples
 * doubled), so it is exact (no prefix-sum cancellation), cheap, and differentiable on any backend
 * without pooling-gradient kernels.
 */
export function windowReduce(
  x: tf.Tensor2D,
  kernelSamples: number,
  op: 'sum' | 'max',
  align: PoolingAlign,
): tf.Tensor2D {
  const [batch, nSamples] = x.shape;
  const k = kernelSamples;
  const [left, right] = windowPadding(k, align);
  const xp =
    left + right > 0
      ? tf.pad(x, [
          [0, 0],
          [left, right],
        ])
      : x;
  const combine = op === 'sum' ? tf.add : tf.maximum;
  // levels[j] holds windows of 2^j samples: length nSamples + k - 2^j.
  const levels: tf.Tensor2D[] = [xp];
  for (let w = 1; 2 * w <= k; w *= 2) {
    const prev = levels[levels.length - 1];
    const len = prev.shape[1] - w;
    const next = combine(
      tf.slice(prev, [0, 0], [batch, len]),
      tf.slice(prev, [0, w], [batch, len]),
    ) as tf.Tensor2D;
    levels.push(next);
  }
  const top = levels.length - 1;
  const topWidth = 2 ** top;
  if (op === 'max') {
    // Two overlapping windows of the largest power of two cover exactly k samples.
    const a = tf.slice(levels[top], [0, 0], [batch, nSamples]);
    if (topWidth === k) return a;
    const b = tf.slice(levels[top], [0, k - topWidth], [batch, nSamples]);
    return tf.maximum(a, b);
  }
  // Sum: one window per set bit of k, placed back to back.
  let out: tf.Tensor2D | null = null;
  let offset = 0;
  for (let j = top; j >= 0; j--) {
    if ((k >> j) & 1) {
      const part = tf.slice(levels[j], [0, offset], [batch, nSamples]);
      out = out ? (tf.add(out, part) as tf.Tensor2D) : part;
      offset += 2 ** j;
    }
  }
  return out as tf.Tensor2D;
}

/** Added under the square root so L2 pooling has a finite gradient where the window is all 0. */
export const L2_POOL_EPS = 1e-6;

/**
 * Window pooling of the segmenter map L (batch, nSamples) into attention A, same shape, A ≥ 0:
 * - 'l2':  a_m = sqrt(sum over the window of l_i^2 + eps);
 * - 'max': a_m = max over the window of relu(l_i).
 */
export function windowPool(
  l: tf.Tensor2D,
  pooling: Pooling,
  kernelSamples: number,
  align: PoolingAlign,
): tf.Tensor2D {
  return tf.tidy(() => {
    if (pooling === 'l2') {
      const sumSq = windowReduce(tf.square(l), kernelSamples, 'sum', align);
      return tf.sqrt(tf.add(sumSq, L2_POOL_EPS)) as tf.Tensor2D;
    }
    return windowReduce(tf.relu(l), kernelSamples, 'max', align);
  });
}
