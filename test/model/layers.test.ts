import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src-main/random';
import {
  L2_POOL_EPS,
  ParamStore,
  batchNorm,
  batchNormReluTraining,
  conv1d,
  convBnRelu,
  createBatchNorm,
  createConvBnRelu,
  upsample2,
  windowPadding,
  windowPool,
} from '../../src-main/model/layers';
import { tf } from '../../src-main/model/tf';
import type { Pooling, PoolingAlign } from '../../src-main/model/types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Plain-JS reference of the window pooling, straight from the formula. */
function referencePool(l: number[], k: number, pooling: Pooling, align: PoolingAlign): number[] {
  const start = align === 'centred' ? -Math.floor((k - 1) / 2) : 0;
  return l.map((_, m) => {
    let acc = 0;
    for (let i = m + start; i < m + start + k; i++) {
      const v = i >= 0 && i < l.length ? l[i] : 0; // zero padding
      if (pooling === 'l2') acc += v * v;
      else acc = Math.max(acc, Math.max(0, v));
    }
    return pooling === 'l2' ? Math.sqrt(acc + L2_POOL_EPS) : acc;
  });
}

describe('windowPool', () => {
  it('matches a hand-computed L2 value (forward window)', () => {
    const l = tf.tensor2d([[3, 4, 0, 0, 12]]);
    const a = windowPool(l, 'l2', 2, 'forward').arraySync()[0];
    const eps = L2_POOL_EPS;
    const expected = [5, 4, 0, 12, 12].map((v) => Math.sqrt(v * v + eps));
    a.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('matches a hand-computed max value (centred window)', () => {
    const l = tf.tensor2d([[-1, 2, -3, 0.5, 1, -2]]);
    // k = 3 centred: window m-1..m+1 of relu(l) = [0, 2, 0, 0.5, 1, 0], zeros outside.
    const a = windowPool(l, 'max', 3, 'centred').arraySync()[0];
    expect(a).toEqual([2, 2, 2, 1, 1, 1]);
  });

  const rng = createRng(7);
  const n = 97;
  const l = Array.from({ length: n }, () => rng.normal());
  for (const pooling of ['l2', 'max'] as const) {
    for (const align of ['centred', 'forward'] as const) {
      for (const k of [1, 2, 3, 8, 15, 16, 50, 97]) {
        it(`matches the reference: ${pooling}, ${align}, k=${k}`, () => {
          const got = windowPool(tf.tensor2d([l, l.map((v) => -v)]), pooling, k, align);
          expect(got.shape).toEqual([2, n]);
          const rows = got.arraySync();
          const ref0 = referencePool(l, k, pooling, align);
          const ref1 = referencePool(
            l.map((v) => -v),
            k,
            pooling,
            align,
          );
          rows[0].forEach((v, i) => expect(v).toBeCloseTo(ref0[i], 4));
          rows[1].forEach((v, i) => expect(v).toBeCloseTo(ref1[i], 4));
        });
      }
    }
  }

  it('pads symmetrically when centred and only at the end when forward', () => {
    expect(windowPadding(150, 'centred')).toEqual([74, 75]);
    expect(windowPadding(151, 'centred')).toEqual([75, 75]);
    expect(windowPadding(150, 'forward')).toEqual([0, 149]);
  });

  it('has a finite gradient where the map is all zero (L2)', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(windowPool(x as tf.Tensor2D, 'l2', 4, 'centred')))(
      tf.zeros([1, 10]),
    );
    const values = Array.from(g.dataSync());
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it('has gradients matching finite differences', () => {
    const x0 = [0.3, -1.2, 0.8, 0.05, -0.4, 1.5, -0.7];
    for (const pooling of ['l2', 'max'] as const) {
      const f = (x: tf.Tensor) =>
        tf.sum(tf.mul(windowPool(x as tf.Tensor2D, pooling, 3, 'centred'), tf.range(1, 8)));
      const g = tf
        .grad(f)(tf.tensor2d([x0]))
        .dataSync();
      const h = 1e-2;
      x0.forEach((_, i) => {
        const plus = [...x0];
        const minus = [...x0];
        plus[i] += h;
        minus[i] -= h;
        const fd =
          (f(tf.tensor2d([plus])).dataSync()[0] - f(tf.tensor2d([minus])).dataSync()[0]) / (2 * h);
        expect(g[i]).toBeCloseTo(fd, 2);
      });
    }
  });
});

describe('upsample2', () => {
  it('repeats every sample twice per channel', () => {
    const x = tf.tensor3d([
      [
        [1, 10],
        [2, 20],
      ],
    ]);
    expect(upsample2(x).arraySync()).toEqual([
      [
        [1, 10],
        [1, 10],
        [2, 20],
        [2, 20],
      ],
    ]);
  });
});

describe('batchNorm', () => {
  it('uses batch statistics and updates the moving averages in training only', () => {
    const store = new ParamStore(createRng(1));
    const bn = createBatchNorm(store, 'bn', 2);
    // Channel 0: values 1..4 (mean 2.5, unbiased var 5/3); channel 1: constant 7.
    const x = tf.tensor3d([
      [
        [1, 7],
        [2, 7],
      ],
      [
        [3, 7],
        [4, 7],
      ],
    ]);
    const y = batchNorm(x, bn, true).arraySync();
    const sd = Math.sqrt(1.25 + 1e-5); // biased variance for normalisation
    expect(y[0][0][0]).toBeCloseTo((1 - 2.5) / sd, 4);
    expect(y[1][1][1]).toBeCloseTo(0, 4);
    expect(Array.from(bn.movingMean.dataSync())).toEqual([
      expect.closeTo(0.25, 6),
      expect.closeTo(0.7, 6),
    ]);
    expect(bn.movingVar.dataSync()[0]).toBeCloseTo(0.9 + 0.1 * (5 / 3), 5);
    expect(bn.movingVar.dataSync()[1]).toBeCloseTo(0.9, 5);

    const before = Array.from(bn.movingMean.dataSync());
    const yInf = batchNorm(x, bn, false).arraySync();
    expect(Array.from(bn.movingMean.dataSync())).toEqual(before);
    const mv = bn.movingVar.dataSync();
    expect(yInf[0][0][0]).toBeCloseTo((1 - 0.25) / Math.sqrt(mv[0] + 1e-5), 4);
  });
});

describe('batchNormReluTraining', () => {
  it('gives the values, gradients and moving averages of relu(batchNorm(x, training))', () => {
    const rng = createRng(11);
    const rand = (n: number, lo: number) => Array.from({ length: n }, () => lo + rng.next());
    const makeBn = () => {
      const bn = createBatchNorm(new ParamStore(createRng(1)), 'bn', 3);
      bn.gamma.assign(tf.tensor1d([0.7, 1.3, -0.4]));
      bn.beta.assign(tf.tensor1d([0.2, -0.3, 0.1]));
      return bn;
    };
    const x = tf.tensor3d(rand(2 * 9 * 3, -0.5), [2, 9, 3]);
    // A weighted sum, so dy differs per element (a plain sum would hide errors in dx).
    const w = tf.tensor3d(rand(2 * 9 * 3, -0.5), [2, 9, 3]);
    const run = (f: (xx: tf.Tensor3D, bn: ReturnType<typeof makeBn>) => tf.Tensor3D) => {
      const bn = makeBn();
      const y = f(x, bn);
      // gamma and beta as plain tensors (not variables), so tf.grads can differentiate them.
      const g = tf.grads((xx: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) =>
        tf.sum(tf.mul(f(xx as tf.Tensor3D, { ...bn, gamma, beta } as never), w)),
      )([x, bn.gamma.clone(), bn.beta.clone()]);
      return {
        y: Array.from(y.dataSync()),
        grads: g.map((t) => Array.from(t.dataSync())),
        moving: [...bn.movingMean.dataSync(), ...bn.movingVar.dataSync()],
      };
    };
    const fused = run((xx, bn) => batchNormReluTraining(xx, bn));
    const plain = run((xx, bn) => tf.relu(batchNorm(xx, bn, true)));
    expect(fused.y.some((v) => v === 0) && fused.y.some((v) => v > 0)).toBe(true);
    fused.y.forEach((v, i) => expect(v).toBeCloseTo(plain.y[i], 5));
    fused.moving.forEach((v, i) => expect(v).toBeCloseTo(plain.moving[i], 6));
    expect(fused.grads.length).toBe(3);
    fused.grads.forEach((g, j) =>
      g.forEach((v, i) => expect(v, `input ${j}[${i}]`).toBeCloseTo(plain.grads[j][i], 4)),
    );
  });
});

describe('convBnRelu', () => {
  it('folds BN into a fused conv at inference with the same result as separate ops', () => {
    for (const stride of [1, 2]) {
      const store = new ParamStore(createRng(3));
      const p = createConvBnRelu(store, 'u', { kernelSize: 5, cIn: 3, cOut: 4, stride });
      const rng = createRng(4);
      const rand = (n: number, lo: number) => Array.from({ length: n }, () => lo + rng.next());
      p.bn.movingMean.assign(tf.tensor1d(rand(4, -0.5)));
      p.bn.movingVar.assign(tf.tensor1d(rand(4, 0.5)));
      p.bn.gamma.assign(tf.tensor1d(rand(4, 0.5)));
      p.bn.beta.assign(tf.tensor1d(rand(4, -0.5)));
      const x = tf.randomNormal([2, 17, 3], 0, 1, 'float32', 5) as tf.Tensor3D;
      const fused = convBnRelu(x, p, false);
      const plain = tf.relu(batchNorm(conv1d(x, p.conv), p.bn, false));
      expect(fused.shape).toEqual(plain.shape);
      expect(fused.shape[1]).toBe(Math.ceil(17 / stride));
      const a = fused.dataSync();
      const b = plain.dataSync();
      b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 4));
      // Saliency methods take gradients of the inference pass w.r.t. the input.
      const g = tf.grad((xx: tf.Tensor) => tf.sum(convBnRelu(xx as tf.Tensor3D, p, false)))(x);
      const gPlain = tf.grad((xx: tf.Tensor) =>
        tf.sum(tf.relu(batchNorm(conv1d(xx as tf.Tensor3D, p.conv), p.bn, false))),
      )(x);
      const gp = gPlain.dataSync();
      g.dataSync().forEach((v, i) => expect(v).toBeCloseTo(gp[i], 4));
    }
  });
});
