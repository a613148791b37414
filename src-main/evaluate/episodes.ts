/**
 * Episode-by-episode comparison of rhythm episodes against reference rhythm annotations, as
 * ANSI/AAMI EC57 defines it for atrial fibrillation and WFDB's `epicmp` implements it
 * (G. Moody, app/epicmp.c):
 *
 * - The comparison covers the test period, from 5 min after the record's start to its end: an
 *   episode ending before the period is ignored, one starting before it is clipped to it.
 * - Episode sensitivity: a reference episode is detected when any test episode overlaps it
 *   (overlap > 0); Se = detected / reference episodes. Positive predictivity: the same with the
 *   roles swapped; +P = test episodes overlapping a reference episode / test episodes.
 * - Duration Se = time of reference episodes covered by test episodes / their duration;
 *   duration +P = time of test episodes covered by reference episodes / their duration.
 * - A reference episode starts at a rhythm annotation whose text matches and ends at the next
 *   rhythm annotation that does not (or at the end of the record).
 * - EC57's AF comparison excludes reference atrial-flutter stretches from the test episodes
 *   before +P (a test episode inside flutter is neither right nor wrong). `exclusions` does that.
 *   (epicmp prints both duration figures with the overlap of the +P pass; we use each pass's
 *   own overlap, which differs only where an exclusion cuts a test episode.)
 *
 * Pure: intervals in samples in, counts out. Gross statistics sum the counts over records.
 */
import { BeatlensError } from '../errors';
import { aamiClass, type WfdbAnnotation } from '../ecg/wfdb/annotations';
import { detectAf, findPauses, type AfOptions, type RhythmEpisode } from '../ecg/rhythm-episodes';

/** A stretch of samples [start, end). */
export interface SampleInterval {
  start: number;
  end: number;
}

export interface EpisodeCounts {
  /** Reference episodes overlapped by a test episode / not overlapped. */
  refDetected: number;
  refMissed: number;
  /** Test episodes overlapping a reference episode / not. */
  testTrue: number;
  testFalse: number;
  /** Durations in seconds inside the test period (exclusions removed from test episodes). */
  refSeconds: number;
  testSeconds: number;
  /** Reference time covered by test episodes; test time covered by reference episodes (s). */
  refCoveredSeconds: number;
  testCoveredSeconds: number;
}

export interface EpisodeStatistics {
  /** In [0, 1]; null when the denominator is 0. */
  episodeSensitivity: number | null;
  episodePositivePredictivity: number | null;
  durationSensitivity: number | null;
  durationPositivePredictivity: number | null;
}

export interface CompareOptions {
  fs: number;
  /** Test period [fromSample, toSample); default 5 min to the record's end. */
  fromSample?: number;
  toSample: number;
  /** Stretches cut out of the test episodes before +P (EC57: reference atrial flutter). */
  exclusions?: readonly SampleInterval[];
}

/** The EC57 test period starts 5 min into the record. */
export const EC57_START_SECONDS = 300;

function clip(xs: readonly SampleInterval[], from: number, to: number): SampleInterval[] {
  return xs
    .filter((x) => x.end >= from && x.start < to)
    .map((x) => ({ start: Math.max(from, x.start), end: Math.min(to, x.end) }));
}

/** Samples of [a, b) covered by `xs`, each counted once where they overlap. */
function covered(xs: readonly SampleInterval[], a: number, b: number): number {
  const parts = xs
    .map((x) => [Math.max(a, x.start), Math.min(b, x.end)] as const)
    .filter(([s, e]) => e > s)
    .sort((p, q) => p[0] - q[0]);
  let n = 0;
  let reach = a;
  for (const [s, e] of parts) {
    if (e <= reach) continue;
    n += e - Math.max(s, reach);
    reach = e;
  }
  return n;
}

/** One pass: the episodes of `a` against those of `b`. */
function pass(
  a: readonly SampleInterval[],
  b: readonly SampleInterval[],
  exclusions: readonly SampleInterval[],
): { matched: number; unmatched: number; samples: number; coveredSamples: number } {
  let matched = 0;
  let unmatched = 0;
  let samples = 0;
  let coveredSamples = 0;
  for (const ep of a) {
    const length = ep.end - ep.start - covered(exclusions, ep.start, ep.end);
    if (length <= 0) continue; // wholly excluded
    samples += length;
    const o =
      covered(b, ep.start, ep.end) - covered(exclusionsInside(b, exclusions), ep.start, ep.end);
    if (o > 0) {
      matched++;
      coveredSamples += o;
    } else {
      unmatched++;
    }
  }
  return { matched, unmatched, samples, coveredSamples };
}

/** The parts of `b` that lie inside an exclusion (their overlap does not count). */
function exclusionsInside(
  b: readonly SampleInterval[],
  exclusions: readonly SampleInterval[],
): SampleInterval[] {
  const out: SampleInterval[] = [];
  for (const x of b) {
    for (const e of exclusions) {
      const s = Math.max(x.start, e.start);
      const t = Math.min(x.end, e.end);
      if (t > s) out.push({ start: s, end: t });
    }
  }
  return out;
}

/** EC57 episode counts of one record (see the module comment). */
export function compareEpisodes(
  reference: readonly SampleInterval[],
  test: readonly SampleInterval[],
  opts: CompareOptions,
): EpisodeCounts {
  const { fs, toSample } = opts;
  if (!(fs > 0)) throw new BeatlensError('episode-input', `fs=${fs}: must be > 0 Hz`);
  const from = opts.fromSample ?? Math.round(EC57_START_SECONDS * fs);
  for (const x of [...reference, ...test]) {
    if (!(x.end >= x.start)) {
      throw new BeatlensError('episode-input', `episode ${x.start}–${x.end} ends before it starts`);
    }
  }
  const ref = clip(reference, from, toSample);
  const tst = clip(test, from, toSample);
  const se = pass(ref, tst, []);
  const pp = pass(tst, ref, clip(opts.exclusions ?? [], from, toSample));
  return {
    refDetected: se.matched,
    refMissed: se.unmatched,
    testTrue: pp.matched,
    testFalse: pp.unmatched,
    refSeconds: se.samples / fs,
    testSeconds: pp.samples / fs,
    refCoveredSeconds: se.coveredSamples / fs,
    testCoveredSeconds: pp.coveredSamples / fs,
  };
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Se and +P of counts (one record's, or `sumCounts` of many: the gross figures). */
export function episodeStatistics(c: EpisodeCounts): EpisodeStatistics {
  return {
    episodeSensitivity: ratio(c.refDetected, c.refDetected + c.refMissed),
    episodePositivePredictivity: ratio(c.testTrue, c.testTrue + c.testFalse),
    durationSensitivity: ratio(c.refCoveredSeconds, c.refSeconds),
    durationPositivePredictivity: ratio(c.testCoveredSeconds, c.testSeconds),
  };
}

/** Counts summed over records (gross statistics). */
export function sumCounts(cs: readonly EpisodeCounts[]): EpisodeCounts {
  const z: EpisodeCounts = {
    refDetected: 0,
    refMissed: 0,
    testTrue: 0,
    testFalse: 0,
    refSeconds: 0,
    testSeconds: 0,
    refCoveredSeconds: 0,
    testCoveredSeconds: 0,
  };
  for (const c of cs) for (const k of Object.keys(z) as Array<keyof EpisodeCounts>) z[k] += c[k];
  return z;
}

/**
 * Reference episodes from rhythm annotations ('+' with text such as '(AFIB'): each starts at an
 * annotation whose text `matches` and ends at the next rhythm annotation that does not, or at
 * `nSamples`. Consecutive matching annotations ('(AFIB' then '(AFL' for AF/flutter) make one.
 */
export function rhythmIntervals(
  annotations: ReadonlyArray<Pick<WfdbAnnotation, 'sample' | 'symbol' | 'aux'>>,
  nSamples: number,
  matches: (aux: string) => boolean,
): SampleInterval[] {
  const out: SampleInterval[] = [];
  let start = -1;
  for (const a of annotations) {
    if (a.symbol !== '+') continue;
    const m = matches(rhythmText(a.aux));
    if (m && start < 0) start = a.sample;
    else if (!m && start >= 0) {
      out.push({ start, end: a.sample });
      start = -1;
    }
  }
  if (start >= 0) out.push({ start, end: nSamples });
  return out;
}

/** A rhythm annotation's text without its trailing NULs and spaces ('(AFIB'). */
export function rhythmText(aux: string): string {
  return aux.replace(/[\0\s]+$/, '');
}

/** AF (EC57): '(AFIB'. */
export const isAfib = (aux: string): boolean => aux.startsWith('(AFIB');
/** Atrial flutter: '(AFL'. */
export const isFlutter = (aux: string): boolean => aux.startsWith('(AFL');
/** AF or flutter (what an RR-interval detector can see): '(AFIB' or '(AFL'. */
export const isAfOrFlutter = (aux: string): boolean => isAfib(aux) || isFlutter(aux);

/** Total samples covered by `xs` inside [a, b). */
export function coveredSamples(xs: readonly SampleInterval[], a: number, b: number): number {
  return covered(xs, a, b);
}

export interface RhythmRecordInput {
  recordId: string;
  fs: number;
  nSamples: number;
  /** The evaluated R peaks (sorted) and their labels (N/S/V/F/Q; optional). */
  samples: readonly number[];
  labels?: readonly string[];
  /** Beats after an excluded stretch (`sequenceStarts`). */
  runStarts?: ReadonlySet<number>;
  /** The record's reference annotations (beats and rhythm). */
  annotations: ReadonlyArray<Pick<WfdbAnnotation, 'sample' | 'symbol' | 'aux'>>;
  afOptions?: Partial<AfOptions>;
  /** Pauses compared at this length and longer (seconds; default 3). */
  pauseSeconds?: number;
}

export interface RhythmRecordResult {
  record: string;
  durationSeconds: number;
  /** AF or flutter ('(AFIB', '(AFL') against the detector's AF episodes. */
  afFlutter: EpisodeCounts;
  /** EC57's AF comparison: '(AFIB' only, reference flutter excluded from +P. */
  afib: EpisodeCounts;
  /** AF/flutter time over the whole record, % (reference; detected). */
  refBurdenPercent: number;
  detectedBurdenPercent: number;
  /** Reference RR intervals ≥ pauseSeconds; those overlapped by a detected pause. */
  refPauses: number;
  pausesFound: number;
  /** Detected pauses ≥ pauseSeconds overlapping no reference pause. */
  pausesInvented: number;
  afEpisodes: RhythmEpisode[];
  pauses: RhythmEpisode[];
}

/**
 * One record's rhythm evaluation: AF/flutter episodes of `detectAf` against the rhythm
 * annotations (EC57 counts, AF/flutter and AF only), the AF burden both ways, and pauses
 * ≥ `pauseSeconds` found / invented against the reference beats' RR intervals.
 */
export function evaluateRhythmRecord(input: RhythmRecordInput): RhythmRecordResult {
  const { fs, nSamples, annotations } = input;
  const pauseSeconds = input.pauseSeconds ?? 3;
  const runStarts = input.runStarts ?? new Set<number>();
  const afEpisodes = detectAf(input.samples, fs, input.afOptions, {
    labels: input.labels,
    runStarts,
  });
  const test = afEpisodes.map((e) => ({ start: e.startSample, end: e.endSample }));
  const refAfl = rhythmIntervals(annotations, nSamples, isAfOrFlutter);
  const afFlutter = compareEpisodes(refAfl, test, { fs, toSample: nSamples });
  const afib = compareEpisodes(rhythmIntervals(annotations, nSamples, isAfib), test, {
    fs,
    toSample: nSamples,
    exclusions: rhythmIntervals(annotations, nSamples, isFlutter),
  });
  const refBeats = annotations.filter((a) => aamiClass(a.symbol) !== null).map((a) => a.sample);
  const refPauses = findPauses(refBeats, fs, pauseSeconds).map((p) => ({
    start: p.startSample,
    end: p.endSample,
  }));
  const pauses = findPauses(input.samples, fs, pauseSeconds, runStarts);
  const det = pauses.map((p) => ({ start: p.startSample, end: p.endSample }));
  return {
    record: input.recordId,
    durationSeconds: nSamples / fs,
    afFlutter,
    afib,
    refBurdenPercent: (100 * covered(refAfl, 0, nSamples)) / nSamples,
    detectedBurdenPercent: (100 * covered(test, 0, nSamples)) / nSamples,
    refPauses: refPauses.length,
    pausesFound: refPauses.filter((p) => covered(det, p.start, p.end) > 0).length,
    pausesInvented: det.filter((p) => covered(refPauses, p.start, p.end) === 0).length,
    afEpisodes,
    pauses,
  };
}
