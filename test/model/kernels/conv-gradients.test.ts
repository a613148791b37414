/**
 * The composed wasm convolution gradient kernels against the cpu backend's native kernels and
 * against finite differences, over strides, dilations, paddings, channel counts, batch sizes and
 * 1-D (conv1d) as well as 2-D shapes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/model/backend';
import { tf } from '../../../src-main/model/tf';
import { createRng } from '../../../src-main/random';

type Pad = 'same' | 'valid';

interface Case {
  batch: number;
  width: number;
  cIn: number;
  cOut: number;
  k: number;
  stride: number;
  dilation: number;
  pad: Pad;
}

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** Loss = Σ conv1d(x, w) ⊙ r, so dL/dx and dL/dw are the conv gradients applied to r. */
function conv1dGrads(
  c: Case,
  x: Float32Array,
  w: Float32Array,
  r: Float32Array,
): { dx: Float32Array; dw: Float32Array; y: Float32Array } {
  return tf.tidy(() => {
    const xt = tf.tensor3d(x, [c.batch, c.width, c.cIn]);
    const wt = tf.tensor3d(w, [c.k, c.cIn, c.cOut]);
    const f = (a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D =>
      tf.conv1d(a, b, c.stride, c.pad, 'NWC', c.dilation);
    const y = f(xt, wt);
    const rt = tf.tensor(r.subarray(0, y.size), y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor3D), rt)),
    )([xt, wt]);
    return {
      dx: dx.dataSync() as Float32Array,
      dw: dw.dataSync() as Float32Array,
      y: y.dataSync() as Float32Array,
    };
  });
}

function loss1d(c: Case, x: Float32Array, w: Float32Array, r: Float32Array): number {
  return tf.tidy(() => {
    const y = tf.conv1d(
      tf.tensor3d(x, [c.batch, c.width, c.cIn]),
      tf.tensor3d(w, [c.k, c.cIn, c.cOut]),
      c.stride,
      c.pad,
      'NWC',
      c.dilation,
    );
    return tf.sum(tf.mul(y, tf.tensor(r.subarray(0, y.size), y.shape))).dataSync()[0];
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function scale(a: Float32Array): number {
  let m = 1;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

const CASES: Case[] = [
  { batch: 1, width: 9, cIn: 1, cOut: 1, k: 3, stride: 1, dilation: 1, pad: 'same' },
  { batch: 2, width: 12, cIn: 3, cOut: 4, k: 3, stride: 1, dilation: 1, pad: 'valid' },
  { batch: 3, width: 13, cIn: 2, cOut: 5, k: 5, stride: 2, dilation: 1, pad: 'same' },
  { batch: 2, width: 12, cIn: 4, cOut: 3, k: 4, stride: 2, dilation: 1, pad: 'same' },
  { batch: 2, width: 14, cIn: 3, cOut: 2, k: 3, stride: 2, dilation: 1, pad: 'valid' },
  { batch: 1, width: 17, cIn: 2, cOut: 3, k: 3, stride: 3, dilation: 1, pad: 'same' },
  { batch: 2, width: 16, cIn: 5, cOut: 6, k: 1, stride: 2, dilation: 1, pad: 'same' },
  { batch: 4, width: 20, cIn: 3, cOut: 4, k: 9, stride: 1, dilation: 1, pad: 'same' },
  { batch: 2, width: 8, cIn: 2, cOut: 2, k: 8, stride: 1, dilation: 1, pad: 'valid' },
  // Stride above the filter size with no padding needed: wasm's own 'same' Conv2D returned zeros.
  { batch: 2, width: 9, cIn: 2, cOut: 3, k: 2, stride: 3, dilation: 1, pad: 'same' },
];

const DILATED: Case[] = [
  { batch: 2, width: 15, cIn: 2, cOut: 3, k: 3, stride: 1, dilation: 2, pad: 'same' },
  { batch: 1, width: 16, cIn: 3, cOut: 2, k: 4, stride: 1, dilation: 3, pad: 'valid' },
];

const label = (c: Case): string =>
  `b${c.batch} w${c.width} ${c.cIn}→${c.cOut} k${c.k} s${c.stride} d${c.dilation} ${c.pad}`;

describe('wasm convolution gradients', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it.each(CASES)('match the cpu backend: %s', async (c) => {
    const x = randomArray(c.batch * c.width * c.cIn, 1);
    const w = randomArray(c.k * c.cIn * c.cOut, 2);
    const r = randomArray(c.batch * c.width * c.cOut, 3);
    await tf.setBackend('wasm');
    const onWasm = conv1dGrads(c, x, w, r);
    await tf.setBackend('cpu');
    const onCpu = conv1dGrads(c, x, w, r);
    await tf.setBackend('wasm');
    expect(maxAbsDiff(onWasm.y, onCpu.y), label(c)).toBeLessThan(1e-4 * scale(onCpu.y));
    expect(maxAbsDiff(onWasm.dx, onCpu.dx), label(c)).toBeLessThan(1e-4 * scale(onCpu.dx));
    expect(maxAbsDiff(onWasm.dw, onCpu.dw), label(c)).toBeLessThan(1e-4 * scale(onCpu.dw));
  });

  it.each([...CASES.slice(2, 5), ...DILATED])('match finite differences: %s', async (c) => {
    await tf.setBackend('wasm');
    const x = randomArray(c.batch * c.width * c.cIn, 11);
    const w = randomArray(c.k * c.cIn * c.cOut, 12);
    const r = randomArray(c.batch * c.width * c.cOut, 13);
    const { dx, dw } = conv1dGrads(c, x, w, r);
    // The loss is linear in x for fixed w (and vice versa), so a central difference with a
    // step of 0.5 is exact up to float32 rounding.
    const h = 0.5;
    const check = (values: Float32Array, grad: Float32Array, other: 'x' | 'w'): void => {
      const rng = createRng(99);
      for (let t = 0; t < 6; t++) {
        const i = Math.floor(rng.next() * values.length);
        const plus = values.slice();
        const minus = values.slice();
        plus[i] += h;
        minus[i] -= h;
        const [lp, lm] =
          other === 'x'
            ? [loss1d(c, plus, w, r), loss1d(c, minus, w, r)]
            : [loss1d(c, x, plus, r), loss1d(c, x, minus, r)];
        const fd = (lp - lm) / (2 * h);
        expect(Math.abs(fd - grad[i]), `${label(c)} d${other}[${i}]`).toBeLessThan(
          2e-3 * Math.max(1, Math.abs(fd)),
        );
      }
    };
    check(x, dx, 'x');
    check(w, dw, 'w');
  });

  it('handles 2-D convolutions with different strides per axis', async () => {
    const shape: [number, number, number, number] = [2, 7, 9, 3];
    const fShape: [number, number, number, number] = [3, 2, 3, 4];
    const x = randomArray(2 * 7 * 9 * 3, 21);
    const w = randomArray(3 * 2 * 3 * 4, 22);
    const run = (): Float32Array[] =>
      tf.tidy(() => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [2, 3], 'same'))),
        );
        return g([tf.tensor4d(x, shape), tf.tensor4d(w, fShape)]).map(
          (t) => t.dataSync() as Float32Array,
        );
      });
    await tf.setBackend('wasm');
    const [dxW, dwW] = run();
    await tf.setBackend('cpu');
    const [dxC, dwC] = run();
    await tf.setBackend('wasm');
    expect(maxAbsDiff(dxW, dxC)).toBeLessThan(1e-4 * scale(dxC));
    expect(maxAbsDiff(dwW, dwC)).toBeLessThan(1e-4 * scale(dwC));
  });

  it('leaves no intermediate tensors behind', async () => {
    await tf.setBackend('wasm');
    const c = CASES[3];
    const before = tf.memory().numTensors;
    const backendTensorsBefore = tf.engine().backend.numDataIds();
    conv1dGrads(c, randomArray(96, 1), randomArray(48, 2), randomArray(96, 3));
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(backendTensorsBefore);
  });
});
