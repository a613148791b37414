import { describe, expect, it } from 'vitest';
import { decimateMinMax } from '../../src-main/app/decimate';

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
