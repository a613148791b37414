import { describe, expect, it } from 'vitest';
import { beatScores, localRrSamples } from '../../src-main/infer/beat-scores';
import { beat } from '../helpers/beats';

const ramp = (n: number, f: (t: number) => number = (t) => t): Float32Array =>
  Float32Array.from({ length: n }, (_, t) => f(t));

describe('beatScores', () => {
  it('averages a window of rrFraction × local RR centred on each R peak', () => {
    // RR = 5 everywhere; rrFraction 0.4 → width 2 → samples p-1..p+1.
    const a = ramp(20, (t) => t * t);
    const s = beatScores(a, [beat(5), beat(10), beat(15)], { rrFraction: 0.4 });
    expect(s[0]).toBeCloseTo((16 + 25 + 36) / 3, 10);
    expect(s[1]).toBeCloseTo((81 + 100 + 121) / 3, 10);
    expect(s[2]).toBeCloseTo((196 + 225 + 256) / 3, 10);
  });

  it('uses the mean of both neighbouring RR intervals', () => {
    const beats = [beat(10), beat(20), beat(40)];
    expect(localRrSamples(beats, 0)).toBe(10);
    expect(localRrSamples(beats, 1)).toBe(15);
    expect(localRrSamples(beats, 2)).toBe(20);
    // Middle beat: width 0.4 × 15 = 6 → samples 17..23.
    const s = beatScores(ramp(50), beats, { rrFraction: 0.4 });
    expect(s[1]).toBeCloseTo(20, 10);
    // Last beat: width 8 → 36..44, mean 40.
    expect(s[2]).toBeCloseTo(40, 10);
  });

  it('clips windows to the real samples of the segment', () => {
    // Beat at 1 with RR 6 and fraction 1: window -2..4 → 0..4, mean 2.
    const s = beatScores(ramp(30), [beat(1), beat(7)], { rrFraction: 1 });
    expect(s[0]).toBeCloseTo(2, 10);
    // Beat at 11, length 12: window 8..14 → 8..11, mean 9.5.
    const t = beatScores(ramp(30), [beat(5), beat(11)], { rrFraction: 1, length: 12 });
    expect(t[1]).toBeCloseTo(9.5, 10);
    // A beat beyond the real samples has no score.
    const u = beatScores(ramp(30), [beat(5), beat(25)], { rrFraction: 0.1, length: 12 });
    expect(Number.isNaN(u[1])).toBe(true);
  });

  it('falls back to the beat boundaries for a lone beat and rejects bad options', () => {
    expect(localRrSamples([beat(10)], 0)).toBe(5);
    expect(() => beatScores(ramp(10), [beat(5)], { rrFraction: 0 })).toThrow(/rrFraction=0/);
    expect(() => beatScores(ramp(20), [beat(9), beat(5)])).toThrow(/not sorted/);
  });
});
