import { describe, expect, it } from 'vitest';
import type { SegmentBeat } from '../../src-main/ecg/types';
import {
  auroc,
  automaticGrade,
  beatScores,
  localRrSamples,
  localisationMetrics,
  meanStd,
  scoreSegment,
  summariseFolds,
} from '../../src-main/evaluate/localisation';
import { createRng } from '../../src-main/random';

const beat = (position: number, aami: 'N' | 'V' | 'S' = 'N'): SegmentBeat => ({
  position,
  start: position - 2,
  end: position + 3,
  symbol: aami === 'N' ? 'N' : aami === 'V' ? 'V' : 'A',
  aami,
});
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

describe('auroc', () => {
  it('matches hand-computed values, with ties counting one half', () => {
    expect(auroc([0.9, 0.8, 0.3], [0.5, 0.2])).toBeCloseTo(5 / 6, 12);
    expect(auroc([0.5], [0.5, 0.1])).toBeCloseTo(0.75, 12);
    expect(auroc([1, 2], [3, 4])).toBe(0);
    expect(Number.isNaN(auroc([], [1]))).toBe(true);
  });

  it('equals the brute-force pair count on random data with ties', () => {
    const rng = createRng(3);
    const pos = Array.from({ length: 37 }, () => rng.int(10));
    const neg = Array.from({ length: 23 }, () => rng.int(10));
    let wins = 0;
    for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
    expect(auroc(pos, neg)).toBeCloseTo(wins / (pos.length * neg.length), 12);
  });
});

describe('automaticGrade', () => {
  const abn = [false, true, false];
  it('assigns Class I, II, III by the threshold and the separation', () => {
    expect(automaticGrade([0.2, 0.8, 0.3], abn, 1)).toBe('I');
    // Normal 0.6 is above the threshold but below the abnormal beat: I, or II when strict.
    expect(automaticGrade([0.6, 0.8, 0.3], abn, 1)).toBe('I');
    expect(automaticGrade([0.6, 0.8, 0.3], abn, 1, { strictNormal: true })).toBe('II');
    expect(automaticGrade([0.9, 0.8, 0.3], abn, 1)).toBe('II');
    expect(automaticGrade([0.2, 0.4, 0.1], abn, 1)).toBe('III');
    // Threshold is relative to the segment maximum.
    expect(automaticGrade([0.2, 0.4, 0.1], abn, 1, { thresholdFraction: 0.3 })).toBe('I');
    expect(automaticGrade([0.2, 0.4, 0.1], abn, 0.5)).toBe('I');
    expect(automaticGrade([0.2, 0.4], [false, false], 1)).toBeNull();
  });
});

describe('localisationMetrics', () => {
  it('pools beats, averages per segment and plays the pointing game', () => {
    // Attention: a box of height h around each beat so each beat's score is exactly h.
    const box = (n: number, beats: SegmentBeat[], h: number[]): Float32Array => {
      const a = new Float32Array(n);
      beats.forEach((b, i) => {
        for (let t = b.position - 3; t <= b.position + 3; t++) a[t] = h[i];
      });
      return a;
    };
    const b1 = [beat(10), beat(30, 'V'), beat(50), beat(70, 'V')];
    const b2 = [beat(10), beat(30), beat(50, 'S')];
    const b3 = [beat(10), beat(30)];
    const opts = { rrFraction: 0.3 }; // width 6 → p-3..p+3, inside the boxes
    const segs = [
      { map: box(80, b1, [0.1, 0.9, 0.95, 0.8]), beats: b1 },
      { map: box(80, b2, [0.2, 0.1, 1.0]), beats: b2 },
      { map: box(80, b3, [0.5, 0.5]), beats: b3 },
    ];
    const r1 = scoreSegment(segs[0], opts);
    expect(r1.scores.map((s) => Number(s.toFixed(4)))).toEqual([0.1, 0.9, 0.95, 0.8]);
    expect(r1.auroc).toBeCloseTo(0.5, 12); // abnormal {0.9,0.8} vs normal {0.1,0.95}: 2/4
    expect(r1.pointing).toBe(0); // top beat 0.95 is normal
    expect(r1.grade).toBe('II');
    const m = localisationMetrics(segs, opts);
    expect(m.nSegments).toBe(3);
    expect(m.nBeats).toBe(9);
    expect(m.nAbnormalBeats).toBe(3);
    // pooled: abnormal {0.9,0.8,1.0} vs normal {0.1,0.95,0.2,0.1,0.5,0.5}: wins 5+5+6 = 16/18
    expect(m.pooledAuroc).toBeCloseTo(16 / 18, 6);
    expect(m.meanSegmentAuroc).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(m.nSegmentsWithBoth).toBe(2);
    expect(m.pointingGame).toBeCloseTo(0.5, 12);
    expect(m.gradeCounts).toEqual({ I: 1, II: 1, III: 0 });
    expect(m.gradePercent.I).toBeCloseTo(50, 12);
  });
});

describe('meanStd and summariseFolds', () => {
  it('uses the sample standard deviation and skips NaN folds', () => {
    const r = meanStd([1, 2, 3, 4, NaN]);
    expect(r.mean).toBe(2.5);
    expect(r.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(r.n).toBe(4);
    expect(meanStd([7]).std).toBe(0);
  });

  it('pools grade counts across folds', () => {
    const fold = (I: number, II: number, III: number, auc: number) => ({
      nSegments: 0,
      nBeats: 0,
      nAbnormalBeats: 0,
      pooledAuroc: auc,
      meanSegmentAuroc: auc,
      nSegmentsWithBoth: 0,
      pointingGame: auc,
      gradeCounts: { I, II, III },
      gradePercent: { I: (100 * I) / (I + II + III), II: 0, III: 0 },
    });
    const s = summariseFolds([fold(3, 1, 0, 0.8), fold(1, 1, 2, 0.6)]);
    expect(s.pooledAuroc.mean).toBeCloseTo(0.7, 12);
    expect(s.pooledGradePercent).toEqual({ I: 50, II: 25, III: 25 });
    expect(s.gradePercent.I.mean).toBeCloseTo(50, 12);
  });
});

describe('grade threshold reference', () => {
  it("is the top beat score by default and the map's maximum with relativeTo 'map'", () => {
    // A narrow spike on the abnormal beat: its window mean (1/7) is far below the map max (1).
    const beats = [beat(10), beat(30, 'V'), beat(50)];
    const map = new Float32Array(60);
    map[30] = 1;
    map[10] = 0.01;
    expect(scoreSegment({ map, beats }, { rrFraction: 0.3 }).grade).toBe('I');
    expect(scoreSegment({ map, beats }, { rrFraction: 0.3, relativeTo: 'map' }).grade).toBe('III');
  });
});
