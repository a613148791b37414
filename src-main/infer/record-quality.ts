/**
 * How far a scan can be trusted on one record: what share of it was analysed, how noisy its
 * leads are, and whether it looks like the records the model was trained on.
 *
 * Measured by the inference path (inferRecord) on the model's own input — each used lead
 * resampled, band-passed and z-scored as in training — so a record from another recorder is
 * compared with the training records on the scale the model sees:
 *
 * - per beat and lead (`measureBeat`): the QRS amplitude (peak to peak within ±50 ms of the R
 *   peak, in record SDs), the high-frequency noise between QRS complexes (RMS of the second
 *   difference outside ±100 ms of the R peak, which passes muscle and electrode noise and
 *   hardly any P or T wave) and the whole signal there (RMS outside ±100 ms: P and T waves,
 *   and motion artefact and baseline left after the 0.5 Hz high-pass);
 * - per record (`recordStats`): the median QRS correlation with the dominant beat, the fraction
 *   of beats labelled V or S, the median RR and its beat-to-beat irregularity, and per lead the
 *   median QRS amplitude, the noise and the signal between QRS complexes over the QRS
 *   amplitude, and the dominant beat's polarity
 *   ((up + down) / (up − down) of its QRS window against the level before it: +1 all upward,
 *   −1 all downward).
 *
 * The bounds a record is compared with (`QualityBounds`) are measured on the model's training
 * records by scripts/quality-bounds.ts and stored in the model's meta (meta.qualityBounds);
 * never on test records.
 */
import type { ExcludedStretch } from './infer-record';

/**
 * meta.qualityBounds as QualityBounds, or undefined when absent or not of that shape (a model
 * without bounds is scanned without the out-of-distribution check, which its line says).
 */
export function parseQualityBounds(v: unknown): QualityBounds | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const b = v as Record<string, unknown>;
  const isRange = (r: unknown): boolean =>
    Array.isArray(r) &&
    r.length === 2 &&
    r.every((x) => typeof x === 'number' && Number.isFinite(x));
  const perLead = (r: unknown): boolean => Array.isArray(r) && r.every(isRange);
  const ok =
    typeof b.measuredOn === 'string' &&
    typeof b.margin === 'number' &&
    ['medianCorrelation', 'ectopicFraction', 'medianRrSeconds', 'rrIrregularity'].every((k) =>
      isRange(b[k]),
    ) &&
    ['qrsAmplitude', 'noise', 'between', 'polarity'].every((k) => perLead(b[k])) &&
    ['typicalNoise', 'typicalBetween'].every(
      (k) => Array.isArray(b[k]) && (b[k] as unknown[]).every((x) => typeof x === 'number'),
    );
  return ok ? (b as unknown as QualityBounds) : undefined;
}

/** A closed range [lo, hi]. */
export type Range = [number, number];

/** The record-level statistics compared with the training records. */
export interface RecordStats {
  /** Median QRS correlation of the analysed beats with the record's dominant beat. */
  medianCorrelation: number;
  /** Fraction of the analysed beats labelled V or S. */
  ectopicFraction: number;
  /** Median RR interval, seconds. */
  medianRrSeconds: number;
  /** Median |RR_k − RR_k−1| over the median RR. */
  rrIrregularity: number;
  /** Per used lead, model input order: median QRS peak to peak, in record SDs. */
  qrsAmplitude: number[];
  /** Per used lead: median high-frequency RMS between QRS complexes over the QRS amplitude. */
  noise: number[];
  /** Per used lead: median RMS of the signal between QRS complexes over the QRS amplitude. */
  between: number[];
  /** Per used lead: the dominant beat's polarity, −1 … 1. */
  polarity: number[];
}

/** The training records' ranges of RecordStats (widened by `margin`), from meta.qualityBounds. */
export interface QualityBounds {
  /** How and where they were measured (records, beats, model). */
  measuredOn: string;
  /** Fraction of each range's width added on both sides. */
  margin: number;
  medianCorrelation: Range;
  ectopicFraction: Range;
  medianRrSeconds: Range;
  rrIrregularity: Range;
  qrsAmplitude: Range[];
  noise: Range[];
  between: Range[];
  polarity: Range[];
  /** Per lead: the training records' median noise; up to twice it reads 'noise low'. */
  typicalNoise: number[];
  /** Per lead: the training records' median `between`; up to 1.5 times it reads 'noise low'. */
  typicalBetween: number[];
}

export interface RecordQuality {
  /** Beats found (annotated or detected), and those outside excluded stretches. */
  nBeats: number;
  nBeatsAnalysed: number;
  /** Fraction of the record's time excluded, in all and by reason (stretches may overlap). */
  excludedFraction: number;
  leadOffFraction: number;
  flatFraction: number;
  /** 'low' | 'moderate' | 'high' for the noisiest used lead; null without a measure. */
  noiseLevel: 'low' | 'moderate' | 'high' | null;
  stats: RecordStats;
  /** null: no bounds to compare with (or too few beats); else true when a statistic is out. */
  outOfDistribution: boolean | null;
  /** Why it is out of distribution (or why it could not be compared), plain words. */
  reasons: string[];
  /** The one line `beatlens scan` prints. */
  line: string;
}

/** Fewer analysed beats than this are not compared with the training records. */
export const MIN_QUALITY_BEATS = 10;

/**
 * QRS amplitude and high-frequency noise of one beat, per lead, from an NWC model input `x`
 * (batch item `j`, `nChannels` channels of which the first `nLeads` are ECG): `pos` is the R
 * peak and [start, end) the beat's span within the segment. Writes lead l's values to
 * amplitude[l], noise[l] (the RMS of the second difference) and between[l] (the RMS of the
 * signal), the last two NaN with no samples.
 */
export function measureBeat(
  x: Float32Array,
  j: number,
  pos: number,
  start: number,
  end: number,
  nSamples: number,
  nChannels: number,
  nLeads: number,
  fs: number,
  amplitude: Float32Array,
  noise: Float32Array,
  between: Float32Array,
): void {
  const qrs = Math.max(1, Math.round(0.05 * fs));
  const guard = Math.max(1, Math.round(0.1 * fs));
  const lo = Math.max(1, start);
  const hi = Math.min(nSamples - 1, end);
  const at = (t: number, l: number): number => x[(j * nSamples + t) * nChannels + l];
  for (let l = 0; l < nLeads; l++) {
    let max = -Infinity;
    let min = Infinity;
    for (let t = Math.max(0, pos - qrs); t <= Math.min(nSamples - 1, pos + qrs); t++) {
      const v = at(t, l);
      if (v > max) max = v;
      if (v < min) min = v;
    }
    amplitude[l] = max - min;
    let ss = 0;
    let sv = 0;
    let n = 0;
    for (let t = lo; t < hi; t++) {
      if (Math.abs(t - pos) <= guard) continue;
      const v = at(t, l);
      const d2 = at(t + 1, l) - 2 * v + at(t - 1, l);
      ss += d2 * d2;
      sv += v * v;
      n++;
    }
    noise[l] = n > 0 ? Math.sqrt(ss / n) : NaN;
    between[l] = n > 0 ? Math.sqrt(sv / n) : NaN;
  }
}

/** Median of the finite values (NaN when there are none). */
function median(values: ArrayLike<number>): number {
  const v = Array.from(values).filter(Number.isFinite);
  if (v.length === 0) return NaN;
  v.sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** What recordStats reads of the analysed beats. */
export interface QualityBeat {
  label: string;
  correlation: number;
  rrPrev: number;
}

/**
 * The record-level statistics: `beats` in time order, `amplitude`, `noise` and `between`
 * beat-major (nLeads values a beat, from measureBeat), `template` the dominant beat (lead-major
 * QRS window, as inferRecord builds it) or null.
 */
export function recordStats(
  beats: readonly QualityBeat[],
  amplitude: ArrayLike<number>,
  noise: ArrayLike<number>,
  between: ArrayLike<number>,
  nLeads: number,
  template: Float32Array | null,
): RecordStats {
  const rr = beats.map((b) => b.rrPrev);
  const medianRr = median(rr);
  const steps: number[] = [];
  for (let k = 1; k < rr.length; k++) {
    if (Number.isFinite(rr[k]) && Number.isFinite(rr[k - 1]))
      steps.push(Math.abs(rr[k] - rr[k - 1]));
  }
  const leadValues = (v: ArrayLike<number>, l: number): number[] =>
    Array.from({ length: beats.length }, (_, i) => v[i * nLeads + l]);
  const qrsAmplitude = Array.from({ length: nLeads }, (_, l) => median(leadValues(amplitude, l)));
  const overQrs = (v: ArrayLike<number>): number[] =>
    Array.from({ length: nLeads }, (_, l) => median(leadValues(v, l)) / qrsAmplitude[l]);
  const w = template ? template.length / nLeads : 0;
  const polarity = Array.from({ length: nLeads }, (_, l) => {
    if (!template || w === 0) return NaN;
    // The QRS part of the window (±50 ms of the ±100 ms the template holds), against the
    // level before it (the window's first 12.5 ms: the PR segment).
    const q = Math.floor(w / 4);
    const nBase = Math.max(1, Math.floor(w / 16));
    let base = 0;
    for (let k = 0; k < nBase; k++) base += template[l * w + k] / nBase;
    let up = 0;
    let down = 0;
    for (let k = l * w + q; k < (l + 1) * w - q; k++) {
      up = Math.max(up, template[k] - base);
      down = Math.min(down, template[k] - base);
    }
    return up > down ? (up + down) / (up - down) : NaN;
  });
  return {
    medianCorrelation: median(beats.map((b) => b.correlation)),
    ectopicFraction: beats.length
      ? beats.filter((b) => b.label === 'V' || b.label === 'S').length / beats.length
      : NaN,
    medianRrSeconds: medianRr,
    rrIrregularity: median(steps) / medianRr,
    qrsAmplitude,
    noise: overQrs(noise),
    between: overQrs(between),
    polarity,
  };
}

/** Fraction of [0, nSamples) that the stretches (of one reason, or all) cover. */
export function coveredFraction(
  stretches: readonly ExcludedStretch[],
  nSamples: number,
  reason?: ExcludedStretch['reason'],
): number {
  if (nSamples <= 0) return 0;
  const xs = stretches
    .filter((x) => !reason || x.reason === reason)
    .map((x) => [Math.max(0, x.start), Math.min(nSamples, x.end)] as const)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reach = 0;
  for (const [s, e] of xs) {
    const from = Math.max(s, reach);
    if (e > from) covered += e - from;
    reach = Math.max(reach, e);
  }
  return covered / nSamples;
}

const pct = (f: number): string => `${(100 * f).toFixed(1)} %`;
const num = (v: number): string => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toPrecision(2));
const range = (r: Range, fmt: (v: number) => string = num): string => `${fmt(r[0])}–${fmt(r[1])}`;

/** The statistics outside their bounds, in plain words (leads named as the record names them). */
export function outOfBounds(s: RecordStats, b: QualityBounds, leads: readonly string[]): string[] {
  const out: string[] = [];
  const outside = (v: number, r: Range | undefined): 'below' | 'above' | null =>
    !r || !Number.isFinite(v) ? null : v < r[0] ? 'below' : v > r[1] ? 'above' : null;
  if (outside(s.medianCorrelation, b.medianCorrelation) === 'below') {
    out.push(
      `beats differ from the dominant beat (median QRS correlation ${num(s.medianCorrelation)}, training ${range(b.medianCorrelation)})`,
    );
  }
  if (outside(s.ectopicFraction, b.ectopicFraction) === 'above') {
    out.push(
      `${pct(s.ectopicFraction)} of beats labelled V or S (training at most ${pct(b.ectopicFraction[1])})`,
    );
  }
  const rate = outside(s.medianRrSeconds, b.medianRrSeconds);
  if (rate) {
    const bpm = (rr: number): string => (60 / rr).toFixed(0);
    out.push(
      `heart rate ${bpm(s.medianRrSeconds)} bpm (training ${bpm(b.medianRrSeconds[1])}–${bpm(b.medianRrSeconds[0])} bpm)`,
    );
  }
  if (outside(s.rrIrregularity, b.rrIrregularity) === 'above') {
    out.push(
      `RR intervals irregular (${num(s.rrIrregularity)}, training at most ${num(b.rrIrregularity[1])})`,
    );
  }
  leads.forEach((lead, l) => {
    if (outside(s.noise[l], b.noise[l]) === 'above') {
      out.push(
        `noise on ${lead} ${num(s.noise[l])} of the QRS (training at most ${num(b.noise[l][1])})`,
      );
    }
    if (outside(s.between[l], b.between[l]) === 'above') {
      out.push(
        `signal between QRS complexes on ${lead} ${num(s.between[l])} of the QRS (training at most ${num(b.between[l][1])})`,
      );
    }
    const amp = outside(s.qrsAmplitude[l], b.qrsAmplitude[l]);
    if (amp) {
      out.push(
        `QRS on ${lead} ${amp === 'below' ? 'small' : 'large'} against the rest of the signal (${num(s.qrsAmplitude[l])} SD, training ${range(b.qrsAmplitude[l])})`,
      );
    }
    if (outside(s.polarity[l], b.polarity[l])) {
      out.push(
        `QRS polarity on ${lead} ${num(s.polarity[l])} (training ${range(b.polarity[l])}; −1 all downward, +1 all upward)`,
      );
    }
  });
  return out;
}

export interface RecordQualityInput {
  nSamples: number;
  /** Beats found (annotated or detected), and those outside excluded stretches. */
  nBeats: number;
  nBeatsAnalysed: number;
  excluded: readonly ExcludedStretch[];
  stats: RecordStats;
  /** The used leads' names, model input order (duplicates allowed). */
  leads: readonly string[];
  bounds?: QualityBounds;
}

const NOISE_ORDER = { low: 0, moderate: 1, high: 2 } as const;

/** Fractions, noise level, the out-of-distribution check and the one line (module comment). */
export function recordQuality(q: RecordQualityInput): RecordQuality {
  const { stats, bounds } = q;
  const excludedFraction = coveredFraction(q.excluded, q.nSamples);
  const leadOffFraction = coveredFraction(q.excluded, q.nSamples, 'non-finite');
  const flatFraction = coveredFraction(q.excluded, q.nSamples, 'flat');
  let noiseLevel: RecordQuality['noiseLevel'] = null;
  // Low up to `low` × the training records' median, high above the training bound; without
  // bounds, fixed fractions of the QRS amplitude.
  const grade = (v: number, typical: number | undefined, low: number, high: number): void => {
    if (!Number.isFinite(v)) return;
    const level = v <= low * (typical ?? NaN) ? 'low' : v <= high ? 'moderate' : 'high';
    if (noiseLevel === null || NOISE_ORDER[level] > NOISE_ORDER[noiseLevel]) noiseLevel = level;
  };
  stats.noise.forEach((v, l) => {
    const b = bounds?.noise[l];
    if (b) grade(v, bounds?.typicalNoise[l], 2, b[1]);
    else grade(v, 0.05, 1, 0.3);
  });
  stats.between.forEach((v, l) => {
    const b = bounds?.between[l];
    if (b) grade(v, bounds?.typicalBetween[l], 1.5, b[1]);
    else grade(v, 0.3, 1, 0.6);
  });
  let outOfDistribution: boolean | null = null;
  let reasons: string[];
  if (q.nBeatsAnalysed < MIN_QUALITY_BEATS) {
    reasons = [`too few beats (${q.nBeatsAnalysed}) to compare with the training data`];
  } else if (!bounds) {
    reasons = ['the model has no training bounds to compare with'];
  } else {
    reasons = outOfBounds(stats, bounds, q.leads);
    outOfDistribution = reasons.length > 0;
  }
  const quality: Omit<RecordQuality, 'line'> = {
    nBeats: q.nBeats,
    nBeatsAnalysed: q.nBeatsAnalysed,
    excludedFraction,
    leadOffFraction,
    flatFraction,
    noiseLevel,
    stats,
    outOfDistribution,
    reasons,
  };
  return { ...quality, line: qualityLine(quality) };
}

/**
 * `quality: 98.7 % of beats analysable, 1.2 % of time excluded (lead-off 0.8 %, flat 0.4 %),
 * noise low; looks like the training data` (or `; unlike the training data: <reasons>`).
 */
export function qualityLine(q: Omit<RecordQuality, 'line'>): string {
  const beats =
    q.nBeats > 0
      ? `${pct(q.nBeatsAnalysed / q.nBeats)} of beats analysable`
      : 'no beats found to analyse';
  const parts = [
    q.leadOffFraction > 0 ? `lead-off ${pct(q.leadOffFraction)}` : '',
    q.flatFraction > 0 ? `flat ${pct(q.flatFraction)}` : '',
  ].filter((s) => s !== '');
  const time = `${pct(q.excludedFraction)} of time excluded${parts.length ? ` (${parts.join(', ')})` : ''}`;
  const noise = q.noiseLevel ? `noise ${q.noiseLevel}` : 'noise not measured';
  const verdict =
    q.outOfDistribution === null
      ? `not compared with the training data: ${q.reasons.join('; ')}`
      : q.outOfDistribution
        ? `unlike the training data: ${q.reasons.join('; ')}`
        : 'looks like the training data';
  return `quality: ${beats}, ${time}, ${noise}; ${verdict}`;
}
