import { describe, expect, it } from 'vitest';
import { energyMap, halfBeatShift } from '../../src-main/evaluate/controls';

describe('control maps', () => {
  it('energy sums the squares of every lead per sample', () => {
    // 2 leads × 3 samples, row-major.
    const signal = Float32Array.from([1, -2, 0.5, 3, 0, -1]);
    expect(Array.from(energyMap(signal, 2, 3))).toEqual([10, 4, 1.25]);
    expect(Array.from(signal)).toEqual([1, -2, 0.5, 3, 0, -1]); // input not mutated
  });

  it('half-beat shift moves the map later by half the median RR', () => {
    const map = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // RRs 4, 4, 8 → median 4 → shift 2.
    const out = halfBeatShift(map, [0, 4, 8, 16]);
    expect(Array.from(out)).toEqual([0, 0, 0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(map)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(halfBeatShift(map, [3]))).toEqual(Array.from(map));
  });
});
