/**
 * Building kernels out of other kernels of the same backend, the way tfjs backends compose their
 * own (e.g. wasm's Conv2DBackpropInput is not used, and its missing Conv2DBackpropFilter is
 * supplied, as a few calls of Pad / Transpose / Conv2D). Working at kernel level rather than with
 * tf ops keeps these calls off the gradient tape and out of tfjs's op bookkeeping, and lets us
 * register them for one backend only.
 */
import { tf } from '../tf';

/** The backend tensors a composed kernel created; all but the result are released at the end. */
export class KernelScope {
  private readonly made: tf.TensorInfo[] = [];

  constructor(
    readonly backendName: string,
    readonly backend: tf.KernelBackend,
  ) {}

  /** Runs kernel `kernelName` of this backend; its output is released by `finish` unless returned. */
  run(
    kernelName: string,
    inputs: Record<string, tf.TensorInfo>,
    attrs: Record<string, unknown> = {},
  ): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, this.backendName);
    if (kernel == null) {
      throw new Error(`kernel ${kernelName} is not registered for backend ${this.backendName}`);
    }
    const out = kernel.kernelFunc({
      inputs,
      backend: this.backend,
      attrs: attrs as tf.NamedAttrMap,
    });
    const info = Array.isArray(out) ? out[0] : out;
    this.made.push(info);
    return info;
  }

  /** Releases every intermediate except `result`, which the caller hands to tfjs. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const info of this.made) {
      if (info !== result) this.backend.disposeData(info.dataId);
    }
    this.made.length = 0;
    return result;
  }

  /** Releases every intermediate (used on error paths). */
  dispose(): void {
    for (const info of this.made) this.backend.disposeData(info.dataId);
    this.made.length = 0;
  }
}

/** Runs `body` in a fresh scope, releasing its intermediates whether it returns or throws. */
export function composeKernel(
  backendName: string,
  backend: unknown,
  body: (scope: KernelScope) => tf.TensorInfo,
): tf.TensorInfo {
  const scope = new KernelScope(backendName, backend as tf.KernelBackend);
  try {
    return scope.finish(body(scope));
  } catch (e) {
    scope.dispose();
    throw e;
  }
}

/** Pads (positive amounts) or crops (negative amounts) axis `axis` of `x` at both ends. */
export function padOrCrop(
  scope: KernelScope,
  x: tf.TensorInfo,
  axis: number,
  before: number,
  after: number,
): tf.TensorInfo {
  let out = x;
  const cropBefore = Math.max(0, -before);
  const cropAfter = Math.max(0, -after);
  if (cropBefore > 0 || cropAfter > 0) {
    const begin = out.shape.map(() => 0);
    const size = out.shape.slice();
    begin[axis] = cropBefore;
    size[axis] = out.shape[axis] - cropBefore - cropAfter;
    out = scope.run('Slice', { x: out }, { begin, size });
  }
  const padBefore = Math.max(0, before);
  const padAfter = Math.max(0, after);
  if (padBefore > 0 || padAfter > 0) {
    const paddings = out.shape.map((): [number, number] => [0, 0]);
    paddings[axis] = [padBefore, padAfter];
    out = scope.run('PadV2', { x: out }, { paddings, constantValue: 0 });
  }
  return out;
}

export type Shape4 = [number, number, number, number];

/** The attributes tfjs passes to both convolution gradient kernels. */
export interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * The forward convolution's geometry for a gradient kernel (channels-last only), from the
 * forward input and filter shapes.
 */
export function forwardConvInfo(
  kernelName: string,
  backendName: string,
  a: ConvGradAttrs,
  inputShape: Shape4,
  filterShape: Shape4,
): tf.backend_util.Conv2DInfo {
  if (a.dataFormat === 'NCHW') {
    throw new Error(`${backendName} ${kernelName} supports dataFormat 'NHWC' only`);
  }
  return tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
}
