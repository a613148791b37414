/**
 * Identity for wasm that shares the input's buffer (reference counted, like wasm's own Reshape)
 * instead of copying it. tfjs runs Identity for every `clone`, including each tensor a kernel
 * saves for its gradient, so in training wasm's copying Identity costs a full memcpy per saved
 * activation (~3 % of a joint training step). Tensors are immutable and `Variable.assign`
 * swaps buffers rather than writing into them, so sharing is safe.
 */
import type { tf } from '../tf';

interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

export function sharedIdentityConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Identity',
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      (backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}
