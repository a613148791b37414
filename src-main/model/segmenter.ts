/**
 * 1-D U-Net segmenter: D (batch, nSamples, nLeads) → one-channel map L (batch, nSamples).
 *
 * Level 0 works at full resolution; each further level halves the length with a stride-2
 * convolution (cheaper than conv + pooling: half the outputs are never computed). The decoder
 * up-samples by 2 (nearest), concatenates the skip connection of the same level and applies two
 * Conv+BN+ReLU. A final point-wise conv gives the single channel. Inputs whose length is not a
 * multiple of 2^depth are zero padded at the end and the map is cropped back.
 */
import { tf } from './tf';
import type { ConvBnReluParams, Conv1dParams, ParamStore } from './layers';
import { concatUpsample2, conv1d, convBnRelu, createConv1d, createConvBnRelu } from './layers';
import type { SegmenterConfig } from './types';

export interface Segmenter {
  /** x: (batch, nSamples, nLeads) → L: (batch, nSamples). */
  apply(x: tf.Tensor3D, training: boolean): tf.Tensor2D;
}

export function createSegmenter(
  store: ParamStore,
  cfg: SegmenterConfig,
  nLeads: number,
  prefix = 'segmenter',
): Segmenter {
  const { widths, kernelSize } = cfg;
  const depth = widths.length - 1;
  const encoder: ConvBnReluParams[][] = widths.map((w, i) => [
    createConvBnRelu(store, `${prefix}/enc${i}/0`, {
      kernelSize,
      cIn: i === 0 ? nLeads : widths[i - 1],
      cOut: w,
      stride: i === 0 ? 1 : 2,
    }),
    createConvBnRelu(store, `${prefix}/enc${i}/1`, { kernelSize, cIn: w, cOut: w }),
  ]);
  const decoder: ConvBnReluParams[][] = [];
  for (let i = depth - 1; i >= 0; i--) {
    decoder[i] = [
      createConvBnRelu(store, `${prefix}/dec${i}/0`, {
        kernelSize,
        cIn: widths[i] + widths[i + 1],
        cOut: widths[i],
      }),
      createConvBnRelu(store, `${prefix}/dec${i}/1`, {
        kernelSize,
        cIn: widths[i],
        cOut: widths[i],
      }),
    ];
  }
  const head: Conv1dParams = createConv1d(store, `${prefix}/head`, {
    kernelSize: 1,
    cIn: widths[0],
    cOut: 1,
    bias: true,
  });

  return {
    apply(x, training) {
      const [batch, nSamples] = x.shape;
      const multiple = 2 ** depth;
      const padded = Math.ceil(nSamples / multiple) * multiple;
      let h: tf.Tensor3D =
        padded === nSamples
          ? x
          : tf.pad(x, [
              [0, 0],
              [0, padded - nSamples],
              [0, 0],
            ]);
      const skips: tf.Tensor3D[] = [];
      for (let i = 0; i <= depth; i++) {
        for (const unit of encoder[i]) h = convBnRelu(h, unit, training);
        skips.push(h);
      }
      for (let i = depth - 1; i >= 0; i--) {
        h = concatUpsample2(skips[i], h);
        for (const unit of decoder[i]) h = convBnRelu(h, unit, training);
      }
      let map: tf.Tensor3D = conv1d(h, head);
      if (padded !== nSamples) map = tf.slice(map, [0, 0, 0], [batch, nSamples, 1]);
      return tf.reshape(map, [batch, nSamples]);
    },
  };
}
