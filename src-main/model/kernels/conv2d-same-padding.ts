/**
 * Works around a tfjs-backend-wasm 4.22 bug: Conv2D / FusedConv2D with pad 'same' return zeros
 * when the stride exceeds the filter size and the input needs no padding (e.g. width 9, filter 2,
 * stride 3 gives [0, 0, 0] instead of [21, 54, 87]; XNNPACK's own 'same' arithmetic goes
 * negative). The wrapper hands the kernel the explicit padding tfjs computes, which is the same
 * convolution and is correct in every case.
 */
import { tf } from '../tf';

type Shape4 = [number, number, number, number];

interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Kernel config for `kernelName` that calls `original` with 'same' turned into explicit pads. */
export function explicitSamePaddingConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as ConvAttrs;
      if (attrs.pad !== 'same' || attrs.dataFormat === 'NCHW') return original.kernelFunc(args);
      const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as Shape4,
        filter.shape as Shape4,
        attrs.strides,
        attrs.dilations ?? 1,
        'same',
        attrs.dimRoundingMode,
      );
      const { top, bottom, left, right } = info.padInfo;
      const pad: tf.backend_util.ExplicitPadding = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      return original.kernelFunc({ ...args, attrs: { ...args.attrs, pad } as tf.NamedAttrMap });
    },
  };
}
