/**
 * The SIMD host kernels (batch norm + ReLU, the decoder's concat with up-sampling): on wasm and on
 * cpu each gives the values and gradients of the plain tf ops it replaced, its gradient matches
 * finite differences, nothing leaks, the committed wasm build is the source's, and models (the
 * shipped default and a joint model) give the same outputs with the kernels on and off.
 */
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/model/backend';
import { defaultModelConfig } from '../../../src-main/model/config';
import { BN_RELU } from '../../../src-main/model/kernels/batch-norm-relu';
import { CONCAT_UPSAMPLE } from '../../../src-main/model/kernels/concat-upsample';
import {
  ParamStore,
  type BatchNormParams,
  batchNormReluTraining,
  concatUpsample2,
  createBatchNorm,
} from '../../../src-main/model/layers';
import { createModel } from '../../../src-main/model/registry';
import { tf } from '../../../src-main/model/tf';
import { loadModel } from '../../../src-main/model/weights';
import { createRng } from '../../../src-main/random';
import { OUTPUT, compileSimdKernels, generatedModule } from '../../../scripts/build-simd-kernels';
import * as fs from 'node:fs';

const BACKENDS = ['wasm', 'cpu'] as const;

function withKernelsOff<T>(f: () => T): T {
  process.env.BEATLENS_KERNELS_OFF = 'bn-relu,concat-upsample';
  try {
    return f();
  } finally {
    delete process.env.BEATLENS_KERNELS_OFF;
  }
}

function randomTensor(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: n }, () => lo + (hi - lo) * rng.next()),
    shape,
  );
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 1e-6;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}

/** Values, moving statistics and gradients (x, gamma, beta) of batchNormReluTraining. */
function bnRun(shape: [number, number, number], seed: number, bn = newBatchNorm(shape[2])) {
  const c = shape[2];
  const gamma = randomTensor([c], seed + 1, 0.3, 1.5);
  const beta = randomTensor([c], seed + 2, -0.5, 0.5);
  const x = randomTensor(shape, seed, -2, 3) as tf.Tensor3D;
  const w = randomTensor(shape, seed + 3) as tf.Tensor3D;
  const f = (xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(batchNormReluTraining(xx as tf.Tensor3D, withGammaBeta(bn, g, b)), w));
  const y = batchNormReluTraining(x, withGammaBeta(bn, gamma, beta));
  const grads = tf.grads(f)([x, gamma, beta]);
  const out = {
    y: y.dataSync().slice(),
    grads: grads.map((g) => g.dataSync().slice()),
    moving: [...bn.movingMean.dataSync(), ...bn.movingVar.dataSync()],
  };
  tf.dispose([gamma, beta, x, w, y, ...grads]);
  return out;
}

/** bn with plain tensors as gamma and beta, so tf.grads can differentiate them. */
function withGammaBeta(bn: BatchNormParams, gamma: tf.Tensor, beta: tf.Tensor): BatchNormParams {
  return { ...bn, gamma, beta } as unknown as BatchNormParams;
}

function newBatchNorm(c: number): BatchNormParams {
  return createBatchNorm(new ParamStore(createRng(1)), 'bn', c);
}

function concatRun(b: number, n: number, cs: number, ch: number, seed: number) {
  const skip = randomTensor([b, 2 * n, cs], seed) as tf.Tensor3D;
  const h = randomTensor([b, n, ch], seed + 1) as tf.Tensor3D;
  const w = randomTensor([b, 2 * n, cs + ch], seed + 2);
  const y = concatUpsample2(skip, h);
  const grads = tf.grads((s: tf.Tensor, hh: tf.Tensor) =>
    tf.sum(tf.mul(concatUpsample2(s as tf.Tensor3D, hh as tf.Tensor3D), w)),
  )([skip, h]);
  const out = { y: y.dataSync().slice(), grads: grads.map((g) => g.dataSync().slice()) };
  tf.dispose([skip, h, w, y, ...grads]);
  return out;
}

beforeAll(async () => {
  await initBackend('wasm');
});

afterEach(async () => {
  await tf.setBackend('wasm');
});

describe.each(BACKENDS)('host kernels on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('are registered', async () => {
    await tf.setBackend(backend);
    expect(tf.getKernel(BN_RELU, backend)).toBeDefined();
    expect(tf.getKernel(CONCAT_UPSAMPLE, backend)).toBeDefined();
  });

  // Channel counts with and without a remainder of 4 (SIMD lanes), rows past the 256-row block.
  it.each([[[2, 9, 3]], [[1, 7, 4]], [[3, 200, 8]], [[2, 150, 13]]] as Array<
    [[number, number, number]]
  >)('batch norm + ReLU %j: values, moving averages and gradients of the tf ops', async (shape) => {
    await tf.setBackend(backend);
    const kernel = bnRun(shape, 5);
    const plain = withKernelsOff(() => bnRun(shape, 5));
    expect(kernel.y.some((v) => v === 0) && kernel.y.some((v) => v > 0)).toBe(true);
    expect(maxRelDiff(kernel.y, plain.y)).toBeLessThan(1e-5);
    expect(maxRelDiff(kernel.moving, plain.moving)).toBeLessThan(1e-5);
    kernel.grads.forEach((g, i) =>
      expect(maxRelDiff(g, plain.grads[i]), `input ${i}`).toBeLessThan(1e-4),
    );
  });

  it.each([
    [2, 5, 3, 5],
    [1, 8, 4, 8],
    [3, 40, 8, 16],
  ])(
    'concat + up-sampling b=%i n=%i cs=%i ch=%i: values and gradients of the tf ops',
    async (...a) => {
      await tf.setBackend(backend);
      const kernel = concatRun(a[0], a[1], a[2], a[3], 9);
      const plain = withKernelsOff(() => concatRun(a[0], a[1], a[2], a[3], 9));
      expect(Array.from(kernel.y)).toEqual(Array.from(plain.y));
      kernel.grads.forEach((g, i) => expect(maxRelDiff(g, plain.grads[i])).toBeLessThan(1e-6));
    },
  );

  it('leak no tensors in a forward and backward pass', async () => {
    await tf.setBackend(backend);
    const bn = newBatchNorm(4);
    bnRun([2, 9, 4], 3, bn);
    concatRun(2, 4, 4, 4, 3);
    const before = tf.memory().numTensors;
    bnRun([2, 9, 4], 3, bn);
    concatRun(2, 4, 4, 4, 3);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('batch norm + ReLU gradient against finite differences (cpu)', () => {
  it('matches central differences for x, gamma and beta', async () => {
    await tf.setBackend('cpu');
    const shape: [number, number, number] = [2, 6, 5];
    const c = shape[2];
    const bn = newBatchNorm(c);
    const x0 = randomTensor(shape, 21, -2, 3);
    const g0 = randomTensor([c], 22, 0.3, 1.5);
    const b0 = randomTensor([c], 23, -0.5, 0.5);
    const w = randomTensor(shape, 24);
    const loss = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(batchNormReluTraining(x as tf.Tensor3D, withGammaBeta(bn, g, b)), w));
    const analytic = tf
      .grads(loss)([x0, g0, b0])
      .map((t) => t.dataSync());
    const inputs = [x0, g0, b0].map((t) => Float64Array.from(t.dataSync()));
    const shapes = [shape, [c], [c]];
    const evalLoss = (vals: Float64Array[]): number =>
      tf.tidy(
        () =>
          loss(
            ...(vals.map((v, i) => tf.tensor(Array.from(v), shapes[i], 'float32')) as [
              tf.Tensor,
              tf.Tensor,
              tf.Tensor,
            ]),
          ).dataSync()[0],
      );
    const h = 1e-2;
    for (let k = 0; k < 3; k++) {
      const numeric = new Float64Array(inputs[k].length);
      for (let i = 0; i < numeric.length; i++) {
        const plus = inputs.map((v) => v.slice());
        const minus = inputs.map((v) => v.slice());
        plus[k][i] += h;
        minus[k][i] -= h;
        numeric[i] = (evalLoss(plus) - evalLoss(minus)) / (2 * h);
      }
      expect(maxRelDiff(analytic[k], numeric), `input ${k}`).toBeLessThan(2e-2);
    }
  });
});

describe('models with the host kernels on and off', () => {
  it('the shipped default model and a joint model give the same outputs', async () => {
    await tf.setBackend('wasm');
    const shipped = await loadModel(path.resolve('resources/models/default'));
    const joint = createModel(
      defaultModelConfig({
        method: 'joint',
        nLeads: 2,
        nSamples: 256,
        fs: 360,
        classes: ['PVC', 'APB'],
      }),
      3,
    );
    for (const model of [shipped, joint]) {
      const { nSamples, nLeads } = model.config;
      const x = randomTensor([3, nSamples, nLeads], 31) as tf.Tensor3D;
      for (const training of [false, true]) {
        const run = (): Float32Array => {
          const out = model.forward(x, training);
          const v = out.logits.dataSync().slice() as Float32Array;
          tf.dispose([out.logits, out.attention ?? []].flat());
          return v;
        };
        // Training-mode passes update the moving averages: compare from the same start.
        const saved = model.namedWeights().map((w) => w.variable.clone());
        const on = run();
        model.namedWeights().forEach((w, i) => w.variable.assign(saved[i]));
        const off = withKernelsOff(run);
        model.namedWeights().forEach((w, i) => w.variable.assign(saved[i]));
        tf.dispose(saved);
        expect(maxRelDiff(on, off), `${model.config.method} training=${training}`).toBeLessThan(
          1e-4,
        );
      }
      x.dispose();
      model.dispose();
    }
  });
});

describe('the committed SIMD module', () => {
  it('is the build of simd/host-kernels.as', () => {
    expect(fs.readFileSync(OUTPUT, 'utf8')).toBe(generatedModule(compileSimdKernels()));
  });
});
