/**
 * Beat-by-beat comparison of a test beat list with reference annotations, as WFDB's `bxb` and
 * `sumstats` do it for ANSI/AAMI EC57 (PhysioNet WFDB `app/bxb.c`, `app/sumstats.c`; the logic is
 * re-expressed here, not copied):
 *
 * - beats match within a 150 ms window (rounded to samples as bxb's `strtim(".15")`), one to
 *   one, by bxb's walk along both lists: the earlier of the current reference and test beat is
 *   paired with the other one only when no neighbour is a closer candidate (bxb's 2002 rule);
 * - the comparison starts after a learning period (5 min by default), with bxb's handling of the
 *   beats that straddle its end, and runs to the record's end (or the last reference beat);
 * - an unmatched test beat is counted in the reference 'O' row ('X' inside a reference-marked
 *   shutdown; not at all inside reference-marked ventricular fibrillation), an unmatched
 *   reference beat in the test 'O' column;
 * - statistics follow bxb's definitions, so that reference F and Q beats called V are not VEB
 *   false positives and reference Q beats called S are not SVEB false positives.
 *
 * Pure functions: beat lists and `fs` in, counts and ratios out; reading files is bxb-files.ts.
 */
import type { AamiClass } from '../ecg/types';
import type { WfdbAnnotation } from '../ecg/wfdb/annotations';
import { aamiClass } from '../ecg/wfdb/annotations';

/** One beat: its fiducial sample (at the record's own fs) and AAMI class. */
export interface BxbBeat {
  sample: number;
  label: AamiClass;
}

/** A closed interval of samples [on, off]. */
export interface SampleInterval {
  on: number;
  off: number;
}

/** Reference episodes that change how unmatched test beats are counted (see bxb's `rpann`). */
export interface ReferenceEpisodes {
  /** Ventricular fibrillation ('[' … ']'): reference beats inside are dropped, extra test beats
   * inside are not counted. */
  vf: readonly SampleInterval[];
  /** Shutdown (noise marking every signal unreadable): extra test beats inside count in row X. */
  shutdown: readonly SampleInterval[];
}

export const NO_EPISODES: ReferenceEpisodes = { vf: [], shutdown: [] };

/** Reference rows of bxb's matrix: the AAMI classes, O (no reference beat), X (in shutdown). */
export const REF_ROWS = ['N', 'S', 'V', 'F', 'Q', 'O', 'X'] as const;
/** Test columns: the AAMI classes and O (no test beat). bxb's x column (test annotator in
 * shutdown) cannot arise: a beats CSV carries no noise annotations. */
export const TEST_COLUMNS = ['N', 'S', 'V', 'F', 'Q', 'O'] as const;
export type RefRow = (typeof REF_ROWS)[number];
export type TestColumn = (typeof TEST_COLUMNS)[number];

/** bxb's confusion matrix: `counts[ref][test]`; rows O and X have a zero O column. */
export type BxbCounts = Record<RefRow, Record<TestColumn, number>>;

export interface BxbOptions {
  /** Learning period excluded from the comparison, in minutes (bxb `-f`; EC57: 5). */
  fromMinutes?: number;
  /** Last sample of the comparison (bxb: the record length from the header); null: the
   * comparison ends with the last reference beat, as bxb does when the length is unknown. */
  endSample?: number | null;
  /** Match window in seconds (bxb `-w`; EC57: 0.15). */
  matchSeconds?: number;
}

export const BXB_DEFAULTS = { fromMinutes: 5, matchSeconds: 0.15 } as const;

/**
 * Records that EC57 leaves out of MIT-BIH summaries because they hold paced beats
 * (102, 104, 107, 217).
 */
export const MITDB_PACED_RECORDS: readonly string[] = ['102', '104', '107', '217'];

/** A matrix of zeros. */
export function emptyCounts(): BxbCounts {
  const row = (): Record<TestColumn, number> => ({ N: 0, S: 0, V: 0, F: 0, Q: 0, O: 0 });
  return { N: row(), S: row(), V: row(), F: row(), Q: row(), O: row(), X: row() };
}

/** bxb rounds its window to whole samples (`strtim(".15")`: 54 at 360 Hz, 38 at 250 Hz). */
export function matchWindowSamples(
  fs: number,
  seconds: number = BXB_DEFAULTS.matchSeconds,
): number {
  return Math.round(seconds * fs);
}

/** First sample of the comparison (`strtim("5:0")`: 108000 at 360 Hz). */
export function learningPeriodSamples(
  fs: number,
  minutes: number = BXB_DEFAULTS.fromMinutes,
): number {
  return Math.round(minutes * 60 * fs);
}

/* ------------------------------------------------------------------------------------------ */
/* Reference episodes from the raw annotation stream                                           */
/* ------------------------------------------------------------------------------------------ */

/** bxb's "end of data" time; finite so that differences of two of them are 0, as in C. */
const HUGE = 2 ** 52;

const VFON = '[';
const VFOFF = ']';
const NOISE = '~';
/** Noise subtype bits 4 and 5 set: both signals unreadable, i.e. shutdown. */
const isShutdownStart = (a: WfdbAnnotation): boolean =>
  a.symbol === NOISE && (a.subtype & 0x30) === 0x30;

/**
 * VF and shutdown episodes as bxb's `getref` finds them in the reference file. A shutdown noise
 * mark ends at the next annotation when that is a noise mark without the shutdown bits; any other
 * next annotation means an AHA-style single mark, and the shutdown is taken to run from one match
 * window after the previous beat (or VF end) to one match window before that next annotation.
 */
export function referenceEpisodes(
  annotations: readonly WfdbAnnotation[],
  matchSamples: number,
): ReferenceEpisodes {
  const vf: SampleInterval[] = [];
  const shutdown: SampleInterval[] = [];
  let lastBeat = 0;
  let lastVfOff = -1;
  for (let i = 0; i < annotations.length; i++) {
    const a = annotations[i];
    if (a.symbol === VFON) {
      let j = i + 1;
      while (j < annotations.length && annotations[j].symbol !== VFOFF) j++;
      lastVfOff = j < annotations.length ? annotations[j].sample : HUGE;
      vf.push({ on: a.sample, off: lastVfOff });
      i = j;
    } else if (isShutdownStart(a)) {
      const next = annotations[i + 1];
      if (!next) {
        shutdown.push({ on: a.sample, off: HUGE });
      } else if (next.symbol === NOISE && !isShutdownStart(next)) {
        shutdown.push({ on: a.sample, off: next.sample });
        i++;
      } else {
        const off = next.sample - matchSamples;
        const on = Math.max(lastVfOff, lastBeat) + matchSamples;
        shutdown.push({ on: Math.min(on, off), off });
      }
    } else if (aamiClass(a.symbol) !== null) {
      lastBeat = a.sample;
    }
  }
  return { vf, shutdown };
}

/** Drops reference beats inside VF: bxb's `getref` reads past everything between '[' and ']'. */
export function withoutVfBeats(
  beats: readonly BxbBeat[],
  vf: readonly SampleInterval[],
): BxbBeat[] {
  if (vf.length === 0) return [...beats];
  return beats.filter((b) => !vf.some((e) => e.on <= b.sample && b.sample <= e.off));
}

/* ------------------------------------------------------------------------------------------ */
/* Matching                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/** A beat label in the walk: null stands for bxb's "no annotation" (before the first, after the
 * last, or a test beat inside reference VF), which `pair` does not count. */
type WalkLabel = AamiClass | 'O' | 'X' | null;

/**
 * bxb's view of one annotation list: the current beat (`cur`, bxb's T / t) and the next one
 * (`next`, T' / t'). Both start at time 0 with no label, as bxb's zero-initialised globals.
 */
interface Cursor {
  cur: number;
  curLabel: WalkLabel;
  next: number;
  nextLabel: WalkLabel;
  advance(): void;
}

function cursor(beats: readonly BxbBeat[]): Cursor {
  let i = 0;
  const c: Cursor = {
    cur: 0,
    curLabel: null,
    next: 0,
    nextLabel: null,
    advance() {
      c.cur = c.next;
      c.curLabel = c.nextLabel;
      const b = beats[i++];
      c.next = b ? b.sample : HUGE;
      c.nextLabel = b ? b.label : null;
    },
  };
  return c;
}

const bySample = (beats: readonly BxbBeat[]): BxbBeat[] =>
  [...beats].sort((a, b) => a.sample - b.sample);

const within = (t: number, episodes: readonly SampleInterval[]): boolean =>
  episodes.some((e) => e.on <= t && t <= e.off);

/** The pseudo reference label of an unmatched test beat at `t` (bxb's `rpann`). */
function extraTestRow(t: number, episodes: ReferenceEpisodes): WalkLabel {
  if (within(t, episodes.vf)) return null;
  return within(t, episodes.shutdown) ? 'X' : 'O';
}

/** bxb's `pair`: counts a (reference, test) label pair unless either side is "no annotation". */
function pair(counts: BxbCounts, ref: WalkLabel, test: WalkLabel): void {
  if (ref === null || test === null || test === 'X') return;
  if ((ref === 'O' || ref === 'X') && test === 'O') return;
  counts[ref][test]++;
}

/**
 * Compares `test` with `reference` beat by beat and returns bxb's confusion matrix. Both lists
 * are sorted by sample here (the inputs are not changed); `reference` should already be without
 * the beats inside VF (see `withoutVfBeats`), `episodes` are the reference's VF and shutdown.
 */
export function compareBeats(
  reference: readonly BxbBeat[],
  test: readonly BxbBeat[],
  fs: number,
  options: BxbOptions = {},
  episodes: ReferenceEpisodes = NO_EPISODES,
): BxbCounts {
  if (!(fs > 0 && Number.isFinite(fs))) throw new RangeError(`fs=${fs} is not a positive number`);
  const w = matchWindowSamples(fs, options.matchSeconds);
  const start = learningPeriodSamples(fs, options.fromMinutes);
  const end = options.endSample ?? null;
  if (end !== null && end < start) {
    throw new RangeError(`the comparison ends at sample ${end}, before it starts at ${start}`);
  }
  const counts = emptyCounts();
  const R = cursor(bySample(reference));
  const D = cursor(bySample(test));
  startAfterLearning(R, D, start, w, counts);
  const going = (): boolean => (end === null ? R.cur !== HUGE : R.cur <= end || D.cur <= end);
  while (going()) {
    const [T, t, Tn, tn] = [R.cur, D.cur, R.next, D.next];
    if (t < T) {
      // The test beat is earlier: pair it unless the next test beat is the better match for T,
      // or it stays a better match only because T's own next neighbour is closer still.
      if (T - t <= w && (T - t < Math.abs(T - tn) || Math.abs(Tn - tn) < Math.abs(T - tn))) {
        pair(counts, R.curLabel, D.curLabel);
        R.advance();
        D.advance();
      } else {
        pair(counts, extraTestRow(t, episodes), D.curLabel);
        D.advance();
      }
    } else if (t - T <= w && (t - T < Math.abs(t - Tn) || Math.abs(tn - Tn) < Math.abs(t - Tn))) {
      pair(counts, R.curLabel, D.curLabel);
      D.advance();
      R.advance();
    } else {
      pair(counts, R.curLabel, 'O');
      R.advance();
    }
  }
  return counts;
}

/**
 * bxb's start of the test period: the reference cursor moves to the first beat at or after
 * `start`; the test cursor to the last beat before it. That last learning-period test beat is
 * counted when it is the reference beat's best match; otherwise the first test beat after
 * `start` is dropped uncounted when it lies within one window of `start` and the next test beat
 * matches the reference beat better (its own match was presumably in the learning period).
 */
function startAfterLearning(
  R: Cursor,
  D: Cursor,
  start: number,
  w: number,
  counts: BxbCounts,
): void {
  do R.advance();
  while (R.cur < start);
  do D.advance();
  while (D.next < start);
  const T = R.cur;
  if (T - D.cur < Math.abs(T - D.next) && T - D.cur <= w) {
    pair(counts, R.curLabel, D.curLabel);
    R.advance();
    D.advance();
  } else {
    D.advance();
    if (D.cur - start <= w && Math.abs(T - D.next) < Math.abs(T - D.cur)) D.advance();
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Statistics                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/** A ratio with its parts; `value` is null when the denominator is 0 (bxb prints '-'). */
export interface Ratio {
  value: number | null;
  numerator: number;
  denominator: number;
}

/** bxb's statistics of one matrix, as fractions (bxb prints them as percentages). */
export interface BxbStatistics {
  qrsSensitivity: Ratio;
  qrsPositivePredictivity: Ratio;
  vebSensitivity: Ratio;
  vebPositivePredictivity: Ratio;
  vebFalsePositiveRate: Ratio;
  svebSensitivity: Ratio;
  svebPositivePredictivity: Ratio;
}

export const STATISTIC_KEYS = [
  'qrsSensitivity',
  'qrsPositivePredictivity',
  'vebSensitivity',
  'vebPositivePredictivity',
  'vebFalsePositiveRate',
  'svebSensitivity',
  'svebPositivePredictivity',
] as const satisfies readonly (keyof BxbStatistics)[];

const BEAT_CLASSES = ['N', 'S', 'V', 'F', 'Q'] as const;

const ratio = (numerator: number, denominator: number): Ratio => ({
  value: denominator > 0 ? numerator / denominator : null,
  numerator,
  denominator,
});

/** Sum of `counts[r][c]` over the given rows and columns. */
function cells(counts: BxbCounts, rows: readonly RefRow[], cols: readonly TestColumn[]): number {
  let s = 0;
  for (const r of rows) for (const c of cols) s += counts[r][c];
  return s;
}

/**
 * bxb's definitions (print_results in bxb.c), with Xy the count of reference class X called y:
 *
 * - QRS: TP = every reference beat matched by a test beat (rows N S V F Q × columns N S V F Q);
 *   FN = No+So+Vo+Fo+Qo (missed); FP = the O and X rows (extra test beats).
 *   Se = TP/(TP+FN), +P = TP/(TP+FP).
 * - VEB: TP = Vv; FN = Vn+Vs+Vf+Vq+Vo; FP = Nv+Sv+Ov+Xv — reference F and Q beats called V
 *   (Fv, Qv) are neither TP nor FP, as EC57 asks; TN = rows N S F Q O X × columns N S F Q.
 *   Se = TP/(TP+FN), +P = TP/(TP+FP), FPR = FP/(TN+FP).
 * - SVEB: TP = Ss; FN = Sn+Sv+Sf+Sq+So; FP = Ns+Vs+Fs+Os+Xs — a reference Q beat called S (Qs)
 *   is not a false positive. Se = TP/(TP+FN), +P = TP/(TP+FP).
 */
export function bxbStatistics(counts: BxbCounts): BxbStatistics {
  const beats = BEAT_CLASSES;
  const qtp = cells(counts, beats, beats);
  const qfn = cells(counts, beats, ['O']);
  const qfp = cells(counts, ['O', 'X'], beats);
  const vtp = counts.V.V;
  const vfn = cells(counts, ['V'], ['N', 'S', 'F', 'Q', 'O']);
  const vfp = cells(counts, ['N', 'S', 'O', 'X'], ['V']);
  const vtn = cells(counts, ['N', 'S', 'F', 'Q', 'O', 'X'], ['N', 'S', 'F', 'Q']);
  const stp = counts.S.S;
  const sfn = cells(counts, ['S'], ['N', 'V', 'F', 'Q', 'O']);
  const sfp = cells(counts, ['N', 'V', 'F', 'O', 'X'], ['S']);
  return {
    qrsSensitivity: ratio(qtp, qtp + qfn),
    qrsPositivePredictivity: ratio(qtp, qtp + qfp),
    vebSensitivity: ratio(vtp, vtp + vfn),
    vebPositivePredictivity: ratio(vtp, vtp + vfp),
    vebFalsePositiveRate: ratio(vfp, vtn + vfp),
    svebSensitivity: ratio(stp, stp + sfn),
    svebPositivePredictivity: ratio(stp, stp + sfp),
  };
}

/* ------------------------------------------------------------------------------------------ */
/* Per record and over records                                                                 */
/* ------------------------------------------------------------------------------------------ */

/** F1, the harmonic mean of a sensitivity and a positive predictivity (0 when both are 0). */
export function f1Score(se: number, pp: number): number {
  return se + pp > 0 ? (2 * se * pp) / (se + pp) : 0;
}

export interface BxbRecordResult {
  record: string;
  counts: BxbCounts;
  statistics: BxbStatistics;
}

/** An average of per-record ratios: the mean over the records where the ratio is defined. */
export interface AverageStatistic {
  value: number | null;
  nRecords: number;
}

export interface BxbSummary {
  records: BxbRecordResult[];
  /** Records listed but left out of gross and average (EC57: the paced MIT-BIH records). */
  excluded: string[];
  /** Counts summed over the included records. */
  grossCounts: BxbCounts;
  /** Statistics of the summed counts ("gross" in sumstats). */
  gross: BxbStatistics;
  /** Means of the per-record statistics ("average" in sumstats). */
  average: Record<keyof BxbStatistics, AverageStatistic>;
}

export function recordResult(record: string, counts: BxbCounts): BxbRecordResult {
  return { record, counts, statistics: bxbStatistics(counts) };
}

/** Element-wise sum of matrices. */
export function sumCounts(all: readonly BxbCounts[]): BxbCounts {
  const s = emptyCounts();
  for (const c of all) for (const r of REF_ROWS) for (const k of TEST_COLUMNS) s[r][k] += c[r][k];
  return s;
}

/**
 * Gross and average statistics as sumstats derives them: gross from the summed matrix, average
 * as the mean of each record's ratio over the records where it is defined (a record without
 * VEBs does not enter the average VEB sensitivity). Records named in `excludeRecords` (default:
 * the paced MIT-BIH records) stay in `records` but enter neither.
 */
export function summariseRecords(
  records: readonly BxbRecordResult[],
  options: { excludeRecords?: readonly string[] } = {},
): BxbSummary {
  const exclude = new Set(options.excludeRecords ?? MITDB_PACED_RECORDS);
  const included = records.filter((r) => !exclude.has(r.record));
  const grossCounts = sumCounts(included.map((r) => r.counts));
  const average = {} as Record<keyof BxbStatistics, AverageStatistic>;
  for (const key of STATISTIC_KEYS) {
    const values = included
      .map((r) => r.statistics[key].value)
      .filter((v): v is number => v !== null);
    average[key] = {
      value: values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null,
      nRecords: values.length,
    };
  }
  return {
    records: [...records],
    excluded: records.filter((r) => exclude.has(r.record)).map((r) => r.record),
    grossCounts,
    gross: bxbStatistics(grossCounts),
    average,
  };
}
