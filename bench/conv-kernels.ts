/**
 * Per-layer convolution kernel times on the current backend, for the conv1d shapes of the default
 * beatlens models at batch 32 (k = 9):
 *
 *   npx tsx bench/conv-kernels.ts                                        # composed wasm kernels
 *   BEATLENS_WASM_NATIVE_CONV_BACKPROP=1 npx tsx bench/conv-kernels.ts   # wasm's own input grad
 *   BEATLENS_WASM_THREADS=1 npx tsx bench/conv-kernels.ts                # one thread
 *
 * Prints ms per call and GFLOP/s for the forward conv, the input gradient (Conv2DBackpropInput)
 * and the filter gradient (Conv2DBackpropFilter), plus the load average (the machine is shared).
 */
import * as os from 'node:os';
import { initBackend } from '../src-main/model/backend';
import { tf } from '../src-main/model/tf';

const BATCH = 32;
const K = 9;
/** [nSamples, cIn, cOut, stride] */
const SHAPES: Array<[number, number, number, number]> = [
  [2000, 8, 8, 1],
  [2000, 24, 8, 1],
  [1000, 16, 16, 1],
  [500, 32, 32, 1],
  [250, 64, 64, 1],
  [250, 192, 64, 1],
  [125, 128, 128, 1],
  [2000, 8, 16, 2],
  [250, 64, 128, 2],
];

function msPerCall(f: () => tf.Tensor, n = 3): number {
  f().dispose();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = f();
    r.dataSync();
    r.dispose();
  }
  return (performance.now() - t0) / n;
}

async function main(): Promise<void> {
  const info = await initBackend();
  console.log(
    `backend ${info.name} threads ${info.threads}; native input grad ` +
      `${process.env.BEATLENS_WASM_NATIVE_CONV_BACKPROP === '1'}; load ${os.loadavg()[0].toFixed(2)}`,
  );
  for (const [width, cIn, cOut, stride] of SHAPES) {
    const x = tf.randomNormal([BATCH, 1, width, cIn]) as tf.Tensor4D;
    const w = tf.randomNormal([1, K, cIn, cOut]) as tf.Tensor4D;
    const y = tf.conv2d(x, w, [1, stride], 'same');
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const gflop = (2 * BATCH * y.shape[2] * cIn * cOut * K) / 1e9;
    const fwd = msPerCall(() => tf.conv2d(x, w, [1, stride], 'same'));
    const dIn = msPerCall(() => tf.conv2dTranspose(dy, w, x.shape, [1, stride], 'same'));
    const dFilter = msPerCall(
      () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
          strides: [1, stride],
          pad: 'same',
          dataFormat: 'NHWC',
          filterShape: w.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
    );
    const rate = (ms: number): string =>
      `${ms.toFixed(0)} ms (${(gflop / (ms / 1000)).toFixed(1)} GF/s)`;
    console.log(
      `n${width} ${cIn}→${cOut} s${stride}: forward ${rate(fwd)}  input grad ${rate(dIn)}  ` +
        `filter grad ${rate(dFilter)}`,
    );
    tf.dispose([x, w, y, dy]);
  }
  console.log(`load average at end ${os.loadavg()[0].toFixed(2)}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
