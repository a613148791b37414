import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { initBackend, wasmThreadsWanted } from '../../src-main/model/backend';
import { BeatlensError } from '../../src-main/errors';
import { tf } from '../../src-main/model/tf';

const savedEnv = { ...process.env };

/** tfjs-node(-gpu) is an optional dependency: present on some users' machines, absent in CI. */
const hasTfjsNode = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'].some((pkg) => {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
});

afterEach(() => {
  process.env = { ...savedEnv };
});

describe('initBackend', () => {
  it.skipIf(hasTfjsNode)('picks wasm when tfjs-node is absent, and reports it', async () => {
    delete process.env.BEATLENS_BACKEND;
    const info = await initBackend();
    expect(info.name).toBe('wasm');
    expect(info.package).toBe('@tensorflow/tfjs-backend-wasm');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.simd).toBe(true);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(tf.getBackend()).toBe('wasm');
    // The threaded build really runs more than one thread when more than one is wanted.
    expect(info.threads).toBe(wasmThreadsWanted());
  });

  it('trains a conv net on wasm: the filter gradient exists and is finite', async () => {
    await initBackend('wasm');
    const w = tf.variable(tf.randomNormal([3, 2, 4], 0, 1, 'float32', 3));
    const x = tf.randomNormal([2, 16, 2], 0, 1, 'float32', 4) as tf.Tensor3D;
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.conv1d(x, w as tf.Tensor3D, 2, 'same')),
      [w],
    );
    const g = Object.values(grads)[0];
    expect(g.shape).toEqual([3, 2, 4]);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([w, x, g]);
  });

  it('honours BEATLENS_BACKEND and an explicit preference', async () => {
    process.env.BEATLENS_BACKEND = 'cpu';
    expect((await initBackend()).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    // An explicit preference wins over the environment.
    expect((await initBackend('wasm')).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects unknown values and an absent tfjs-node with one-line errors', async () => {
    process.env.BEATLENS_BACKEND = 'gpu';
    await expect(initBackend()).rejects.toThrow(/BEATLENS_BACKEND=gpu is not a backend/);
    delete process.env.BEATLENS_BACKEND;
    if (!hasTfjsNode) {
      await expect(initBackend('tensorflow')).rejects.toBeInstanceOf(BeatlensError);
    }
    process.env.BEATLENS_WASM_THREADS = '0';
    expect(() => wasmThreadsWanted()).toThrow(/BEATLENS_WASM_THREADS=0/);
    await initBackend('wasm');
  });

  it('lets the process exit when the work is done (wasm thread pool does not hold it)', () => {
    const fixture = fileURLToPath(
      new URL('./kernels/fixtures/init-backend-and-exit.ts', import.meta.url),
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', fixture], {
      encoding: 'utf8',
      timeout: 45_000,
      env: { ...process.env, BEATLENS_BACKEND: 'wasm' },
    });
    expect(r.error, 'the child did not exit on its own').toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^wasm \d+ 4$/);
  });
});
