import { describe, expect, it } from 'vitest';
import { clusterShapes } from '../../src-main/ecg/clusters';
import { createRng } from '../../src-main/random';

describe('clusterShapes', () => {
  it('separates two morphologies and keeps noisy copies together, deterministically', () => {
    const rng = createRng(7);
    const a = Float32Array.from({ length: 40 }, (_, k) => Math.exp(-((k - 20) ** 2) / 8));
    const b = Float32Array.from({ length: 40 }, (_, k) => -Math.sin((k / 40) * 2 * Math.PI));
    const noisy = (s: Float32Array): Float32Array =>
      Float32Array.from(s, (v) => v + 0.05 * (rng.next() - 0.5));
    const shapes = Array.from({ length: 60 }, (_, i) => noisy(i % 3 === 2 ? b : a));
    const c = clusterShapes(shapes);
    expect(c[0]).toBe(0);
    expect(c[2]).toBe(1);
    shapes.forEach((_, i) => expect(c[i]).toBe(i % 3 === 2 ? 1 : 0));
    expect(Array.from(clusterShapes(shapes))).toEqual(Array.from(c));
  });

  it('past maxClusters a shape joins the closest cluster', () => {
    const shapes = Array.from({ length: 6 }, (_, i) =>
      Float32Array.from({ length: 20 }, (_, k) => Math.sin((k * (i + 1)) / 3)),
    );
    const c = clusterShapes(shapes, { minCorrelation: 0.999, maxClusters: 3 });
    expect(new Set(c).size).toBe(3);
    expect(Array.from(c.slice(0, 3))).toEqual([0, 1, 2]);
  });
});
