/**
 * Training-mode batch norm + ReLU over the rows of a channels-last tensor, as two kernels (a
 * forward and its hand-written gradient) that each read the activations only two or three times.
 * As tf ops the same op costs ~10 full-size elementwise passes forward and backward, each a
 * separate kernel with its own output buffer (docs/backends-and-speed.md).
 *
 * Forward  (x: (rows, C) flattened from any shape whose last axis is C; gamma, beta: (C)):
 *   μ = mean(x), σ² = mean((x − μ)²)  (biased, per channel), r = 1/√(σ² + eps)
 *   y = max(0, (x − μ)·r·γ + β);  outputs y, μ, σ², r
 * Backward (dy, x, y, μ, r, γ):
 *   g = dy·[y > 0], dβ = Σg, dγ = Σ g·x̂ with x̂ = (x − μ)·r,
 *   dx = γ·r·(g − dβ/n − x̂·dγ/n);  outputs dx, dγ, dβ
 * Sums are accumulated in float32 over blocks of 256 rows, then in float64. The arithmetic is
 * the SIMD module's (simd/host-kernels.as).
 */
import type { tf } from '../tf';
import { hostArrays, HOST_BACKENDS } from './host-arrays';
import { bnReluBackward, bnReluForward } from './simd-kernels';

export const BN_RELU = 'BeatlensBatchNormRelu';
export const BN_RELU_GRAD = 'BeatlensBatchNormReluGrad';

function forwardConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: BN_RELU,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
      const c = gamma.shape[0];
      const { ins, outs, infos } = hostArrays(
        backendName,
        backend,
        [x, gamma, beta],
        [x.shape, [c], [c], [c]],
      );
      const [y, mean, variance, invStd] = outs;
      bnReluForward(ins[0], ins[1], ins[2], (attrs as { eps: number }).eps, {
        y,
        mean,
        variance,
        invStd,
      });
      return infos;
    },
  };
}

function backwardConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: BN_RELU_GRAD,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const i = inputs as Record<'dy' | 'x' | 'y' | 'mean' | 'invStd' | 'gamma', tf.TensorInfo>;
      const c = i.gamma.shape[0];
      const { ins, outs, infos } = hostArrays(
        backendName,
        backend,
        [i.dy, i.x, i.y, i.mean, i.invStd, i.gamma],
        [i.x.shape, [c], [c]],
      );
      const [dx, dGamma, dBeta] = outs;
      const [dy, x, y, mean, invStd, gamma] = ins;
      bnReluBackward({ dy, x, y, mean, invStd, gamma }, { dx, dGamma, dBeta });
      return infos;
    },
  };
}

/** The forward and gradient kernels for every backend with host memory. */
export function batchNormReluConfigs(): tf.KernelConfig[] {
  return HOST_BACKENDS.flatMap((b) => [forwardConfig(b), backwardConfig(b)]);
}
