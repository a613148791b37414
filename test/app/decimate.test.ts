import { describe, expect, it } from 'vitest';
import { decimateMinMax, MinMaxPyramid } from '../../src-main/app/decimate';
import { createRng } from '../../src-main/random';

describe('decimateMinMax tiles', () => {
  it('sizes buckets by the requested span, also for a tile past the end of the signal', () => {
    const signal = Float32Array.from({ length: 5000 }, (_, i) => i);
    // Tile 1 of level 2 (1024 buckets of 4 samples): samples 4096..8191, only 904 exist.
    const d = decimateMinMax(signal, 4096, 4096, 1024);
    expect(d.bucketSamples).toBe(4);
    expect(d.min.length).toBe(226);
    expect(d.min[0]).toBe(4096);
    expect(d.max[0]).toBe(4099);
    expect(d.max[225]).toBe(4999);
  });
});

describe('MinMaxPyramid', () => {
  it('answers exactly what decimateMinMax does for aligned power-of-two tiles', () => {
    const rng = createRng(5);
    const signal = Float32Array.from({ length: 70_001 }, () => rng.normal());
    signal[12_345] = NaN;
    signal.fill(NaN, 40_000, 40_200); // whole buckets of NaN at the lowest level
    const pyramid = new MinMaxPyramid(signal);
    for (const k of [6, 7, 9, 12]) {
      const span = 1024 * 2 ** k;
      for (let start = 0; start < signal.length; start += span) {
        const got = pyramid.window(start, span, 1024)!;
        const want = decimateMinMax(signal, start, span, 1024);
        expect(got.bucketSamples).toBe(2 ** k);
        expect(Array.from(got.min)).toEqual(Array.from(want.min));
        expect(Array.from(got.max)).toEqual(Array.from(want.max));
      }
    }
  });

  it('declines what it does not hold: small buckets, unaligned starts, other sizes', () => {
    const pyramid = new MinMaxPyramid(new Float32Array(10_000));
    expect(pyramid.window(0, 1024 * 32, 1024)).toBeNull(); // 32 samples a bucket: below level 6
    expect(pyramid.window(100, 1024 * 64, 1024)).toBeNull();
    expect(pyramid.window(0, 1000 * 17, 1000)).toBeNull();
    expect(new MinMaxPyramid(new Float32Array(0)).window(0, 65_536, 1024)).toBeNull();
  });
});
