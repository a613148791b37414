import { describe, expect, it } from 'vitest';
import type { SegmentBeat } from '../../src-main/ecg/types';
import {
  auroc,
  automaticGrade,
  localisationMetrics,
  meanStd,
  scoreSegment,
  summariseFolds,
} from '../../src-main/evaluate/localisation';
import { createRng } from '../../src-main/random';
import { beat } from '../helpers/beats';

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
