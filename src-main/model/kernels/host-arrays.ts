/**
 * Direct access to a backend's tensor memory for kernels written in TypeScript, on the two
 * backends whose buffers live in this process: wasm (the module's heap) and cpu (typed arrays).
 * Other backends (webgl, tensorflow) keep their buffers elsewhere; the ops that use these kernels
 * fall back to plain tf ops there (`hasHostKernel`).
 */
import { tf } from '../tf';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** The backends `hostKernel` registers for. */
export const HOST_BACKENDS = ['wasm', 'cpu'] as const;

/**
 * Float32 views of a kernel's inputs and freshly allocated outputs. On wasm all outputs are
 * allocated before any view is taken: an allocation may grow the heap, which detaches views.
 */
export function hostArrays(
  backendName: string,
  backend: unknown,
  inputs: tf.TensorInfo[],
  outputShapes: number[][],
): { ins: Float32Array[]; outs: Float32Array[]; infos: tf.TensorInfo[] } {
  for (const x of inputs) {
    if (x.dtype !== 'float32') throw new Error(`host kernels take float32, not ${x.dtype}`);
  }
  if (backendName === 'wasm') {
    const b = backend as WasmBackendLike;
    const infos = outputShapes.map((s) => b.makeOutput(s, 'float32'));
    return {
      ins: inputs.map((x) => b.typedArrayFromHeap(x)),
      outs: infos.map((o) => b.typedArrayFromHeap(o)),
      infos,
    };
  }
  const b = backend as CpuBackendLike;
  const outs = outputShapes.map((s) => new Float32Array(s.reduce((p, q) => p * q, 1)));
  return {
    ins: inputs.map((x) => b.data.get(x.dataId).values),
    outs,
    infos: outs.map((values, i) => b.makeTensorInfo(outputShapes[i], 'float32', values)),
  };
}

/** Whether kernel `kernelName` is registered for the backend now running. */
export function hasHostKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) != null;
}
