/**
 * Registers the gradient kernels that let tfjs's wasm backend train the beatlens models, and the
 * dilation-aware Conv2D gradient (all backends). Idempotent.
 *
 * - Conv2DBackpropFilter: missing from wasm; supplied as a Conv2D with swapped axes.
 * - Conv2DBackpropInput: wasm's native kernel is ~10× slower than the same sums as an XNNPACK
 *   Conv2D, so it is replaced (unless BEATLENS_WASM_NATIVE_CONV_BACKPROP=1, kept for comparison).
 * - Conv2D, FusedConv2D: wrapped to pass 'same' padding explicitly (wasm bug, see
 *   conv2d-same-padding.ts).
 * - Identity: wasm's copies the buffer on every clone (each tensor saved for a gradient); replaced
 *   by a reference-counted share (identity-shared.ts).
 * Host kernels (wasm and cpu, `registerHostKernels`): training batch norm + ReLU and the U-Net's
 * concat-with-up-sampling, forward and gradient, in an AssemblyScript SIMD module (simd/).
 * Every other kernel a conv1d / batch-norm / pooling / upsampling / dense network needs for
 * training exists in wasm 4.22 (checked by test/model/kernels/training-kernels.test.ts).
 */
import { tf } from '../tf';
import { batchNormReluConfigs } from './batch-norm-relu';
import { concatUpsampleConfigs } from './concat-upsample';
import { simdKernelsAvailable } from './simd-kernels';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { conv2dGradConfig } from './conv2d-grad';
import { explicitSamePaddingConfig } from './conv2d-same-padding';
import { sharedIdentityConfig } from './identity-shared';

let gradientRegistered = false;
let hostRegistered = false;
const kernelsRegistered = new Set<string>();

function replaceKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) != null) {
    tf.unregisterKernel(config.kernelName, config.backendName);
  }
  tf.registerKernel(config);
}

/** Registers the host kernels (wasm and cpu; the ops in layers.ts fall back elsewhere). */
export function registerHostKernels(): void {
  if (hostRegistered || !simdKernelsAvailable()) return;
  for (const config of [...batchNormReluConfigs(), ...concatUpsampleConfigs()]) {
    replaceKernel(config);
  }
  hostRegistered = true;
}

/** Registers the composed gradient kernels for `backendName` (default 'wasm'). */
export function registerGradientKernels(backendName = 'wasm'): void {
  if (!gradientRegistered) {
    tf.registerGradient(conv2dGradConfig);
    gradientRegistered = true;
  }
  if (kernelsRegistered.has(backendName)) return;
  replaceKernel(conv2dBackpropFilterConfig(backendName));
  if (process.env.BEATLENS_WASM_NATIVE_CONV_BACKPROP !== '1') {
    replaceKernel(conv2dBackpropInputConfig(backendName));
  }
  if (backendName === 'wasm') {
    for (const name of ['Conv2D', 'FusedConv2D']) {
      const original = tf.getKernel(name, backendName);
      if (original != null) replaceKernel(explicitSamePaddingConfig(original));
    }
    replaceKernel(sharedIdentityConfig(backendName));
  }
  kernelsRegistered.add(backendName);
}

export {
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  conv2dGradConfig,
  explicitSamePaddingConfig,
  sharedIdentityConfig,
};
