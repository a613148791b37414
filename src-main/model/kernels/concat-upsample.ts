/**
 * The U-Net decoder's input in one pass: the skip connection next to the coarser level
 * up-sampled by 2 (nearest), concatenated along the channels, and its gradient in one pass back.
 * As tf ops (`stack` + `reshape` + `concat`) the forward writes the up-sampled tensor and then
 * the concatenation, and the gradient runs SplitV and Unpack, each a full copy.
 *
 * Forward  skip (B, 2n, Cs), h (B, n, Ch) → out (B, 2n, Cs + Ch):
 *   out[b, t, 0:Cs] = skip[b, t, :],  out[b, t, Cs:] = h[b, ⌊t/2⌋, :]
 * Backward dOut → dSkip = dOut[…, 0:Cs],  dh[b, q, :] = dOut[b, 2q, Cs:] + dOut[b, 2q + 1, Cs:]
 */
import type { tf } from '../tf';
import { hostArrays, HOST_BACKENDS } from './host-arrays';
import { concatUpsample, concatUpsampleGrad } from './simd-kernels';

export const CONCAT_UPSAMPLE = 'BeatlensConcatUpsample2';
export const CONCAT_UPSAMPLE_GRAD = 'BeatlensConcatUpsample2Grad';

function forwardConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: CONCAT_UPSAMPLE,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { skip, h } = inputs as Record<'skip' | 'h', tf.TensorInfo>;
      const [batch, width, cs] = skip.shape;
      const ch = h.shape[2];
      const c = cs + ch;
      const { ins, outs, infos } = hostArrays(backendName, backend, [skip, h], [[batch, width, c]]);
      concatUpsample(ins[0], ins[1], outs[0], cs, ch);
      return infos[0];
    },
  };
}

function backwardConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: CONCAT_UPSAMPLE_GRAD,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy } = inputs as { dy: tf.TensorInfo };
      const cs = (attrs as { skipChannels: number }).skipChannels;
      const [batch, width, c] = dy.shape;
      const ch = c - cs;
      const { ins, outs, infos } = hostArrays(
        backendName,
        backend,
        [dy],
        [
          [batch, width, cs],
          [batch, width / 2, ch],
        ],
      );
      concatUpsampleGrad(ins[0], outs[0], outs[1], cs, ch);
      return infos;
    },
  };
}

/** The forward and gradient kernels for every backend with host memory. */
export function concatUpsampleConfigs(): tf.KernelConfig[] {
  return HOST_BACKENDS.flatMap((b) => [forwardConfig(b), backwardConfig(b)]);
}
