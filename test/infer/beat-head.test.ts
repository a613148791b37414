import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aamiClass } from '../../src-main/ecg/wfdb/annotations';
import { readScanBeatsCsv } from '../../src-main/evaluate/scan';
import { shippedBeatHead } from '../../src-main/infer/models';
import {
  applyBeatHead,
  fitBeatHead,
  headProbabilities,
  BEAT_HEAD_FEATURES,
  beatHeadFeatures,
  headProbabilitiesOf,
  validateBeatHead,
  type HeadBeat,
} from '../../src-main/infer/beat-head';
import { projectRoot } from '../../src-main/paths';

const FS = 250;
const col = (name: string): number => BEAT_HEAD_FEATURES.indexOf(name);

/** Beats at a steady RR (s) with the given beats moved earlier by `early` × RR. */
function rhythm(n: number, rr: number, early: Map<number, number>, cluster = 0): HeadBeat[] {
  const out: HeadBeat[] = [];
  let t = FS;
  for (let i = 0; i < n; i++) {
    const shift = early.get(i) ?? 0;
    out.push({ sample: Math.round(t - shift * rr * FS), correlation: 0.99, cluster });
    t += rr * FS;
  }
  return out;
}

describe('beatHeadFeatures', () => {
  it('a premature beat shows early against the median and the sinus reference; the others do not', () => {
    const beats = rhythm(40, 0.8, new Map([[20, 0.3]]));
    const rows = beatHeadFeatures(beats, FS);
    expect(rows).toHaveLength(40);
    expect(rows[20][col('log_prematurity')]).toBeCloseTo(Math.log(0.7), 2);
    expect(rows[20][col('log_sinusPrematurity')]).toBeLessThan(Math.log(0.75));
    expect(rows[20][col('early_prematurity')]).toBeCloseTo(Math.log(0.7), 2);
    // The beat after it comes late: no earliness, a positive log ratio.
    expect(rows[21][col('early_prematurity')]).toBe(0);
    expect(rows[21][col('log_prematurity')]).toBeGreaterThan(0.2);
    for (const i of [5, 10, 30])
      expect(Math.abs(rows[i][col('log_prematurity')])).toBeLessThan(1e-6);
    // The first beat has no RR before it: flagged, ratio 1.
    expect(rows[0][col('missing_prematurity')]).toBe(1);
    expect(rows[0][col('log_prematurity')]).toBe(0);
  });

  it('depends on RR ratios only: the same rhythm at another rate and another fs gives the same rows', () => {
    const a = beatHeadFeatures(rhythm(30, 0.8, new Map([[12, 0.25]])), FS);
    const b = beatHeadFeatures(
      rhythm(30, 0.8, new Map([[12, 0.25]])).map((x) => ({ ...x, sample: x.sample * 2 })),
      2 * FS,
    );
    a.forEach((row, i) => row.forEach((v, j) => expect(b[i][j]).toBeCloseTo(v, 2)));
  });

  it('measures no interval across a run start', () => {
    const beats = rhythm(30, 0.8, new Map());
    const rows = beatHeadFeatures(beats, FS, new Set([15]));
    expect(rows[15][col('missing_prematurity')]).toBe(1);
    expect(rows[14][col('missing_compensation')]).toBe(1);
  });

  it('counts the cluster share and input arrays are not mutated', () => {
    const beats = rhythm(10, 0.8, new Map());
    beats[3].cluster = 1;
    const copy = JSON.stringify(beats);
    const rows = beatHeadFeatures(beats, FS);
    expect(rows[3][col('cluster_share')]).toBeCloseTo(0.1, 6);
    expect(rows[4][col('cluster_share')]).toBeCloseTo(0.9, 6);
    expect(JSON.stringify(beats)).toBe(copy);
  });
});

describe('fitBeatHead', () => {
  it('learns premature beats of the dominant shape as S on one rhythm and finds them on another', () => {
    const make = (rr: number, every: number, n: number) => {
      const early = new Map<number, number>();
      for (let i = every; i < n - 2; i += every) early.set(i, 0.3);
      const beats = rhythm(n, rr, early);
      return { beats, y: beats.map((_, i) => (early.has(i) ? 1 : 0)) };
    };
    const train = make(0.8, 7, 400);
    const head = fitBeatHead(
      beatHeadFeatures(train.beats, FS),
      train.y,
      { threshold: 0.5 },
      { iterations: 300 },
    );
    const test = make(1.1, 11, 300);
    const p = headProbabilitiesOf(head, test.beats, FS);
    test.y.forEach((y, i) => {
      if (i < 2) return;
      expect(p[i][1] >= 0.5 ? 1 : 0).toBe(y);
    });
    expect(validateBeatHead(JSON.parse(JSON.stringify(head)), 'fitted head')).toBeTruthy();
    expect(
      headProbabilities(head, beatHeadFeatures(test.beats, FS)[0]).reduce((a, b) => a + b),
    ).toBeCloseTo(1, 9);
  });

  it('refuses rows and labels of different lengths', () => {
    expect(() =>
      fitBeatHead([new Float64Array(BEAT_HEAD_FEATURES.length)], [], { threshold: 0.5 }),
    ).toThrow(/1 rows but 0 labels/);
  });
});

describe('applyBeatHead', () => {
  const pS = (s: number, v = 0): number[] => [1 - s - v, s, v];
  it('keeps the rule V, makes S at the threshold, never inside AF, and drops the rule S', () => {
    expect(
      applyBeatHead(
        ['N', 'V', 'N', 'S', 'N', 'N'],
        [0.9, 0.9, 0.5, 0.1, 0.49, 0.95].map((s) => pS(s)),
        Array(6).fill(0.99),
        { threshold: 0.5 },
        [false, false, false, false, false, true],
      ),
    ).toEqual(['S', 'V', 'S', 'N', 'N', 'N']);
  });
  it('inside AF keeps a rule V only with a QRS unlike the dominant beat (vAfMaxCorrelation)', () => {
    const labels = ['V', 'V', 'V', 'V', 'V'] as const;
    const probs = Array.from({ length: 5 }, () => pS(0.9, 0.05));
    const corr = [0.95, 0.3, NaN, 0.95, 0.95];
    const inAf = [true, true, true, false, true];
    // No bound: every rule V stays V, in AF or not.
    expect(applyBeatHead([...labels], probs, corr, { threshold: 0.5 }, inAf)).toEqual([...labels]);
    const t = { threshold: 0.5, vAfMaxCorrelation: 0.8 };
    expect(applyBeatHead([...labels], probs, corr, t, inAf)).toEqual([
      'N', // in AF, conducted like the dominant beat, and no S inside AF
      'V', // in AF, a QRS unlike the dominant beat
      'V', // an unknown correlation passes
      'V', // outside AF the bound does not apply
      'N',
    ]);
    // The head's own V (probability and morphology) still applies to a withdrawn rule V.
    const own = { ...t, vThreshold: 0.5, vMaxCorrelation: 0.99 };
    expect(applyBeatHead(['V'], [pS(0, 0.9)], [0.95], own, [true])).toEqual(['V']);
  });
  it('adds a V where its V probability reaches vThreshold and its QRS is unlike the dominant beat', () => {
    const t = { threshold: 0.5, vThreshold: 0.9, vMaxCorrelation: 0.7 };
    const probs = [pS(0, 0.95), pS(0, 0.95), pS(0, 0.85), pS(0.05, 0.95)];
    expect(applyBeatHead(['N', 'N', 'N', 'N'], probs, [0.2, 0.8, 0.2, NaN], t)).toEqual([
      'V',
      'N', // looks like the dominant beat
      'N', // not probable enough
      'N', // unknown correlation counts as the dominant shape
    ]);
    // An S must be conducted like the dominant beat when sMinCorrelation is set.
    const sc = { threshold: 0.5, sMinCorrelation: 0.8 };
    expect(
      applyBeatHead(['N', 'N', 'N'], [pS(0.9), pS(0.9), pS(0.9)], [0.95, 0.5, NaN], sc),
    ).toEqual(['S', 'N', 'S']);
    // Without vThreshold the head adds no V.
    expect(applyBeatHead(['N'], [pS(0, 1)], [0], { threshold: 0.5 })).toEqual(['N']);
  });
});

describe('validateBeatHead', () => {
  it('refuses another format, other features and non-finite weights in one line', () => {
    expect(() => validateBeatHead({ format: 'x' }, 'h.json')).toThrow(
      /h.json is not a beatlens beat head/,
    );
    const head = fitBeatHead(
      [new Float64Array(BEAT_HEAD_FEATURES.length).fill(1)],
      [0],
      { threshold: 0.5 },
      {
        iterations: 2,
      },
    );
    expect(() => validateBeatHead({ ...head, features: ['a'] }, 'h.json')).toThrow(
      /other features/,
    );
    const w = head.weights.map((r) => r.slice());
    w[0][0] = NaN;
    expect(() => validateBeatHead({ ...head, weights: w }, 'h.json')).toThrow(/non-finite/);
    expect(() => validateBeatHead({ ...head, vThreshold: 2 }, 'h.json')).toThrow(/non-finite/);
  });
});

const ds2Csv = join(projectRoot, 'docs/results/scan/ds2/rule/annotated/100.csv');

describe.skipIf(!existsSync(ds2Csv))(
  'the shipped SVEB head on MIT-BIH record 100 (DS2, never fitted on)',
  () => {
    it('finds most of its 33 APBs and calls few of its 2,239 normal beats S', () => {
      const head = shippedBeatHead();
      expect(head).not.toBeNull();
      const scan = readScanBeatsCsv(ds2Csv, 360);
      const p = headProbabilitiesOf(head!, scan.beats, scan.fs, scan.runStarts).map((q) => q[1]);
      let tp = 0;
      let fp = 0;
      let nS = 0;
      scan.beats.forEach((b, i) => {
        const ref = aamiClass(b.reference ?? '');
        const s = p[i] >= head!.threshold;
        if (ref === 'S') nS++;
        if (s && ref === 'S') tp++;
        if (s && ref === 'N') fp++;
      });
      expect(nS).toBe(33);
      expect(tp).toBeGreaterThanOrEqual(28);
      expect(fp).toBeLessThanOrEqual(10);
    });
  },
);
