/**
 * Conv2DBackpropFilter (the convolution filter gradient) for backends that lack it — tfjs's wasm
 * backend has none, so training any conv net on wasm throws without this.
 *
 * The filter gradient of a convolution is itself a convolution with the roles of the axes
 * swapped:
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} xPad[n, oh·sh + kh, ow·sw + kw, ci] · dy[n, oh, ow, co]
 * is a 'valid' Conv2D whose batch is ci, whose input channels are the batch n, whose filter is dy
 * (taps oh, ow) and whose *dilation* is the forward stride. That lets wasm's XNNPACK Conv2D (SIMD,
 * multi-threaded when the threaded build runs) do the work. Measured here for a 32×2000×16→32,
 * k=9 conv1d: 51 ms this way against 350–390 ms for per-tap or im2col BatchMatMul, with 41 ms for
 * the forward pass itself (see docs/backends-and-speed.md).
 */
import type { tf } from '../tf';
import {
  composeKernel,
  forwardConvInfo,
  padOrCrop,
  type ConvGradAttrs,
  type Shape4,
} from './compose';

interface FilterGradAttrs extends ConvGradAttrs {
  filterShape: Shape4;
}

/** Kernel config computing Conv2DBackpropFilter on `backendName` from its Conv2D kernel. */
export function conv2dBackpropFilterConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as FilterGradAttrs;
      const info = forwardConvInfo(
        'Conv2DBackpropFilter',
        backendName,
        a,
        x.shape as Shape4,
        a.filterShape,
      );
      const { filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth } = info;
      const { top, left } = info.padInfo;
      return composeKernel(backendName, backend, (scope) => {
        // Pad so that exactly the rows/columns the forward pass read are present.
        const needH = (outHeight - 1) * strideHeight + filterHeight;
        const needW = (outWidth - 1) * strideWidth + filterWidth;
        let xp = padOrCrop(scope, x, 1, top, needH - top - x.shape[1]);
        xp = padOrCrop(scope, xp, 2, left, needW - left - x.shape[2]);
        // (N, Hp, Wp, Ci) → (Ci, Hp, Wp, N): channels become the batch, the batch the channels.
        const xt = scope.run('Transpose', { x: xp }, { perm: [3, 1, 2, 0] });
        // (N, Ho, Wo, Co) → (Ho, Wo, N, Co): dy becomes the filter.
        const dyt = scope.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
        const grad = scope.run(
          'Conv2D',
          { x: xt, filter: dyt },
          {
            strides: [1, 1],
            pad: 'valid',
            dataFormat: 'NHWC',
            dilations: [strideHeight, strideWidth],
            dimRoundingMode: undefined,
          },
        );
        // (Ci, fh, fw, Co) → (fh, fw, Ci, Co)
        return scope.run('Transpose', { x: grad }, { perm: [1, 2, 0, 3] });
      });
    },
  };
}
