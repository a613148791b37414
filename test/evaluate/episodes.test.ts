/**
 * The EC57 / epicmp episode comparison against hand-computed cases: matching by any overlap,
 * durations, the 5-min test period, flutter exclusions in +P, gross sums, and reference episodes
 * from rhythm annotations.
 */
import { describe, expect, it } from 'vitest';
import {
  compareEpisodes,
  episodeStatistics,
  isAfib,
  isAfOrFlutter,
  rhythmIntervals,
  sumCounts,
} from '../../src-main/evaluate/episodes';
import { BeatlensError } from '../../src-main/errors';

const iv = (start: number, end: number) => ({ start, end });

describe('compareEpisodes', () => {
  const ref = [iv(10, 20), iv(30, 40), iv(100, 110)];
  const test = [iv(15, 35), iv(50, 60)];

  it('counts episodes matched by any overlap and the covered durations (hand-computed)', () => {
    const c = compareEpisodes(ref, test, { fs: 1, fromSample: 0, toSample: 200 });
    expect(c).toEqual({
      refDetected: 2,
      refMissed: 1,
      testTrue: 1,
      testFalse: 1,
      refSeconds: 30,
      testSeconds: 30,
      refCoveredSeconds: 10,
      testCoveredSeconds: 10,
    });
    const s = episodeStatistics(c);
    expect(s.episodeSensitivity).toBeCloseTo(2 / 3, 12);
    expect(s.episodePositivePredictivity).toBe(0.5);
    expect(s.durationSensitivity).toBeCloseTo(1 / 3, 12);
    expect(s.durationPositivePredictivity).toBeCloseTo(1 / 3, 12);
  });

  it('leaves excluded stretches (reference flutter) out of the test episodes before +P', () => {
    const c = compareEpisodes(ref, test, {
      fs: 1,
      fromSample: 0,
      toSample: 200,
      exclusions: [iv(50, 60)],
    });
    expect([c.testTrue, c.testFalse, c.testSeconds, c.testCoveredSeconds]).toEqual([1, 0, 20, 10]);
    // Sensitivity is untouched by exclusions.
    expect([c.refDetected, c.refMissed, c.refSeconds]).toEqual([2, 1, 30]);
  });

  it('clips to the test period (default: from 5 min) and ignores what ends before it', () => {
    const c = compareEpisodes(ref, test, { fs: 1, fromSample: 12, toSample: 105 });
    // ref [12,20) [30,40) [100,105): 8 + 10 + 5 s; test [15,35) [50,60).
    expect(c.refSeconds).toBe(23);
    expect(c.refCoveredSeconds).toBe(10);
    const d = compareEpisodes([iv(0, 299)], [iv(0, 299)], { fs: 1, toSample: 1000 });
    expect(d.refDetected + d.refMissed + d.testTrue + d.testFalse).toBe(0);
    expect(episodeStatistics(d).episodeSensitivity).toBeNull();
  });

  it('sums counts over records for the gross figures', () => {
    const a = compareEpisodes(ref, test, { fs: 1, fromSample: 0, toSample: 200 });
    const g = episodeStatistics(sumCounts([a, a]));
    expect(g.episodeSensitivity).toBeCloseTo(4 / 6, 12);
    expect(sumCounts([a, a]).refSeconds).toBe(60);
  });

  it('refuses an episode that ends before it starts', () => {
    expect(() => compareEpisodes([iv(5, 1)], [], { fs: 1, toSample: 10 })).toThrow(BeatlensError);
  });
});

describe('rhythmIntervals', () => {
  const ann = [
    { sample: 0, symbol: '+', aux: '(N\0' },
    { sample: 50, symbol: 'N', aux: '' },
    { sample: 100, symbol: '+', aux: '(AFIB' },
    { sample: 150, symbol: '+', aux: '(AFIB' },
    { sample: 200, symbol: '+', aux: '(AFL' },
    { sample: 300, symbol: '+', aux: '(N' },
    { sample: 400, symbol: '+', aux: '(AFIB\0' },
  ];

  it('runs from a matching rhythm annotation to the next one that does not match, or the end', () => {
    expect(rhythmIntervals(ann, 500, isAfib)).toEqual([iv(100, 200), iv(400, 500)]);
    expect(rhythmIntervals(ann, 500, isAfOrFlutter)).toEqual([iv(100, 300), iv(400, 500)]);
  });
});
