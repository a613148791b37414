/**
 * Beat-by-beat comparison against hand-computed cases and the definitions of WFDB's bxb.c /
 * sumstats.c, and on MIT-BIH record 119 (skipped when ../shared/data/mitdb is absent).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCsv } from '../../src-main/csv';
import type { AamiClass } from '../../src-main/ecg/types';
import { readBeats, type WfdbAnnotation } from '../../src-main/ecg/wfdb/annotations';
import {
  bxbStatistics,
  compareBeats,
  emptyCounts,
  f1Score,
  learningPeriodSamples,
  matchWindowSamples,
  recordResult,
  referenceEpisodes,
  REF_ROWS,
  summariseRecords,
  TEST_COLUMNS,
  withoutVfBeats,
  type BxbBeat,
  type BxbCounts,
  type BxbOptions,
  type BxbStatistics,
} from '../../src-main/evaluate/bxb';
import { evaluateBeatFiles, readBxbReference, scoreBeats } from '../../src-main/evaluate/bxb-files';
import { detectQrs } from '../../src-main/ecg/qrs';
import { matchBeats } from '../../src-main/evaluate/beat-match';
import { readWfdbRecord } from '../../src-main/ecg/wfdb/record';
import { dataset } from '../helpers/data';

const FS = 360;
/** No learning period and no record end: the hand-made cases start near sample 0. */
const ALL: BxbOptions = { fromMinutes: 0, endSample: null };

const beats = (...spec: [number, AamiClass][]): BxbBeat[] =>
  spec.map(([sample, label]) => ({ sample, label }));

/** Non-zero cells of a matrix as 'Nn: 2' strings, to compare with a hand-made list. */
function nonZero(c: BxbCounts): string[] {
  const out: string[] = [];
  for (const r of REF_ROWS)
    for (const t of TEST_COLUMNS) if (c[r][t]) out.push(`${r}${t.toLowerCase()}: ${c[r][t]}`);
  return out;
}

const values = (s: BxbStatistics): Record<string, number | null> =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.value]));

describe('compareBeats: matching as bxb', () => {
  it('rounds the 150 ms window and the 5 min learning period to samples as strtim does', () => {
    expect(matchWindowSamples(360)).toBe(54);
    expect(matchWindowSamples(250)).toBe(38); // 37.5 rounds up, as (long)(x + 0.5)
    expect(learningPeriodSamples(360)).toBe(108000);
    expect(learningPeriodSamples(250, 2.5)).toBe(37500);
  });

  it('counts an exact match on the diagonal: every statistic 100 %, FPR 0', () => {
    const ref = beats([1000, 'N'], [1300, 'V'], [1600, 'N'], [1900, 'S'], [2200, 'F']);
    const c = compareBeats(ref, ref, FS, ALL);
    expect(nonZero(c)).toEqual(['Nn: 2', 'Ss: 1', 'Vv: 1', 'Ff: 1']);
    expect(values(bxbStatistics(c))).toEqual({
      qrsSensitivity: 1,
      qrsPositivePredictivity: 1,
      vebSensitivity: 1,
      vebPositivePredictivity: 1,
      vebFalsePositiveRate: 0,
      svebSensitivity: 1,
      svebPositivePredictivity: 1,
    });
  });

  it('matches a beat 149 ms away and not one 151 ms away (at 360 Hz: 53 and 55 samples)', () => {
    // 149 ms is 53.6 samples and 151 ms 54.4: the nearest whole samples inside and outside
    // the 54-sample window are 53 (147 ms) and 55 (153 ms); 54 itself (150 ms) still matches.
    const inside = Math.floor(0.149 * FS);
    const outside = Math.ceil(0.151 * FS);
    expect([inside, outside]).toEqual([53, 55]);
    const ref = beats([1000, 'N'], [2000, 'N'], [3000, 'N'], [4000, 'N'], [5000, 'N']);
    const shifted = (d: number[]): BxbBeat[] =>
      ref.map((b, i) => ({ ...b, sample: b.sample + d[i] }));
    const near = compareBeats(ref, shifted([inside, -inside, 54, -54, 0]), FS, ALL);
    expect(nonZero(near)).toEqual(['Nn: 5']);
    const far = compareBeats(ref, shifted([outside, -outside, 0, 0, 0]), FS, ALL);
    expect(nonZero(far)).toEqual(['Nn: 3', 'No: 2', 'On: 2']);
  });

  it('counts a missed reference beat in column O and an extra test beat in row O', () => {
    const ref = beats([1000, 'N'], [2000, 'V'], [3000, 'N']);
    const test = beats([1000, 'N'], [2500, 'N'], [3000, 'N']);
    const c = compareBeats(ref, test, FS, ALL);
    expect(nonZero(c)).toEqual(['Nn: 2', 'Vo: 1', 'On: 1']);
    const s = bxbStatistics(c);
    expect([s.qrsSensitivity.numerator, s.qrsSensitivity.denominator]).toEqual([2, 3]);
    expect([s.qrsPositivePredictivity.numerator, s.qrsPositivePredictivity.denominator]).toEqual([
      2, 3,
    ]);
    expect(s.vebSensitivity.value).toBe(0); // the missed V is a VEB false negative (Vo)
  });

  it('V called N is a VEB false negative; N called V a VEB false positive', () => {
    const ref = beats([1000, 'N'], [2000, 'V'], [3000, 'N'], [4000, 'N']);
    const test = beats([1000, 'N'], [2000, 'N'], [3000, 'V'], [4000, 'N']);
    const c = compareBeats(ref, test, FS, ALL);
    expect(nonZero(c)).toEqual(['Nn: 2', 'Nv: 1', 'Vn: 1']);
    const s = bxbStatistics(c);
    expect(values(s)).toMatchObject({
      qrsSensitivity: 1,
      qrsPositivePredictivity: 1,
      vebSensitivity: 0, // 0 / (Vv + Vn)
      vebPositivePredictivity: 0, // 0 / (Vv + Nv)
      vebFalsePositiveRate: 1 / 3, // Nv / (Nn + Nv)
    });
  });

  it("follows bxb's 2002 rule when consecutive beats of both lists fall in one window", () => {
    // The example of bxb.c's comment: window 37 samples, ref 96 and 160, test 128 and 185. The
    // original rule missed ref 96 and counted test 128 as extra; the revised one pairs both.
    const fs = 246; // 0.15 × 246 = 36.9 → 37 samples
    expect(matchWindowSamples(fs)).toBe(37);
    const early = beats([96, 'N'], [160, 'N']);
    const late = beats([128, 'N'], [185, 'N']);
    expect(nonZero(compareBeats(early, late, fs, ALL))).toEqual(['Nn: 2']);
    // The same with the roles swapped (bxb's case 1, the test beat earlier).
    expect(nonZero(compareBeats(late, early, fs, ALL))).toEqual(['Nn: 2']);
  });

  it('pairs one to one, nearest first: two test beats near one reference beat give one extra', () => {
    const c = compareBeats(beats([1000, 'V']), beats([980, 'N'], [1010, 'V']), FS, ALL);
    expect(nonZero(c)).toEqual(['Vv: 1', 'On: 1']);
  });

  it('sorts its inputs without changing them', () => {
    const ref = beats([3000, 'N'], [1000, 'V'], [2000, 'N']);
    const test = beats([2000, 'N'], [3000, 'N'], [1000, 'V']);
    const before = JSON.stringify([ref, test]);
    expect(nonZero(compareBeats(ref, test, FS, ALL))).toEqual(['Nn: 2', 'Vv: 1']);
    expect(JSON.stringify([ref, test])).toBe(before);
  });
});

describe('compareBeats: the learning period', () => {
  const start = learningPeriodSamples(FS); // 108000

  it('by default leaves out the first 5 minutes, as bxb without -f', () => {
    // Wrong labels, a missed and an extra beat, all before 5:00, and two correct beats after.
    const ref = beats([50000, 'N'], [60000, 'N'], [107000, 'V'], [110000, 'N'], [120000, 'V']);
    const test = beats([50000, 'V'], [70000, 'N'], [107000, 'N'], [110000, 'N'], [120000, 'V']);
    expect(nonZero(compareBeats(ref, test, FS))).toEqual(['Nn: 1', 'Vv: 1']);
    expect(nonZero(compareBeats(ref, test, FS, { fromMinutes: 5 }))).toEqual(['Nn: 1', 'Vv: 1']);
    expect(nonZero(compareBeats(ref, test, FS, ALL))).toEqual([
      'Nn: 1',
      'Nv: 1',
      'No: 1',
      'Vn: 1',
      'Vv: 1',
      'On: 1',
    ]);
  });

  it('counts a learning-period test beat that is the best match of the first reference beat', () => {
    const c = compareBeats(beats([start + 10, 'V']), beats([start - 10, 'V']), FS);
    expect(nonZero(c)).toEqual(['Vv: 1']);
  });

  it('drops, uncounted, a test beat just after the start whose match was in the learning period', () => {
    // Reference beat at start − 10 (not compared); its detection at start + 10 is not an extra
    // beat, because the next test beat is the better match of the first compared reference beat.
    const ref = beats([start - 10, 'N'], [start + 300, 'N']);
    const test = beats([start + 10, 'N'], [start + 300, 'N']);
    expect(nonZero(compareBeats(ref, test, FS))).toEqual(['Nn: 1']);
  });

  it('stops at the end sample once both lists are past it', () => {
    const ref = beats([1000, 'N'], [2000, 'N'], [9000, 'N']);
    const test = beats([1000, 'N'], [2000, 'N'], [8000, 'N']);
    expect(nonZero(compareBeats(ref, test, FS, { fromMinutes: 0, endSample: 5000 }))).toEqual([
      'Nn: 2',
    ]);
    // Without a record length bxb runs to the last reference beat: later test beats are not read.
    const extraAfter = beats([1000, 'N'], [2000, 'N'], [9000, 'N'], [20000, 'N']);
    expect(nonZero(compareBeats(ref, extraAfter, FS, ALL))).toEqual(['Nn: 3']);
  });
});

describe('compareBeats: Q and F beats, VF and shutdown', () => {
  it('does not count a reference Q or F beat called V against VEB +P, nor Q called S against SVEB +P', () => {
    const ref = beats([1000, 'Q'], [2000, 'F'], [3000, 'V'], [4000, 'Q'], [5000, 'S']);
    const test = beats([1000, 'V'], [2000, 'V'], [3000, 'V'], [4000, 'S'], [5000, 'S']);
    const c = compareBeats(ref, test, FS, ALL);
    expect(nonZero(c)).toEqual(['Ss: 1', 'Vv: 1', 'Fv: 1', 'Qs: 1', 'Qv: 1']);
    const s = bxbStatistics(c);
    expect([s.vebPositivePredictivity.numerator, s.vebPositivePredictivity.denominator]).toEqual([
      1, 1,
    ]);
    expect([s.svebPositivePredictivity.numerator, s.svebPositivePredictivity.denominator]).toEqual([
      1, 1,
    ]);
    expect(s.qrsSensitivity.value).toBe(1); // Q beats are still QRS complexes
  });

  it('but a reference F beat called S is an SVEB false positive, as in bxb.c', () => {
    const c = compareBeats(
      beats([1000, 'F'], [2000, 'S']),
      beats([1000, 'S'], [2000, 'S']),
      FS,
      ALL,
    );
    const s = bxbStatistics(c);
    expect([s.svebPositivePredictivity.numerator, s.svebPositivePredictivity.denominator]).toEqual([
      1, 2,
    ]);
  });

  it('leaves out extra test beats inside reference VF and puts those inside shutdown in row X', () => {
    const ref = beats([1000, 'N'], [5000, 'N']);
    const test = beats([1000, 'N'], [2000, 'V'], [3500, 'N'], [5000, 'N']);
    const episodes = { vf: [{ on: 1500, off: 2500 }], shutdown: [{ on: 3000, off: 4000 }] };
    const c = compareBeats(ref, test, FS, ALL, episodes);
    expect(nonZero(c)).toEqual(['Nn: 2', 'Xn: 1']);
    expect(bxbStatistics(c).qrsPositivePredictivity.value).toBe(2 / 3); // row X is a QRS FP
  });

  it('finds VF and shutdown episodes in the annotation stream as getref does', () => {
    const a = (sample: number, symbol: string, subtype = 0): WfdbAnnotation => ({
      sample,
      symbol,
      subtype,
      code: 0,
      chan: 0,
      num: 0,
      aux: '',
    });
    const stream = [
      a(100, 'N'),
      a(200, '['),
      a(300, 'V'),
      a(400, ']'),
      a(500, 'N'),
      a(600, '~', -1), // both signals unreadable: shutdown …
      a(700, '~', 0), // … ending at the next noise mark without the shutdown bits
      a(800, 'N'),
      a(900, '~', 0x30), // an AHA-style single mark: from 54 after the beat before …
      a(2000, 'N'), // … to 54 before the next annotation
    ];
    const episodes = referenceEpisodes(stream, 54);
    expect(episodes).toEqual({
      vf: [{ on: 200, off: 400 }],
      shutdown: [
        { on: 600, off: 700 },
        { on: 854, off: 1946 },
      ],
    });
    expect(withoutVfBeats(beats([100, 'N'], [300, 'V'], [500, 'N']), episodes.vf)).toEqual(
      beats([100, 'N'], [500, 'N']),
    );
  });
});

describe('bxbStatistics: the definitions of bxb.c on a constructed matrix', () => {
  // Every cell a different value, so that each sum below is checked cell by cell.
  const counts = emptyCounts();
  let v = 1;
  for (const r of REF_ROWS)
    for (const t of TEST_COLUMNS) if (!(t === 'O' && (r === 'O' || r === 'X'))) counts[r][t] = v++;
  const sum = (names: string): number =>
    names
      .split(' ')
      .reduce(
        (s, n) => s + counts[n[0] as (typeof REF_ROWS)[number]][n[1].toUpperCase() as 'N'],
        0,
      );
  const s = bxbStatistics(counts);
  const parts = (k: keyof BxbStatistics): [number, number] => [s[k].numerator, s[k].denominator];

  it('QRS: TP all matched beats, FN the O column, FP the O and X rows', () => {
    const tp = sum('Nn Ns Nv Nf Nq Sn Ss Sv Sf Sq Vn Vs Vv Vf Vq Fn Fs Fv Ff Fq Qn Qs Qv Qf Qq');
    expect(parts('qrsSensitivity')).toEqual([tp, tp + sum('No So Vo Fo Qo')]);
    expect(parts('qrsPositivePredictivity')).toEqual([
      tp,
      tp + sum('On Os Ov Of Oq Xn Xs Xv Xf Xq'),
    ]);
  });

  it('VEB: TP Vv, FN Vn+Vs+Vf+Vq+Vo, FP Nv+Sv+Ov+Xv, TN the non-V cells of rows N S F Q O X', () => {
    const tp = counts.V.V;
    const fp = sum('Nv Sv Ov Xv');
    const tn = sum('Nn Ns Nf Nq Sn Ss Sf Sq Fn Fs Ff Fq Qn Qs Qf Qq On Os Of Oq Xn Xs Xf Xq');
    expect(parts('vebSensitivity')).toEqual([tp, tp + sum('Vn Vs Vf Vq Vo')]);
    expect(parts('vebPositivePredictivity')).toEqual([tp, tp + fp]);
    expect(parts('vebFalsePositiveRate')).toEqual([fp, tn + fp]);
  });

  it('SVEB: TP Ss, FN Sn+Sv+Sf+Sq+So, FP Ns+Vs+Fs+Os+Xs', () => {
    const tp = counts.S.S;
    expect(parts('svebSensitivity')).toEqual([tp, tp + sum('Sn Sv Sf Sq So')]);
    expect(parts('svebPositivePredictivity')).toEqual([tp, tp + sum('Ns Vs Fs Os Xs')]);
  });

  it('is undefined (null, bxb prints -) where the denominator is 0', () => {
    expect(values(bxbStatistics(emptyCounts()))).toEqual({
      qrsSensitivity: null,
      qrsPositivePredictivity: null,
      vebSensitivity: null,
      vebPositivePredictivity: null,
      vebFalsePositiveRate: null,
      svebSensitivity: null,
      svebPositivePredictivity: null,
    });
  });
});

describe('summariseRecords: gross and average as sumstats', () => {
  const record = (name: string, cells: Partial<Record<'Vv' | 'Vn' | 'Vo' | 'Nn', number>>) => {
    const c = emptyCounts();
    c.V.V = cells.Vv ?? 0;
    c.V.N = cells.Vn ?? 0;
    c.V.O = cells.Vo ?? 0;
    c.N.N = cells.Nn ?? 0;
    return recordResult(name, c);
  };
  const records = [
    record('100', { Vv: 1, Vn: 1, Nn: 10 }),
    record('119', { Vv: 3, Vo: 1, Nn: 10 }),
    record('122', { Nn: 10 }), // no VEBs: not in the VEB Se average
    record('217', { Vn: 10, Nn: 10 }), // paced: left out by default
  ];

  it('gross: ratios of the summed counts; average: mean of the defined per-record ratios', () => {
    const s = summariseRecords(records);
    expect(s.excluded).toEqual(['217']);
    expect(s.records.map((r) => r.record)).toEqual(['100', '119', '122', '217']);
    expect(s.grossCounts.V).toMatchObject({ V: 4, N: 1, O: 1 });
    expect(s.gross.vebSensitivity.value).toBeCloseTo(4 / 6, 12);
    expect(s.average.vebSensitivity).toEqual({ value: (1 / 2 + 3 / 4) / 2, nRecords: 2 });
    expect(s.average.qrsSensitivity.nRecords).toBe(3);
    expect(s.gross.qrsSensitivity.value).toBeCloseTo(35 / 36, 12);
  });

  it('excludeRecords replaces the paced-record default', () => {
    const s = summariseRecords(records, { excludeRecords: [] });
    expect(s.excluded).toEqual([]);
    expect(s.gross.vebSensitivity.value).toBeCloseTo(4 / 16, 12);
    expect(s.average.vebSensitivity.nRecords).toBe(3);
  });
});

const mitdb = dataset('mitdb', '119.atr');

describe.skipIf(!mitdb.present)(`MIT-BIH record 119 (${mitdb.skipReason})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'beatlens-bxb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const base = join(mitdb.dir, '119');
  const reference = readBeats(base, 'atr');
  const start = learningPeriodSamples(360);
  const writeCsv = (name: string, labels: AamiClass[]): string => {
    const path = join(dir, name);
    writeFileSync(
      path,
      formatCsv(
        ['sample', 'label'],
        reference.map((b, i) => [b.sample, labels[i]]),
      ),
    );
    return path;
  };

  it('gives 100 % everywhere for the reference annotations themselves', () => {
    const csv = writeCsv(
      '119.csv',
      reference.map((b) => b.aami),
    );
    const r = evaluateBeatFiles(csv, `${base}.atr`);
    expect(values(r.statistics)).toEqual({
      qrsSensitivity: 1,
      qrsPositivePredictivity: 1,
      vebSensitivity: 1,
      vebPositivePredictivity: 1,
      vebFalsePositiveRate: 0,
      svebSensitivity: null, // 119 has no SVEBs
      svebPositivePredictivity: null,
    });
    // The default learning period is bxb's: exactly the beats from 5:00 on are compared.
    const compared = reference.filter((b) => b.sample >= start);
    expect(r.statistics.qrsSensitivity.denominator).toBe(compared.length);
    expect(compared.length).toBeLessThan(reference.length);
    expect(
      evaluateBeatFiles(csv, `${base}.atr`, { fromMinutes: 0 }).statistics.qrsSensitivity
        .denominator,
    ).toBe(reference.length);
  });

  it('with every 10th V relabelled N gives VEB Se (nV − nChanged) / nV over the compared beats', () => {
    let nthV = 0;
    const changed = new Set<number>();
    const labels = reference.map((b, i): AamiClass => {
      if (b.aami !== 'V' || ++nthV % 10 !== 0) return b.aami;
      changed.add(i);
      return 'N';
    });
    const csv = writeCsv('119-relabelled.csv', labels);
    const r = evaluateBeatFiles(csv, `${base}.atr`);
    const inInterval = (i: number): boolean => reference[i].sample >= start;
    const nV = reference.filter((b, i) => b.aami === 'V' && inInterval(i)).length;
    const nChanged = [...changed].filter(inInterval).length;
    expect(nChanged).toBeGreaterThan(10);
    expect(r.counts.V).toMatchObject({ V: nV - nChanged, N: nChanged, O: 0 });
    expect(r.statistics.vebSensitivity.value).toBe((nV - nChanged) / nV);
    expect(r.statistics.vebPositivePredictivity.value).toBe(1);
    expect(r.statistics.qrsSensitivity.value).toBe(1);
    // The same labels in memory, scored by scoreBeats against the reference, count the same.
    const ref = readBxbReference(`${base}.atr`);
    const test = reference.map((b, i) => ({ sample: b.sample, label: labels[i] }));
    expect(scoreBeats(ref, test, {}, 'relabelled').counts).toEqual(r.counts);
    expect(f1Score(r.statistics.vebSensitivity.value!, 1)).toBeCloseTo(
      (2 * r.statistics.vebSensitivity.value!) / (r.statistics.vebSensitivity.value! + 1),
    );
    expect(f1Score(0, 0)).toBe(0);
  });
});

describe.skipIf(!mitdb.present)(
  `QRS counts against an independent matcher (${mitdb.skipReason})`,
  () => {
    // The Pan–Tompkins detector of qrs.ts on lead 0, scored by bxb and by qrs.ts's one-to-one
    // nearest matcher over the same beats (from 5:00 on, 54-sample window).
    for (const record of ['119', '203', '207']) {
      it(`agrees on ${record}, but for the detections inside reference VF, which bxb leaves out`, () => {
        const base = join(mitdb.dir, record);
        const signal = readWfdbRecord(`${base}.hea`);
        const test = detectQrs(signal.signals[0], signal.fs).map((sample) => ({
          sample,
          label: 'N' as const,
        }));
        const ref = readBxbReference(`${base}.atr`);
        const s = bxbStatistics(
          compareBeats(ref.beats, test, ref.fs, { endSample: ref.nSamples }, ref.episodes),
        );
        const start = learningPeriodSamples(ref.fs);
        const after = (b: BxbBeat): boolean => b.sample >= start;
        const m = matchBeats(
          test.filter(after).map((b) => b.sample),
          ref.beats.filter(after).map((b) => b.sample),
          matchWindowSamples(ref.fs),
        );
        const inVf = test.filter(
          (b) => after(b) && ref.episodes.vf.some((e) => e.on <= b.sample && b.sample <= e.off),
        ).length;
        const q = s.qrsSensitivity;
        const p = s.qrsPositivePredictivity;
        expect([q.numerator, q.denominator - q.numerator]).toEqual([
          m.truePositives,
          m.falseNegatives,
        ]);
        expect(p.denominator - p.numerator).toBe(m.falsePositives - inVf);
        if (record === '207') expect(inVf).toBeGreaterThan(100);
      });
    }
  },
);
