/**
 * Gradient of Conv2D that also handles dilation > 1 (tfjs-core's own asserts dilation 1, so a
 * dilated conv1d cannot be trained on any backend without this).
 *
 * A convolution with dilation d equals a dilation-1 convolution with the filter spread out by
 * d − 1 zeros between taps (same effective size, hence the same 'same' padding). The input
 * gradient is the transpose-convolution with that spread filter; the filter gradient is the
 * spread filter's gradient read back at every d-th tap. For dilation 1 this is exactly tfjs-core's
 * gradient.
 */
import { tf } from '../tf';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function pair(v: [number, number] | number): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/** Inserts `d − 1` zeros between taps along filter axis 0 or 1 of a (fh, fw, ci, co) filter. */
export function spreadFilter(filter: tf.Tensor4D, axis: 0 | 1, d: number): tf.Tensor4D {
  if (d === 1 || filter.shape[axis] === 1) return filter;
  const [fh, fw, ci, co] = filter.shape;
  const split: [number, number, number, number, number] =
    axis === 0 ? [fh, 1, fw, ci, co] : [fh, fw, 1, ci, co];
  const paddings: Array<[number, number]> = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  paddings[axis + 1] = [0, d - 1];
  const spread = tf.pad(tf.reshape(filter, split), paddings);
  const merged: [number, number, number, number] =
    axis === 0 ? [fh * d, fw, ci, co] : [fh, fw * d, ci, co];
  const size: [number, number, number, number] = [...merged];
  size[axis] = (filter.shape[axis] - 1) * d + 1;
  return tf.slice(tf.reshape(spread, merged), [0, 0, 0, 0], size) as tf.Tensor4D;
}

export const conv2dGradConfig: tf.GradConfig = {
  kernelName: 'Conv2D',
  inputsToSave: ['x', 'filter'],
  gradFunc: (dyIn, saved, attrs) => {
    const dy = dyIn as tf.Tensor4D;
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dataFormat, dilations } = attrs as unknown as Conv2DAttrs;
    const [dh, dw] = pair(dilations ?? 1);
    const spread = spreadFilter(spreadFilter(filter, 0, dh), 1, dw);
    const engine = tf.engine();
    return {
      x: () =>
        engine.runKernel('Conv2DBackpropInput', { dy, filter: spread }, {
          inputShape: x.shape,
          strides,
          pad,
          dataFormat,
        } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor4D,
      filter: () => {
        const g = engine.runKernel('Conv2DBackpropFilter', { x, dy }, {
          filterShape: spread.shape,
          strides,
          pad,
          dataFormat,
        } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor4D;
        if (dh === 1 && dw === 1) return g;
        return tf.stridedSlice(g, [0, 0, 0, 0], g.shape, [dh, dw, 1, 1]);
      },
    };
  },
};
