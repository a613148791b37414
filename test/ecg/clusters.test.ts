import { describe, expect, it } from 'vitest';
import { alignShapes, clusterShapes, pearson, shapeWindow } from '../../src-main/ecg/clusters';
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

describe('shape alignment', () => {
  /** Two leads of a QRS-like bump centred at `at` in a window of 2 × (half + maxShift) + 1. */
  function wide(at: number, half: number, maxShift: number): Float32Array {
    const len = 2 * (half + maxShift) + 1;
    const out = new Float32Array(2 * len);
    for (let l = 0; l < 2; l++) {
      for (let k = 0; k < len; k++)
        out[l * len + k] = (l ? -1 : 1) * Math.exp(-(((k - at) / 2) ** 2));
    }
    return out;
  }

  it('moves each beat to the shift that matches the template best, within ±maxShift', () => {
    const [half, maxShift] = [10, 4];
    const centre = half + maxShift;
    const template = shapeWindow(wide(centre, half, maxShift), 2, half, maxShift, 0);
    const late = wide(centre + 3, half, maxShift); // the detector's fiducial 3 samples early
    expect(pearson(shapeWindow(late, 2, half, maxShift, 0), template)).toBeLessThan(0.5);
    const [aligned] = alignShapes([late], 2, half, maxShift, template);
    expect(pearson(aligned, template)).toBeGreaterThan(0.999);
    // Beyond maxShift it stops at the bound; without a template the centred window is kept.
    const far = wide(centre + 8, half, maxShift);
    const [bounded] = alignShapes([far], 2, half, maxShift, template);
    expect(bounded).toEqual(shapeWindow(far, 2, half, maxShift, 4));
    expect(alignShapes([late], 2, half, maxShift, null)[0]).toEqual(
      shapeWindow(late, 2, half, maxShift, 0),
    );
  });

  it('refuses a shape of the wrong size or a shift past the bound', () => {
    expect(() => shapeWindow(new Float32Array(5), 2, 10, 4, 0)).toThrow(/not 2 × 29/);
    expect(() => shapeWindow(wide(14, 10, 4), 2, 10, 4, 5)).toThrow(/> 4/);
  });
});
