/**
 * Rhythm episodes from R peaks (and, where given, beat labels): atrial fibrillation / flutter from
 * RR irregularity, pauses, brady- and tachycardia, ventricular and supraventricular runs, bigeminy
 * and trigeminy. Pure: sorted R-peak samples, `fs` in Hz and optional per-beat context in,
 * episodes out; no I/O.
 *
 * AF/flutter: a beat is irregular when two published RR-irregularity detectors both call it so:
 * - Petrėnas et al. (2015): A. Petrėnas, V. Marozas, L. Sörnmo, "Low-complexity detection of
 *   atrial fibrillation in continuous long-term monitoring", Comput Biol Med 65:184–191 — a
 *   3-interval median filter, the share of pairs of the last 8 intervals differing by ≥ 30 ms
 *   averaged forward–backward over the averaged RR, bigeminy suppression, decision > 0.725; all
 *   its published parameters unchanged (`PETRENAS`).
 * - Dash et al. (2009): S. Dash, K. H. Chon, S. Lu, E. A. Raeder, "Automatic real time detection
 *   of atrial fibrillation", Ann Biomed Eng 37:1701–1709 — normalised RMSSD > 0.1 and 16-bin
 *   Shannon entropy > 0.7 over a 128-interval window with the 8 shortest and 8 longest trimmed,
 *   their published numbers (centred here; Dash's third statistic, the turning-point ratio, is
 *   not used).
 * Before both, ventricular ectopy is taken out of the RR series: around each run of beats
 * labelled V or F the intervals from the beat before to the beat after are set to their mean
 * (`ectopyCorrectedRr`). Stretches are merged when < 10 s apart and kept from 30 s (the
 * consensus length of an AF episode). The design (AND of the two, interpolation instead of
 * removal) and the evidence behind it are in docs/results/rhythm/README.md. RR intervals cannot
 * tell AF from atrial flutter with variable conduction, and flutter with fixed conduction is
 * regular: the episodes are 'AF' meaning "AF or flutter".
 */
import { BeatlensError } from '../errors';
import { rhythmFeatures } from '../infer/beat-rule';

export type RhythmKind =
  'AF' | 'pause' | 'bradycardia' | 'tachycardia' | 'VT' | 'SVT' | 'bigeminy' | 'trigeminy';

/** One rhythm episode; samples at the record's fs, times in seconds from the record's start. */
export interface RhythmEpisode {
  rhythm: RhythmKind;
  /** First beat's R peak (a pause: the beat before it). */
  startSample: number;
  /** Last beat's R peak (a pause: the beat after it). */
  endSample: number;
  startSeconds: number;
  endSeconds: number;
  durationSeconds: number;
  /** 60 × RR intervals / their duration over the episode (bpm); null for a pause. */
  meanRateBpm: number | null;
  /** Highest rate over `rateWindowBeats` consecutive beats inside the episode (bpm); null when the episode has fewer beats. */
  maxRateBpm: number | null;
  /** Beats from the first to the last, both counted. */
  nBeats: number;
}

/** Per-beat context: labels (N/S/V/F/Q, one per sample) and beats that start a new sequence. */
export interface BeatContext {
  /** AAMI label per beat; V and F beats' intervals are left out of the AF statistics. */
  labels?: readonly string[];
  /** Beat indices that begin a new sequence (after an excluded stretch): no RR interval spans them. */
  runStarts?: ReadonlySet<number>;
}

export interface AfOptions {
  /**
   * 'combined' (default): irregular where both Petrėnas et al.'s detector (published parameters,
   * `PETRENAS`) and the Dash window below say so; 'petrenas' or 'dash' alone.
   */
  method: 'combined' | 'petrenas' | 'dash';
  /**
   * Ventricular ectopy (beats labelled V or F) in the Dash window: 'interpolate' (default) sets
   * the intervals around each run to their mean (`ectopyCorrectedRr`); 'remove' drops them.
   * Petrėnas's detector always interpolates.
   */
  ectopy: 'interpolate' | 'remove';
  /** Dash window: also drop rhythm-inferred premature–compensatory pairs (default false). */
  prematurePairs: boolean;
  /** RR intervals per centred window (≥ 8). */
  windowBeats: number;
  /** Extreme RRs trimmed at each end of a window before the statistics (Dash: 8 of 128). */
  trimBeats: number;
  /** Irregular when RMSSD / mean RR of the kept intervals exceeds this. */
  minNormalisedRmssd: number;
  /** …and the Shannon entropy of their 16-bin histogram (0–1) exceeds this. */
  minEntropy: number;
  /** A window needs at least this many intervals left after ectopic removal for a verdict. */
  minKeptBeats: number;
  /** AF stretches closer than this are merged (seconds). */
  mergeSeconds: number;
  /** AF episodes shorter than this are dropped (seconds). */
  minEpisodeSeconds: number;
}

export const AF_DEFAULTS: Readonly<AfOptions> = {
  method: 'combined',
  ectopy: 'interpolate',
  prematurePairs: false,
  // Dash et al. 2009's own window, trimming and thresholds.
  windowBeats: 128,
  trimBeats: 8,
  minNormalisedRmssd: 0.1,
  minEntropy: 0.7,
  minKeptBeats: 16,
  mergeSeconds: 10,
  minEpisodeSeconds: 30,
};

/** Premature (RR / reference below) then compensatory (next RR / reference above): ectopic. */
const PREMATURE = 0.85;
const COMPENSATORY = 1.15;
const BINS = 16;

function invalid(message: string): never {
  throw new BeatlensError('rhythm-input', message);
}

function checkInput(samples: readonly number[], fs: number, labels?: readonly string[]): void {
  if (!(fs > 0) || !Number.isFinite(fs)) invalid(`fs=${fs}: a sampling frequency must be > 0 Hz`);
  for (let i = 1; i < samples.length; i++) {
    if (!(samples[i] > samples[i - 1])) {
      invalid(
        `R peak ${i} (sample ${samples[i]}) is not after the one before: peaks must be sorted`,
      );
    }
  }
  if (labels && labels.length !== samples.length) {
    invalid(`${labels.length} beat labels for ${samples.length} R peaks`);
  }
}

/** rr[k]: the interval ending at beat k in samples (NaN for k = 0 and at sequence starts). */
function intervals(samples: readonly number[], runStarts: ReadonlySet<number>): Float64Array {
  const rr = new Float64Array(samples.length).fill(NaN);
  for (let k = 1; k < samples.length; k++) {
    if (!runStarts.has(k)) rr[k] = samples[k] - samples[k - 1];
  }
  return rr;
}

/**
 * The Dash-style statistics of one window's kept RR intervals (in time order, any unit): the
 * `trimBeats` shortest and longest left out, then RMSSD of successive kept intervals over their
 * mean, and the Shannon entropy of their 16-bin histogram over log(16) (0–1). Null with fewer
 * than 8 intervals left.
 */
export function irregularity(
  kept: readonly number[],
  trimBeats: number,
): { normalisedRmssd: number; entropy: number } | null {
  if (kept.length - 2 * trimBeats < 8) return null;
  const sorted = [...kept].sort((a, b) => a - b);
  const lo = sorted[trimBeats];
  const hi = sorted[sorted.length - 1 - trimBeats];
  const x = kept.filter((v) => v >= lo && v <= hi);
  let sum = 0;
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    sum += x[i];
    if (i > 0) ss += (x[i] - x[i - 1]) ** 2;
  }
  const mean = sum / x.length;
  const hist = new Array<number>(BINS).fill(0);
  const span = hi - lo;
  for (const v of x)
    hist[span > 0 ? Math.min(BINS - 1, Math.floor((BINS * (v - lo)) / span)) : 0]++;
  let h = 0;
  for (const c of hist) if (c > 0) h -= (c / x.length) * Math.log(c / x.length);
  return { normalisedRmssd: Math.sqrt(ss / (x.length - 1)) / mean, entropy: h / Math.log(BINS) };
}

/**
 * Per beat, whether the RR intervals of the window centred on it are irregular beyond sinus
 * arrhythmia and ectopy (the raw verdict, before episodes are filled, merged or dropped): true,
 * false, or null where the window keeps fewer than `minKeptBeats` intervals after ectopic
 * removal (a run of ectopic beats, a sequence edge, a short record).
 */
export function beatIrregularity(
  samples: readonly number[],
  fs: number,
  opts: Partial<AfOptions> = {},
  beats: BeatContext = {},
): Array<boolean | null> {
  const o: AfOptions = { ...AF_DEFAULTS, ...opts };
  checkInput(samples, fs, beats.labels);
  if (!Number.isInteger(o.windowBeats) || o.windowBeats < 8) {
    invalid(`windowBeats=${o.windowBeats}: an AF window needs ≥ 8 RR intervals`);
  }
  const n = samples.length;
  const runStarts = beats.runStarts ?? new Set<number>();
  const rr = intervals(samples, runStarts);
  const feats = rhythmFeatures(samples, fs, runStarts);
  const labels = beats.labels;
  const ectopicLabel = (k: number): boolean =>
    labels !== undefined && k >= 0 && k < n && (labels[k] === 'V' || labels[k] === 'F');
  if (o.method === 'petrenas') return petrenasBeats(samples, fs, runStarts, ectopicLabel);
  const pet = o.method === 'combined' ? petrenasBeats(samples, fs, runStarts, ectopicLabel) : null;
  if (o.ectopy === 'interpolate') {
    for (const [a, b] of sequenceBounds(n, runStarts)) {
      const c = ectopyCorrectedRr(samples, fs, a, b, ectopicLabel);
      for (let k = a + 1; k <= b; k++) rr[k] = c[k - a - 1] * fs;
    }
  }
  // usable[k]: interval k (ending at beat k) enters the statistics.
  const usable = new Uint8Array(n);
  for (let k = 1; k < n; k++) {
    if (!Number.isFinite(rr[k])) continue;
    if (o.ectopy === 'remove' && (ectopicLabel(k) || ectopicLabel(k - 1))) continue;
    usable[k] = 1;
  }
  for (let k = 1; o.prematurePairs && k + 1 < n; k++) {
    const f = feats[k];
    if (f.prematurity < PREMATURE && f.compensation > COMPENSATORY) {
      usable[k] = 0;
      usable[k + 1] = 0;
    }
  }
  // run[k]: which sequence beat k is in.
  const run = new Int32Array(n);
  for (let k = 1; k < n; k++) run[k] = run[k - 1] + (runStarts.has(k) ? 1 : 0);
  const half = Math.floor(o.windowBeats / 2);
  const out = new Array<boolean | null>(n).fill(null);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    kept.length = 0;
    for (let k = i - half + 1; k <= i + half; k++) {
      if (k >= 1 && k < n && run[k] === run[i] && usable[k]) kept.push(rr[k]);
    }
    if (kept.length < o.minKeptBeats) continue;
    const s = irregularity(kept, o.trimBeats);
    if (s !== null) {
      out[i] = s.normalisedRmssd > o.minNormalisedRmssd && s.entropy > o.minEntropy;
    }
  }
  // Combined: irregular only where both say so; no verdict where the Dash window has none (a
  // sequence shorter than it), so a record shorter than the window gets none.
  if (pet) return out.map((v, i) => (v === null ? null : v && pet[i] !== false));
  return out;
}

/**
 * Petrėnas et al. (2015) published parameters: A. Petrėnas, V. Marozas, L. Sörnmo,
 * "Low-complexity detection of atrial fibrillation in continuous long-term monitoring", Comput
 * Biol Med 65:184–191 — N = 8 RR intervals per irregularity window, γ = 0.03 s for a pair of
 * intervals to differ, α = 0.02 for the forward–backward exponential averagers, δ = 2·10⁻⁴ for
 * bigeminy suppression, η = 0.725 for the decision.
 */
export const PETRENAS = { N: 8, gamma: 0.03, alpha: 0.02, delta: 2e-4, eta: 0.725 } as const;

/** Forward then backward first-order exponential averager y(n) = (1 − α) y(n − 1) + α x(n). */
function forwardBackward(x: Float64Array, alpha: number): Float64Array {
  const y = new Float64Array(x.length);
  if (x.length === 0) return y;
  y[0] = x[0];
  for (let i = 1; i < x.length; i++) y[i] = (1 - alpha) * y[i - 1] + alpha * x[i];
  for (let i = x.length - 2; i >= 0; i--) y[i] = (1 - alpha) * y[i + 1] + alpha * y[i];
  return y;
}

/**
 * Petrėnas et al.'s decision signal O(n) for one sequence of RR intervals (seconds): the RR
 * series median-filtered over 3 intervals (ectopic beats), M(n) the share of pairs among the
 * last N filtered intervals that differ by ≥ γ, its forward–backward average over the averaged
 * RR (I(n), irregularity per second); B(n) = (Σ rm / Σ r − 1)² over the same N intervals is near
 * 0 in bigeminy (the median filter leaves an alternating series unchanged), and where its average
 * falls under δ it replaces I(n). AF where O(n) > η.
 */
export function petrenasDecision(
  rr: readonly number[],
  p: typeof PETRENAS = PETRENAS,
): Float64Array {
  const L = rr.length;
  const r = Float64Array.from(rr);
  const rm = new Float64Array(L);
  for (let i = 0; i < L; i++) {
    if (i === 0 || i === L - 1) rm[i] = r[i];
    else {
      const [a, b, c] = [r[i - 1], r[i], r[i + 1]];
      rm[i] = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
  }
  const m = new Float64Array(L);
  const bg = new Float64Array(L);
  for (let n = 0; n < L; n++) {
    const from = Math.max(0, n - p.N + 1);
    let pairs = 0;
    let differ = 0;
    let sumRm = 0;
    let sumR = 0;
    for (let j = from; j <= n; j++) {
      sumRm += rm[j];
      sumR += r[j];
      for (let k = j + 1; k <= n; k++) {
        pairs++;
        if (Math.abs(rm[j] - rm[k]) >= p.gamma) differ++;
      }
    }
    m[n] = pairs > 0 ? differ / pairs : 0;
    bg[n] = (sumRm / sumR - 1) ** 2;
  }
  const rt = forwardBackward(r, p.alpha);
  const mt = forwardBackward(m, p.alpha);
  const bt = forwardBackward(bg, p.alpha);
  const o = new Float64Array(L);
  for (let n = 0; n < L; n++) o[n] = bt[n] >= p.delta ? mt[n] / rt[n] : bt[n];
  return o;
}

/**
 * The RR intervals (seconds) of beats a … b (one sequence; entry i ends at beat a + 1 + i) with
 * ventricular ectopy taken out: around each maximal run of beats labelled V or F, the intervals
 * from the last beat before the run to the first beat after it are all set to their mean, as if
 * the ectopic beats were not there and the underlying rhythm's beats were evenly spaced. A run
 * at a sequence edge keeps its intervals.
 */
export function ectopyCorrectedRr(
  samples: readonly number[],
  fs: number,
  a: number,
  b: number,
  ectopic: (k: number) => boolean,
): number[] {
  const rr: number[] = [];
  for (let i = a + 1; i <= b; i++) rr.push((samples[i] - samples[i - 1]) / fs);
  let i = a + 1;
  while (i < b) {
    if (!ectopic(i)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < b && ectopic(j + 1)) j++;
    if (j + 1 <= b && !ectopic(j + 1)) {
      // Beats i … j ectopic, i − 1 and j + 1 not: intervals ending at i … j + 1.
      const mean = (samples[j + 1] - samples[i - 1]) / fs / (j + 2 - i);
      for (let k = i; k <= j + 1; k++) rr[k - a - 1] = mean;
    }
    i = j + 1;
  }
  return rr;
}

/**
 * Per beat, Petrėnas et al.'s verdict (O > η) inside each sequence, on the RR series with
 * ventricular ectopy taken out (`ectopyCorrectedRr`); null in sequences of fewer than N intervals.
 */
function petrenasBeats(
  samples: readonly number[],
  fs: number,
  runStarts: ReadonlySet<number>,
  ectopic: (k: number) => boolean,
): Array<boolean | null> {
  const n = samples.length;
  const out = new Array<boolean | null>(n).fill(null);
  let a = 0;
  for (let k = 1; k <= n; k++) {
    if (k < n && !runStarts.has(k)) continue;
    const b = k - 1; // sequence of beats a … b
    if (b - a >= PETRENAS.N) {
      const o = petrenasDecision(ectopyCorrectedRr(samples, fs, a, b, ectopic));
      for (let i = a + 1; i <= b; i++) out[i] = o[i - a - 1] > PETRENAS.eta;
      out[a] = out[a + 1];
    }
    a = k;
  }
  return out;
}

/**
 * Irregular (true) beats with the undecided (null) beats between two irregular ones of one
 * sequence filled in: a burst of ectopy inside AF does not split the episode.
 */
export function fillUndecided(
  verdict: ReadonlyArray<boolean | null>,
  runStarts: ReadonlySet<number> = new Set(),
): boolean[] {
  const out = verdict.map((v) => v === true);
  let lastTrue = -1;
  for (let i = 0; i < verdict.length; i++) {
    if (runStarts.has(i)) lastTrue = -1;
    if (verdict[i] === true) {
      if (lastTrue >= 0) for (let k = lastTrue + 1; k < i; k++) out[k] = true;
      lastTrue = i;
    } else if (verdict[i] === false) {
      lastTrue = -1;
    }
  }
  return out;
}

/** 60 × intervals / duration over beats [a, b] of one sequence (bpm); null with one beat. */
function meanRate(samples: readonly number[], fs: number, a: number, b: number): number | null {
  return b > a ? (60 * (b - a) * fs) / (samples[b] - samples[a]) : null;
}

/** The fastest `windowBeats`-beat stretch inside beats [a, b] (bpm); null when shorter. */
function maxRate(
  samples: readonly number[],
  fs: number,
  a: number,
  b: number,
  windowBeats: number,
): number | null {
  const w = Math.min(windowBeats, b - a + 1);
  if (w < 2) return null;
  let best = 0;
  for (let i = a + w - 1; i <= b; i++) {
    best = Math.max(best, (60 * (w - 1) * fs) / (samples[i] - samples[i - w + 1]));
  }
  return best;
}

/** Beats per max-rate window (as the report's heart-rate window). */
export const RATE_WINDOW_BEATS = 8;

/** The episode of beats [a, b] (indices into `samples`). */
export function episodeOf(
  rhythm: RhythmKind,
  samples: readonly number[],
  fs: number,
  a: number,
  b: number,
): RhythmEpisode {
  const startSample = samples[a];
  const endSample = samples[b];
  return {
    rhythm,
    startSample,
    endSample,
    startSeconds: startSample / fs,
    endSeconds: endSample / fs,
    durationSeconds: (endSample - startSample) / fs,
    meanRateBpm: rhythm === 'pause' ? null : meanRate(samples, fs, a, b),
    maxRateBpm: rhythm === 'pause' ? null : maxRate(samples, fs, a, b, RATE_WINDOW_BEATS),
    nBeats: b - a + 1,
  };
}

/**
 * Maximal stretches [first, last] of beats where `flag` holds, inside one sequence each; then
 * stretches of one sequence closer than `mergeSeconds` joined, and those shorter than
 * `minSeconds` dropped.
 */
function flaggedStretches(
  samples: readonly number[],
  fs: number,
  flag: ArrayLike<boolean>,
  runStarts: ReadonlySet<number>,
  mergeSeconds: number,
  minSeconds: number,
): Array<[number, number]> {
  const raw: Array<[number, number]> = [];
  for (let i = 0; i < samples.length; i++) {
    if (!flag[i]) continue;
    let j = i;
    while (j + 1 < samples.length && flag[j + 1] && !runStarts.has(j + 1)) j++;
    raw.push([i, j]);
    i = j;
  }
  const merged: Array<[number, number]> = [];
  for (const s of raw) {
    const last = merged[merged.length - 1];
    let broken = false;
    if (last) for (let k = last[1] + 1; k <= s[0]; k++) if (runStarts.has(k)) broken = true;
    if (last && !broken && (samples[s[0]] - samples[last[1]]) / fs < mergeSeconds) last[1] = s[1];
    else merged.push([s[0], s[1]]);
  }
  return merged.filter(([a, b]) => (samples[b] - samples[a]) / fs >= minSeconds);
}

/**
 * AF/flutter episodes from R peaks (`samples` sorted, at `fs` Hz): the beats `beatIrregularity`
 * calls irregular (undecided beats between irregular ones filled in), as stretches inside one sequence, merged when closer than `mergeSeconds` and
 * kept when at least `minEpisodeSeconds` long. A record with fewer beats than `windowBeats`
 * gets no episode (callers say so: `hasRhythmVerdict`).
 */
export function detectAf(
  samples: readonly number[],
  fs: number,
  opts: Partial<AfOptions> = {},
  beats: BeatContext = {},
): RhythmEpisode[] {
  const o: AfOptions = { ...AF_DEFAULTS, ...opts };
  const runStarts = beats.runStarts ?? new Set<number>();
  const flag = fillUndecided(beatIrregularity(samples, fs, o, beats), runStarts);
  return flaggedStretches(samples, fs, flag, runStarts, o.mergeSeconds, o.minEpisodeSeconds).map(
    ([a, b]) => episodeOf('AF', samples, fs, a, b),
  );
}

/** Whether a record with these beats is long enough for an AF verdict (≥ one window of beats). */
export function hasRhythmVerdict(nBeats: number, opts: Partial<AfOptions> = {}): boolean {
  return nBeats > (opts.windowBeats ?? AF_DEFAULTS.windowBeats);
}

/**
 * Per beat, true when it lies inside a detected AF/flutter episode (`detectAf` with the same
 * arguments). The scan uses it so that no beat inside AF is called S (supraventricular ectopy
 * needs an underlying regular rhythm to be premature to).
 */
export function irregularBeats(
  samples: readonly number[],
  fs: number,
  opts: Partial<AfOptions> = {},
  beats: BeatContext = {},
): boolean[] {
  return beatsInside(samples, detectAf(samples, fs, opts, beats));
}

/** Per beat, true when its R peak lies inside one of `episodes` (edges included). */
export function beatsInside(
  samples: readonly number[],
  episodes: readonly Pick<RhythmEpisode, 'startSample' | 'endSample'>[],
): boolean[] {
  const sorted = [...episodes].sort((a, b) => a.startSample - b.startSample);
  let e = 0;
  return samples.map((s) => {
    while (e < sorted.length && sorted[e].endSample < s) e++;
    return e < sorted.length && s >= sorted[e].startSample;
  });
}

/** RR intervals of at least `minSeconds` inside one sequence, as 'pause' episodes. */
export function findPauses(
  samples: readonly number[],
  fs: number,
  minSeconds = 2,
  runStarts: ReadonlySet<number> = new Set(),
): RhythmEpisode[] {
  checkInput(samples, fs);
  const out: RhythmEpisode[] = [];
  for (let k = 1; k < samples.length; k++) {
    if (runStarts.has(k)) continue;
    if ((samples[k] - samples[k - 1]) / fs >= minSeconds) {
      out.push(episodeOf('pause', samples, fs, k - 1, k));
    }
  }
  return out;
}

export interface RateOptions {
  /** Beats per rate window. */
  windowBeats: number;
  /** Below this rate (bpm) a window is bradycardic. */
  bradyBpm: number;
  /** Above this rate (bpm) a window is tachycardic. */
  tachyBpm: number;
  /** Episodes shorter than this are dropped (seconds). */
  minSeconds: number;
}

export const RATE_DEFAULTS: Readonly<RateOptions> = {
  windowBeats: RATE_WINDOW_BEATS,
  bradyBpm: 40,
  tachyBpm: 120,
  minSeconds: 30,
};

/**
 * Bradycardia and tachycardia: beats ending a `windowBeats`-beat window (inside one sequence)
 * whose rate is below `bradyBpm` / above `tachyBpm`, as stretches of at least `minSeconds`
 * (the stretch starts at its first window's first beat).
 */
export function rateEpisodes(
  samples: readonly number[],
  fs: number,
  opts: Partial<RateOptions> = {},
  runStarts: ReadonlySet<number> = new Set(),
): RhythmEpisode[] {
  checkInput(samples, fs);
  const o: RateOptions = { ...RATE_DEFAULTS, ...opts };
  const w = o.windowBeats;
  const n = samples.length;
  const run = new Int32Array(n);
  for (let k = 1; k < n; k++) run[k] = run[k - 1] + (runStarts.has(k) ? 1 : 0);
  const slow = new Array<boolean>(n).fill(false);
  const fast = new Array<boolean>(n).fill(false);
  for (let i = w - 1; i < n; i++) {
    if (run[i - w + 1] !== run[i]) continue;
    const bpm = (60 * (w - 1) * fs) / (samples[i] - samples[i - w + 1]);
    // The whole window belongs to the episode.
    for (let k = i - w + 1; k <= i; k++) {
      if (bpm < o.bradyBpm) slow[k] = true;
      if (bpm > o.tachyBpm) fast[k] = true;
    }
  }
  const eps = (flag: boolean[], kind: RhythmKind): RhythmEpisode[] =>
    flaggedStretches(samples, fs, flag, runStarts, 0, o.minSeconds).map(([a, b]) =>
      episodeOf(kind, samples, fs, a, b),
    );
  return [...eps(slow, 'bradycardia'), ...eps(fast, 'tachycardia')];
}

/** Maximal stretches [first, last] of consecutive beats labelled `label`. */
export function labelRuns(labels: readonly string[], label: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < labels.length) {
    if (labels[i] !== label) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < labels.length && labels[j + 1] === label) j++;
    out.push([i, j]);
    i = j + 1;
  }
  return out;
}

/**
 * Episodes of a repeating pattern (['N','V'] for bigeminy, ['N','N','V'] for trigeminy) in one
 * sequence of labels: ≥ `minCycles` consecutive whole cycles, each cycle's V not followed by
 * another V.
 */
export function patternEpisodes(
  labels: readonly string[],
  pattern: readonly string[],
  minCycles: number,
): Array<{ first: number; last: number; cycles: number }> {
  const len = pattern.length;
  const cycleAt = (i: number): boolean => {
    if (i + len > labels.length) return false;
    for (let k = 0; k < len; k++) if (labels[i + k] !== pattern[k]) return false;
    return labels[i + len] !== 'V';
  };
  const out: Array<{ first: number; last: number; cycles: number }> = [];
  let i = 0;
  while (i < labels.length) {
    let cycles = 0;
    while (cycleAt(i + cycles * len)) cycles++;
    if (cycles >= minCycles) {
      out.push({ first: i, last: i + cycles * len - 1, cycles });
      i += cycles * len;
    } else {
      i++;
    }
  }
  return out;
}

export interface EctopyOptions {
  /** Consecutive ectopic beats a run needs. */
  minRunBeats: number;
  /** A run's rate must exceed this (bpm). */
  minRunBpm: number;
  /** Cycles a bigeminy or trigeminy episode needs. */
  minPatternCycles: number;
}

export const ECTOPY_DEFAULTS: Readonly<EctopyOptions> = {
  minRunBeats: 3,
  minRunBpm: 100,
  minPatternCycles: 3,
};

/** Splits beat indices 0..n-1 at `runStarts` into sequences [first, last]. */
function sequenceBounds(n: number, runStarts: ReadonlySet<number>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let a = 0;
  for (let k = 1; k <= n; k++) {
    if (k === n || runStarts.has(k)) {
      if (k > a) out.push([a, k - 1]);
      a = k;
    }
  }
  return out;
}

/**
 * From beat labels: VT runs (≥ `minRunBeats` consecutive V faster than `minRunBpm`), SVT runs
 * (the same for S), bigeminy (N-V cycles) and trigeminy (N-N-V cycles), each inside one sequence.
 * Pass labels with S already relabelled N inside AF (`beatsInside`) so AF is not called SVT.
 */
export function ectopyEpisodes(
  samples: readonly number[],
  fs: number,
  labels: readonly string[],
  opts: Partial<EctopyOptions> = {},
  runStarts: ReadonlySet<number> = new Set(),
): RhythmEpisode[] {
  checkInput(samples, fs, labels);
  const o: EctopyOptions = { ...ECTOPY_DEFAULTS, ...opts };
  const out: RhythmEpisode[] = [];
  for (const [a, b] of sequenceBounds(samples.length, runStarts)) {
    const seq = labels.slice(a, b + 1);
    for (const [label, kind] of [
      ['V', 'VT'],
      ['S', 'SVT'],
    ] as const) {
      for (const [i, j] of labelRuns(seq, label)) {
        if (j - i + 1 < o.minRunBeats) continue;
        const e = episodeOf(kind, samples, fs, a + i, a + j);
        if ((e.meanRateBpm ?? 0) > o.minRunBpm) out.push(e);
      }
    }
    for (const [pattern, kind] of [
      [['N', 'V'], 'bigeminy'],
      [['N', 'N', 'V'], 'trigeminy'],
    ] as const) {
      for (const p of patternEpisodes(seq, pattern, o.minPatternCycles)) {
        out.push(episodeOf(kind, samples, fs, a + p.first, a + p.last));
      }
    }
  }
  return out.sort((x, y) => x.startSample - y.startSample);
}

/**
 * Beat indices that begin a new sequence: an excluded stretch ([start, end) samples) lies between
 * the beat and the one before it. `samples` sorted.
 */
export function sequenceStarts(
  samples: readonly number[],
  excluded: ReadonlyArray<{ start: number; end: number }>,
): Set<number> {
  const out = new Set<number>();
  for (const x of excluded) {
    // The first beat at or after the stretch's end starts a sequence, if one came before it.
    let lo = 0;
    let hi = samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (samples[mid] < x.start) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && lo < samples.length) out.add(lo);
  }
  return out;
}
