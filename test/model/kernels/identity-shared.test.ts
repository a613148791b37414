/**
 * The buffer-sharing wasm Identity: a clone must keep its values when the original is disposed
 * (and the other way round), and release the buffer only when the last holder goes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/model/backend';
import { tf } from '../../../src-main/model/tf';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('wasm Identity (shared buffer)', () => {
  it('is the registered wasm Identity and returns the same buffer', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    expect(tf.getBackend()).toBe('wasm');
    expect(y.dataId).toBe(x.dataId);
    tf.dispose([x, y]);
  });

  it('keeps values alive until the last holder is disposed, then frees the buffer', () => {
    const before = tf.memory().numBytes;
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    const z = tf.clone(y);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3]);
    z.dispose();
    expect(tf.memory().numBytes).toBe(before);
    expect(() => z.dataSync()).toThrow();
  });

  it('leaves a variable clone unchanged when the variable is assigned', () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor1d([5, 6]));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2]);
    expect(Array.from(v.dataSync())).toEqual([5, 6]);
    tf.dispose([v, snapshot]);
  });
});
