/**
 * The PVC-burden (Holter) figures of one record from its labelled beats, as a clinic's report
 * gives them. Pure: beats, fs, the record's length, its excluded stretches and start time in,
 * numbers out; no I/O. Every figure's definition is in docs/holter-report.md; in short:
 *
 * - Beats inside an excluded stretch (lead-off, flat, non-finite) are left out, and nothing that
 *   needs two beats (an RR interval, a run, a pattern, a pause, a heart-rate window) spans one.
 * - Heart rate: over a sliding window of `hrWindowBeats` consecutive beats (7 RR intervals by
 *   default), 60 × intervals / their total duration, timed at the window's middle; the mean is
 *   60 × (all RR intervals) / (their total duration).
 * - Ventricular (V) and supraventricular (S) ectopy: maximal stretches of consecutive beats of the
 *   label: 1 beat isolated, 2 a couplet, ≥ 3 a run, its rate 60 × (beats − 1) / its duration.
 * - Bigeminy (trigeminy): ≥ `minEpisodeCycles` consecutive cycles N-V (N-N-V), each V a single
 *   one (not followed by another V).
 * - Burden: V beats over all labelled beats analysed, in percent.
 */
import { BeatlensError } from '../errors';
import type { AamiClass, RecordStartTime } from '../ecg/types';
import { labelRuns, patternEpisodes } from '../ecg/rhythm-episodes';

export interface BurdenBeat {
  /** R-peak sample at the record's fs. */
  sample: number;
  label: AamiClass;
}

export interface BurdenStretch {
  /** Samples [start, end) at the record's fs. */
  start: number;
  end: number;
}

export interface BurdenOptions {
  /** Beats per heart-rate window (≥ 2). */
  hrWindowBeats: number;
  /** An RR interval this long or longer is a pause (seconds). */
  pauseSeconds: number;
  /** Cycles a bigeminy or trigeminy episode needs. */
  minEpisodeCycles: number;
  /** A burden above this (percent) is an urgent finding. */
  urgentBurdenPercent: number;
  /** A ventricular run of this many beats or more is an urgent finding. */
  urgentRunBeats: number;
}

export const BURDEN_DEFAULTS: Readonly<BurdenOptions> = {
  hrWindowBeats: 8,
  pauseSeconds: 2,
  minEpisodeCycles: 3,
  urgentBurdenPercent: 10,
  urgentRunBeats: 3,
};

export interface BurdenInput {
  /** Every labelled beat of the record (any order). */
  beats: readonly BurdenBeat[];
  fs: number;
  nSamples: number;
  excluded?: readonly BurdenStretch[];
  startTime?: RecordStartTime | null;
  options?: Partial<BurdenOptions>;
}

/** A moment of the record: its sample, seconds from the start, and wall-clock time when known. */
export interface TimePoint {
  sample: number;
  seconds: number;
  /** 'HH:MM:SS' or 'YYYY-MM-DD HH:MM:SS' from the record's start time; null without one. */
  clock: string | null;
}

export interface HeartRateAt extends TimePoint {
  bpm: number;
}

export interface EctopicRun {
  start: TimePoint;
  end: TimePoint;
  beats: number;
  rateBpm: number;
}

export interface EctopicSummary {
  count: number;
  isolated: number;
  couplets: number;
  /** Stretches of ≥ 3 consecutive beats of the label. */
  runs: number;
  /** Most beats (the earliest on a tie); null without a run. */
  longestRun: EctopicRun | null;
  /** Highest rate (the earliest on a tie); null without a run. */
  fastestRun: EctopicRun | null;
  runList: EctopicRun[];
}

export interface Episode {
  start: TimePoint;
  end: TimePoint;
  cycles: number;
}

export interface PatternSummary {
  episodes: number;
  /** Cycles over all episodes. */
  cycles: number;
  list: Episode[];
}

export interface Pause {
  start: TimePoint;
  end: TimePoint;
  seconds: number;
}

export interface HourRow {
  /** 0 for the record's first hour. */
  hour: number;
  start: TimePoint;
  analysedSeconds: number;
  beats: number;
  pvcs: number;
  sveb: number;
  /** From the RR intervals ending in the hour; null without one. */
  hrMeanBpm: number | null;
}

export interface UrgentFinding {
  code: 'pvc-burden' | 'vt-run' | 'pause' | 'af-rapid';
  message: string;
}

export interface BurdenSummary {
  fs: number;
  nSamples: number;
  durationSeconds: number;
  analysedSeconds: number;
  analysablePercent: number;
  /** The excluded stretches, merged and clipped to the record. */
  excluded: Array<{ start: TimePoint; end: TimePoint; seconds: number }>;
  /** Labelled beats analysed (outside excluded stretches). */
  totalBeats: number;
  /** Beats given that lie inside excluded stretches (not analysed). */
  beatsInExcluded: number;
  labelCounts: Record<AamiClass, number>;
  heartRate: {
    windowBeats: number;
    minimum: HeartRateAt | null;
    meanBpm: number | null;
    maximum: HeartRateAt | null;
  };
  pvcCount: number;
  /** 100 × pvcCount / totalBeats; null without beats. */
  burdenPercent: number | null;
  ventricular: EctopicSummary;
  supraventricular: EctopicSummary;
  bigeminy: PatternSummary;
  trigeminy: PatternSummary;
  pauses: { thresholdSeconds: number; count: number; longest: Pause | null; list: Pause[] };
  hourly: HourRow[];
  urgent: UrgentFinding[];
  options: BurdenOptions;
}

const LABELS: readonly AamiClass[] = ['N', 'S', 'V', 'F', 'Q'];

/** A ventricular run this long (seconds) is sustained VT. */
export const SUSTAINED_SECONDS = 30;

function invalid(message: string): never {
  throw new BeatlensError('burden-input', message);
}

/** 'HH:MM:SS' of seconds after midnight (days wrap), with the date moved on when known. */
export function wallClock(start: RecordStartTime, seconds: number): string {
  const total = Math.floor(start.secondsOfDay + seconds);
  const days = Math.floor(total / 86400);
  const s = total - days * 86400;
  const two = (n: number): string => String(n).padStart(2, '0');
  const time = `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  if (start.date === null) return time;
  const d = new Date(`${start.date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return `${d.toISOString().slice(0, 10)} ${time}`;
}

/** h:mm:ss from the record's start. */
export function elapsed(seconds: number): string {
  const t = Math.max(0, Math.floor(seconds));
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${Math.floor(t / 3600)}:${two(Math.floor((t % 3600) / 60))}:${two(t % 60)}`;
}

/** The clock time where known, else the time from the start (h:mm:ss). */
export function timeLabel(t: TimePoint): string {
  return t.clock ?? elapsed(t.seconds);
}

/** Sorted, merged, clipped stretches. */
function mergeStretches(xs: readonly BurdenStretch[], nSamples: number): BurdenStretch[] {
  const sorted = xs
    .map((x) => ({ start: Math.max(0, x.start), end: Math.min(nSamples, x.end) }))
    .filter((x) => x.end > x.start)
    .sort((a, b) => a.start - b.start);
  const out: BurdenStretch[] = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last && x.start <= last.end) last.end = Math.max(last.end, x.end);
    else out.push({ ...x });
  }
  return out;
}

/** Samples of [a, b) inside the merged stretches. */
function overlap(stretches: readonly BurdenStretch[], a: number, b: number): number {
  let n = 0;
  for (const x of stretches) n += Math.max(0, Math.min(b, x.end) - Math.max(a, x.start));
  return n;
}

/**
 * The analysed beats in runs that no excluded stretch interrupts: a new sequence starts after
 * every stretch that lies between two beats. Beats inside a stretch are dropped.
 */
function sequences(
  beats: readonly BurdenBeat[],
  stretches: readonly BurdenStretch[],
): { sequences: BurdenBeat[][]; dropped: number } {
  const out: BurdenBeat[][] = [];
  let cur: BurdenBeat[] = [];
  let k = 0;
  let dropped = 0;
  for (const b of beats) {
    let broke = false;
    while (k < stretches.length && stretches[k].end <= b.sample) {
      broke = true;
      k++;
    }
    if (k < stretches.length && b.sample >= stretches[k].start) {
      dropped++;
      broke = true;
      continue;
    }
    if (broke && cur.length > 0) {
      out.push(cur);
      cur = [];
    }
    cur.push(b);
  }
  if (cur.length > 0) out.push(cur);
  return { sequences: out, dropped };
}

/** The PVC-burden figures of one record (see the module comment and docs/holter-report.md). */
export function computeBurden(input: BurdenInput): BurdenSummary {
  const { fs, nSamples } = input;
  const opts: BurdenOptions = { ...BURDEN_DEFAULTS, ...(input.options ?? {}) };
  if (!(fs > 0) || !Number.isFinite(fs)) invalid(`fs=${fs}: a sampling frequency must be > 0 Hz`);
  if (!Number.isInteger(nSamples) || nSamples < 0) {
    invalid(`nSamples=${nSamples} is not a number of samples`);
  }
  if (!Number.isInteger(opts.hrWindowBeats) || opts.hrWindowBeats < 2) {
    invalid(`hrWindowBeats=${opts.hrWindowBeats}: a heart-rate window needs ≥ 2 beats`);
  }
  input.beats.forEach((b, i) => {
    if (!Number.isInteger(b.sample) || b.sample < 0 || b.sample >= nSamples) {
      invalid(`beat ${i}: sample ${b.sample} is not in the record's 0..${nSamples - 1}`);
    }
    if (!LABELS.includes(b.label)) invalid(`beat ${i}: label '${b.label}' is not N, S, V, F or Q`);
  });
  const start = input.startTime ?? null;
  const at = (sample: number): TimePoint => {
    const seconds = sample / fs;
    return { sample, seconds, clock: start ? wallClock(start, seconds) : null };
  };

  const stretches = mergeStretches(input.excluded ?? [], nSamples);
  const excludedSamples = overlap(stretches, 0, nSamples);
  const sorted = [...input.beats].sort((a, b) => a.sample - b.sample);
  const { sequences: seqs, dropped } = sequences(sorted, stretches);
  const analysed = seqs.flat();

  const labelCounts = Object.fromEntries(LABELS.map((l) => [l, 0])) as Record<AamiClass, number>;
  for (const b of analysed) labelCounts[b.label]++;
  const totalBeats = analysed.length;
  const pvcCount = labelCounts.V;

  // RR intervals (inside sequences), heart-rate windows and pauses.
  let rrCount = 0;
  let rrSamples = 0;
  let minimum: HeartRateAt | null = null;
  let maximum: HeartRateAt | null = null;
  const pauses: Pause[] = [];
  const w = opts.hrWindowBeats;
  for (const seq of seqs) {
    for (let i = 1; i < seq.length; i++) {
      const rr = seq[i].sample - seq[i - 1].sample;
      rrCount++;
      rrSamples += rr;
      if (rr / fs >= opts.pauseSeconds) {
        pauses.push({ start: at(seq[i - 1].sample), end: at(seq[i].sample), seconds: rr / fs });
      }
    }
    for (let i = w - 1; i < seq.length; i++) {
      const span = seq[i].sample - seq[i - w + 1].sample;
      if (span <= 0) continue;
      const bpm = (60 * (w - 1) * fs) / span;
      const mid = Math.round((seq[i].sample + seq[i - w + 1].sample) / 2);
      if (!minimum || bpm < minimum.bpm) minimum = { ...at(mid), bpm };
      if (!maximum || bpm > maximum.bpm) maximum = { ...at(mid), bpm };
    }
  }

  const ectopy = (label: AamiClass): EctopicSummary => {
    const s: EctopicSummary = {
      count: labelCounts[label],
      isolated: 0,
      couplets: 0,
      runs: 0,
      longestRun: null,
      fastestRun: null,
      runList: [],
    };
    for (const seq of seqs) {
      for (const [a, b] of labelRuns(
        seq.map((x) => x.label),
        label,
      )) {
        const n = b - a + 1;
        if (n === 1) s.isolated++;
        else if (n === 2) s.couplets++;
        else {
          const run: EctopicRun = {
            start: at(seq[a].sample),
            end: at(seq[b].sample),
            beats: n,
            rateBpm: (60 * (n - 1) * fs) / Math.max(1, seq[b].sample - seq[a].sample),
          };
          s.runs++;
          s.runList.push(run);
          if (!s.longestRun || n > s.longestRun.beats) s.longestRun = run;
          if (!s.fastestRun || run.rateBpm > s.fastestRun.rateBpm) s.fastestRun = run;
        }
      }
    }
    return s;
  };
  const pattern = (p: readonly AamiClass[]): PatternSummary => {
    const list: Episode[] = [];
    for (const seq of seqs) {
      for (const e of patternEpisodes(
        seq.map((x) => x.label),
        p,
        opts.minEpisodeCycles,
      )) {
        list.push({
          start: at(seq[e.first].sample),
          end: at(seq[e.last].sample),
          cycles: e.cycles,
        });
      }
    }
    return { episodes: list.length, cycles: list.reduce((n, e) => n + e.cycles, 0), list };
  };

  // Hour by hour from the record's start.
  const hourSamples = 3600 * fs;
  const nHours = Math.ceil(nSamples / hourSamples);
  const hourly: HourRow[] = Array.from({ length: nHours }, (_, h) => {
    const a = Math.round(h * hourSamples);
    const b = Math.min(nSamples, Math.round((h + 1) * hourSamples));
    return {
      hour: h,
      start: at(a),
      analysedSeconds: (b - a - overlap(stretches, a, b)) / fs,
      beats: 0,
      pvcs: 0,
      sveb: 0,
      hrMeanBpm: null,
    };
  });
  const hourRr = hourly.map(() => ({ n: 0, samples: 0 }));
  const hourOf = (sample: number): number => Math.min(nHours - 1, Math.floor(sample / hourSamples));
  for (const seq of seqs) {
    seq.forEach((beat, i) => {
      const h = hourOf(beat.sample);
      hourly[h].beats++;
      if (beat.label === 'V') hourly[h].pvcs++;
      if (beat.label === 'S') hourly[h].sveb++;
      if (i > 0) {
        hourRr[h].n++;
        hourRr[h].samples += beat.sample - seq[i - 1].sample;
      }
    });
  }
  hourRr.forEach((r, h) => {
    if (r.n > 0) hourly[h].hrMeanBpm = (60 * r.n * fs) / r.samples;
  });

  const ventricular = ectopy('V');
  const burdenPercent = totalBeats > 0 ? (100 * pvcCount) / totalBeats : null;
  const urgent: UrgentFinding[] = [];
  if (burdenPercent !== null && burdenPercent > opts.urgentBurdenPercent) {
    urgent.push({
      code: 'pvc-burden',
      message: `PVC burden ${burdenPercent.toFixed(1)} % (${pvcCount} of ${totalBeats} beats) is above ${opts.urgentBurdenPercent} %`,
    });
  }
  const vt = ventricular.runList.filter((r) => r.beats >= opts.urgentRunBeats);
  if (vt.length > 0) {
    const longest = vt.reduce((a, r) => (r.beats > a.beats ? r : a));
    urgent.push({
      code: 'vt-run',
      message: `${vt.length} ventricular run${vt.length === 1 ? '' : 's'} of ≥ ${opts.urgentRunBeats} beats; the longest ${longest.beats} beats at ${Math.round(longest.rateBpm)} bpm at ${timeLabel(longest.start)}${longest.end.seconds - longest.start.seconds >= SUSTAINED_SECONDS ? ' (sustained: ≥ 30 s)' : ''}`,
    });
  }

  const longestPause = pauses.reduce<Pause | null>(
    (a, p) => (a === null || p.seconds > a.seconds ? p : a),
    null,
  );
  return {
    fs,
    nSamples,
    durationSeconds: nSamples / fs,
    analysedSeconds: (nSamples - excludedSamples) / fs,
    analysablePercent: nSamples > 0 ? (100 * (nSamples - excludedSamples)) / nSamples : 0,
    excluded: stretches.map((x) => ({
      start: at(x.start),
      end: at(x.end),
      seconds: (x.end - x.start) / fs,
    })),
    totalBeats,
    beatsInExcluded: dropped,
    labelCounts,
    heartRate: {
      windowBeats: w,
      minimum,
      meanBpm: rrCount > 0 ? (60 * rrCount * fs) / rrSamples : null,
      maximum,
    },
    pvcCount,
    burdenPercent,
    ventricular,
    supraventricular: ectopy('S'),
    bigeminy: pattern(['N', 'V']),
    trigeminy: pattern(['N', 'N', 'V']),
    pauses: {
      thresholdSeconds: opts.pauseSeconds,
      count: pauses.length,
      longest: longestPause,
      list: pauses,
    },
    hourly,
    urgent,
    options: opts,
  };
}
