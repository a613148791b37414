import { describe, expect, it } from 'vitest';
import {
  energyMap,
  halfBeatShift,
  prematurity,
  prematurityMap,
} from '../../src-main/evaluate/controls';
import { beatScores } from '../../src-main/infer/beat-scores';
import type { SegmentBeat } from '../../src-main/ecg/types';

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

describe('rhythm (prematurity) control', () => {
  // Beats every 100 samples, the fourth 40 samples early and followed by a compensatory pause.
  const positions = [50, 150, 250, 310, 450, 550];
  const beats = positions.map((position): SegmentBeat => ({
    position,
    start: position - 20,
    end: position + 20,
    symbol: 'N',
    aami: 'N',
  }));

  it('is the median RR over the RR from the previous peak, the first beat 1', () => {
    // RRs 100, 100, 60, 140, 100 → median 100.
    const p = Array.from(prematurity(positions));
    expect(p[0]).toBe(1);
    expect(p).toEqual([1, 1, 1, 100 / 60, 100 / 140, 1]);
    const top = p.indexOf(Math.max(...p));
    expect(top).toBe(3); // the premature beat
  });

  it('scores each beat its prematurity through the beat score window', () => {
    const map = prematurityMap(positions, 600);
    const scores = Array.from(beatScores(map, beats));
    const expected = Array.from(prematurity(positions));
    scores.forEach((s, i) => expect(s, `beat ${i}`).toBeCloseTo(expected[i], 6));
    // Held from midpoint to midpoint: the premature beat's value starts at (250 + 310) / 2.
    expect(map[279]).toBe(1);
    expect(map[280]).toBeCloseTo(100 / 60, 6);
    expect(map[379]).toBeCloseTo(100 / 60, 6);
    expect(map[380]).toBeCloseTo(100 / 140, 6);
    expect(positions).toEqual([50, 150, 250, 310, 450, 550]); // input not mutated
  });

  it('fewer than two peaks: every beat and sample 1', () => {
    expect(Array.from(prematurity([120]))).toEqual([1]);
    expect(Array.from(prematurity([]))).toEqual([]);
    expect(Array.from(prematurityMap([120], 5))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(prematurityMap([], 3))).toEqual([1, 1, 1]);
  });
});
