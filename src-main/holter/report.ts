/**
 * The Holter report of one record: the burden figures (burden.ts) of its effective beat labels,
 * the model and provenance, warnings, and representative strips (the first PVC, the longest
 * ventricular run, the fastest heart rate, the longest pause) with the model's map on the
 * record's one scale and the beat labels. Plain JSON: `beatlens report` writes it as
 * report.json, the app's Report screen shows it, report-html.ts renders it.
 */
import type { AamiClass, EcgRecord, RecordStartTime } from '../ecg/types';
import { decimateMinMax } from '../app/decimate';
import { segmentAttention, type RecordMaps } from '../app/record-maps';
import {
  computeBurden,
  elapsed,
  type BurdenBeat,
  type BurdenOptions,
  type BurdenSummary,
  type HourRow,
  type UrgentFinding,
} from './burden';
import {
  AF_DEFAULTS,
  beatsInside,
  detectAf,
  ectopyEpisodes,
  findPauses,
  hasRhythmVerdict,
  rateEpisodes,
  sequenceStarts,
  type RhythmEpisode,
} from '../ecg/rhythm-episodes';

export const REPORT_FORMAT = 'beatlens-holter-report';
/** 2: rhythm (afBurdenPercent, episodes, af, hourly afMinutes, rhythm urgent findings and strips). */
export const REPORT_FORMAT_VERSION = 2;

/** A pause this long (seconds) is an urgent finding. */
export const URGENT_PAUSE_SECONDS = 3;
/** AF with a mean ventricular rate above this (bpm) over an episode is an urgent finding. */
export const URGENT_AF_RATE_BPM = 110;

/** The model behind the labels: its display name and version (code commit, save time). */
export interface ReportModel {
  name: string;
  /** Shipped name ('default', 'localiser'), library id or folder. */
  id: string;
  method: string;
  /** The code commit the model was trained with (model.json meta.code.commit), when recorded. */
  codeCommit: string | null;
  savedAt: string;
}

export interface ReportStrip {
  /** Why this strip: a representative event, or an urgent finding ('urgent-…'). */
  kind:
    | 'first-pvc'
    | 'longest-run'
    | 'fastest-hr'
    | 'longest-pause'
    | 'longest-af'
    | 'urgent-pause'
    | 'urgent-af-rapid';
  title: string;
  /** First record sample and length (record fs). */
  startSample: number;
  nSamples: number;
  fs: number;
  leadNames: string[];
  units: string[];
  /** Record samples per drawn bucket; min/max per bucket and lead (physical units). */
  bucketSamples: number;
  min: number[][];
  max: number[][];
  /** The model's map per bucket (max over the bucket), 1 = the record's largest value. */
  attention: number[];
  /** Beats inside the strip with their effective label. */
  beats: Array<{ sample: number; label: AamiClass }>;
}

/** The rhythm summary: AF/flutter and the longest / fastest of it; null fields without AF. */
export interface ReportAf {
  /** False when the record has too few beats for the AF method's window (no AF verdict). */
  verdict: boolean;
  episodes: number;
  /** Seconds of AF/flutter (inside analysed stretches). */
  seconds: number;
  longest: RhythmEpisode | null;
  /** Highest 8-beat ventricular rate inside AF (bpm). */
  fastestRateBpm: number | null;
}

export interface ReportHourRow extends HourRow {
  /** Minutes of AF/flutter in the hour. */
  afMinutes: number;
}

export interface HolterReport extends BurdenSummary {
  /** AF + flutter, % of the analysed time (excluded stretches out of the denominator); null without a verdict. */
  afBurdenPercent: number | null;
  af: ReportAf;
  /** Every rhythm episode (AF, pauses, brady/tachycardia, VT, SVT, bigeminy, trigeminy), by start. */
  episodes: RhythmEpisode[];
  hourly: ReportHourRow[];
  format: typeof REPORT_FORMAT;
  formatVersion: number;
  recordId: string;
  startTime: RecordStartTime | null;
  model: ReportModel;
  /** 'attention' (segmenter) or 'gradxinput' (a classifier-only model's saliency). */
  mapSource: RecordMaps['mapSource'];
  /** Where the R peaks came from. */
  beatSource: RecordMaps['beatSource'];
  /** Beats whose label a reviewer set (the others carry the model's). */
  reviewedBeats: number;
  reviewer: string | null;
  /** ISO time of the sign-off; null until signed off. */
  signedOffAt: string | null;
  generatedAt: string;
  warnings: string[];
  strips: ReportStrip[];
}

export interface BuildReportInput {
  record: Pick<EcgRecord, 'id' | 'fs' | 'nSamples' | 'leadNames' | 'units' | 'signals'> & {
    startTime?: RecordStartTime | null;
  };
  /** The record's inference laid out over it (the map, the model's beats, exclusions). */
  maps: RecordMaps;
  /** The effective label of every beat (reviewer's where reviewed, else the model's). */
  beats: ReadonlyArray<{ sample: number; label: AamiClass }>;
  reviewedBeats?: number;
  model: ReportModel;
  reviewer?: string | null;
  signedOffAt?: string | null;
  /** Defaults to now. */
  generatedAt?: string;
  options?: Partial<BurdenOptions>;
  /** Seconds per strip (default 8). */
  stripSeconds?: number;
}

/** Buckets per strip and lead: enough for a printed A4 width at full detail. */
const STRIP_BUCKETS = 1600;
const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

const AAMI: readonly string[] = ['N', 'S', 'V', 'F', 'Q'];

/** The model's label of every beat of an inference (an unknown label counts as Q). */
export function machineLabels(maps: Pick<RecordMaps, 'beats'>): BurdenBeat[] {
  return maps.beats.map((b) => ({
    sample: b.sample,
    label: (AAMI.includes(b.label) ? b.label : 'Q') as AamiClass,
  }));
}

/**
 * The report's beats from a scan's effective labels (store/beat-reviews.ts `effectiveLabels`:
 * the reviewer's label where a beat was reviewed, else the machine's): beats the reviewer
 * called artefact are left out; `reviewedBeats` counts the beats a reviewer labelled.
 */
export function reportBeats(
  labels: ReadonlyArray<{
    sample: number;
    label: AamiClass | 'artefact';
    source: 'reviewer' | 'machine';
  }>,
): { beats: BurdenBeat[]; reviewedBeats: number } {
  const beats: BurdenBeat[] = [];
  let reviewedBeats = 0;
  for (const b of labels) {
    if (b.source === 'reviewer') reviewedBeats++;
    if (b.label !== 'artefact') beats.push({ sample: b.sample, label: b.label });
  }
  return { beats, reviewedBeats };
}

/** The model's name and version as a report states it, from a model folder's manifest. */
export function reportModel(
  id: string,
  manifest: { method: string; savedAt: string; meta?: Record<string, unknown> },
): ReportModel {
  const meta = manifest.meta ?? {};
  const code = meta.code as { commit?: unknown } | undefined;
  return {
    name: typeof meta.name === 'string' ? meta.name : id,
    id,
    method: manifest.method,
    codeCommit: typeof code?.commit === 'string' ? code.commit : null,
    savedAt: manifest.savedAt,
  };
}

/** One strip of `nSamples` centred on `centre` (clipped to the record). */
function strip(
  input: BuildReportInput,
  kind: ReportStrip['kind'],
  title: string,
  centre: number,
  seconds: number,
): ReportStrip {
  const { record, maps } = input;
  const n = Math.min(record.nSamples, Math.round(seconds * record.fs));
  const start = Math.max(0, Math.min(record.nSamples - n, Math.round(centre - n / 2)));
  const lines = record.signals.map((s) => decimateMinMax(s, start, n, STRIP_BUCKETS));
  const bucketSamples = lines[0]?.bucketSamples ?? 1;
  const map = segmentAttention(maps, start, record.fs, n);
  const attention: number[] = [];
  for (let b = 0; b < n; b += bucketSamples) {
    let a = 0;
    for (let t = b; t < Math.min(n, b + bucketSamples); t++) a = Math.max(a, map[t]);
    attention.push(round(a, 3));
  }
  return {
    kind,
    title,
    startSample: start,
    nSamples: n,
    fs: record.fs,
    leadNames: [...record.leadNames],
    units: [...record.units],
    bucketSamples,
    min: lines.map((l) => Array.from(l.min, (v) => round(v, 4))),
    max: lines.map((l) => Array.from(l.max, (v) => round(v, 4))),
    attention,
    beats: input.beats
      .filter((b) => b.sample >= start && b.sample < start + n)
      .map((b) => ({ sample: b.sample, label: b.label })),
  };
}

/** The representative strips the figures point at (none for a figure that has no event). */
function strips(
  input: BuildReportInput,
  s: BurdenSummary,
  seconds: number,
  rhythm: RhythmFindings,
): ReportStrip[] {
  const firstV = [...input.beats].sort((a, b) => a.sample - b.sample).find((b) => b.label === 'V');
  const run = s.ventricular.longestRun;
  const hr = s.heartRate.maximum;
  const pause = s.pauses.longest;
  const wanted: Array<[ReportStrip['kind'], string, number] | null> = [
    firstV
      ? ['first-pvc', `First PVC at ${elapsed(firstV.sample / input.record.fs)}`, firstV.sample]
      : null,
    run
      ? [
          'longest-run',
          `Longest ventricular run: ${run.beats} beats at ${Math.round(run.rateBpm)} bpm`,
          (run.start.sample + run.end.sample) / 2,
        ]
      : null,
    hr ? ['fastest-hr', `Fastest heart rate: ${Math.round(hr.bpm)} bpm`, hr.sample] : null,
    pause
      ? [
          'longest-pause',
          `Longest pause: ${pause.seconds.toFixed(2)} s`,
          (pause.start.sample + pause.end.sample) / 2,
        ]
      : null,
    rhythm.af.longest
      ? [
          'longest-af',
          `Longest AF/flutter episode: ${elapsed(rhythm.af.longest.durationSeconds)}`,
          rhythm.af.longest.startSample,
        ]
      : null,
    ...rhythm.urgentStrips,
  ];
  return wanted
    .filter((w): w is [ReportStrip['kind'], string, number] => w !== null)
    .map(([kind, title, centre]) => strip(input, kind, title, centre, seconds));
}

/** The whole report (see the module comment). */
export function buildHolterReport(input: BuildReportInput): HolterReport {
  const { record, maps } = input;
  const startTime = record.startTime ?? null;
  const rhythm = rhythmFindings({
    fs: record.fs,
    beats: input.beats,
    excluded: maps.excluded,
    pauseSeconds: input.options?.pauseSeconds,
  });
  const summary = computeBurden({
    beats: rhythm.beats,
    fs: record.fs,
    nSamples: record.nSamples,
    excluded: maps.excluded,
    startTime,
    options: input.options,
  });
  const warnings = [...maps.warnings];
  for (const x of maps.excluded) {
    warnings.push(
      `excluded ${elapsed(x.start / record.fs)}–${elapsed(x.end / record.fs)} (${x.reason}, lead ${x.lead}): not analysed`,
    );
  }
  if (!rhythm.af.verdict) {
    warnings.push(
      `no rhythm verdict: ${rhythm.analysedBeats} analysed beats, fewer than the AF method's window of ${AF_DEFAULTS.windowBeats}`,
    );
  }
  if (maps.beatSource === 'detector') {
    warnings.push("R peaks from beatlens's QRS detector (the record's annotations were not used)");
  }
  return {
    format: REPORT_FORMAT,
    formatVersion: REPORT_FORMAT_VERSION,
    recordId: record.id,
    startTime,
    model: input.model,
    mapSource: maps.mapSource,
    beatSource: maps.beatSource,
    reviewedBeats: input.reviewedBeats ?? 0,
    reviewer: input.reviewer ?? null,
    signedOffAt: input.signedOffAt ?? null,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    warnings,
    ...summary,
    urgent: [...summary.urgent, ...rhythm.urgent],
    afBurdenPercent:
      rhythm.af.verdict && summary.analysedSeconds > 0
        ? (100 * rhythm.af.seconds) / summary.analysedSeconds
        : null,
    af: rhythm.af,
    episodes: rhythm.episodes,
    hourly: summary.hourly.map((h) => ({
      ...h,
      afMinutes: afMinutesIn(
        rhythm.afEpisodes,
        h.start.sample,
        h.start.sample + 3600 * record.fs,
        record.fs,
      ),
    })),
    strips: strips(input, summary, input.stripSeconds ?? 8, rhythm),
  };
}

/** Minutes of the episodes inside samples [a, b). */
function afMinutesIn(eps: readonly RhythmEpisode[], a: number, b: number, fs: number): number {
  let n = 0;
  for (const e of eps) n += Math.max(0, Math.min(b, e.endSample) - Math.max(a, e.startSample));
  return n / fs / 60;
}

/** What the rhythm findings read: the effective beats, the record's fs and its excluded stretches. */
export interface RhythmInput {
  fs: number;
  beats: ReadonlyArray<{ sample: number; label: AamiClass }>;
  excluded: ReadonlyArray<{ start: number; end: number }>;
  /** RR intervals of at least this many seconds are pauses (default 2, the report's). */
  pauseSeconds?: number;
}

export interface RhythmFindings {
  /** The beats the burden counts: S relabelled N inside AF/flutter. */
  beats: BurdenBeat[];
  analysedBeats: number;
  afEpisodes: RhythmEpisode[];
  episodes: RhythmEpisode[];
  af: ReportAf;
  urgent: UrgentFinding[];
  urgentStrips: Array<[ReportStrip['kind'], string, number]>;
}

/**
 * The rhythm episodes of the analysed beats (those outside excluded stretches, in sequences that
 * no excluded stretch interrupts): AF/flutter (`detectAf` with the beats' labels), then S
 * relabelled N inside AF (a beat in AF is not a premature supraventricular beat), pauses,
 * brady/tachycardia, VT/SVT runs, bigeminy/trigeminy; and the urgent rhythm findings, each with
 * a strip of its worst instance.
 */
export function rhythmFindings(input: RhythmInput): RhythmFindings {
  const { fs } = input;
  const excluded = [...input.excluded].sort((a, b) => a.start - b.start);
  const isExcluded = (t: number): boolean => excluded.some((x) => t >= x.start && t < x.end);
  const sorted = [...input.beats].sort((a, b) => a.sample - b.sample);
  const analysed = sorted.filter(
    (b, i) => !isExcluded(b.sample) && (i === 0 || b.sample !== sorted[i - 1].sample),
  );
  const samples = analysed.map((b) => b.sample);
  const runStarts = sequenceStarts(samples, excluded);
  const verdict = hasRhythmVerdict(samples.length);
  const afEpisodes = verdict
    ? detectAf(samples, fs, {}, { labels: analysed.map((b) => b.label), runStarts })
    : [];
  const inAf = beatsInside(samples, afEpisodes);
  const relabelled = analysed.map((b, i) =>
    inAf[i] && b.label === 'S' ? { ...b, label: 'N' as const } : b,
  );
  const inAfSample = new Set(samples.filter((_, i) => inAf[i]));
  const beats = sorted.map((b) =>
    b.label === 'S' && inAfSample.has(b.sample) ? { ...b, label: 'N' as const } : b,
  );
  const labels = relabelled.map((b) => b.label);
  const pauses = findPauses(samples, fs, input.pauseSeconds ?? 2, runStarts);
  const episodes = [
    ...afEpisodes,
    ...pauses,
    ...rateEpisodes(samples, fs, {}, runStarts),
    ...ectopyEpisodes(samples, fs, labels, {}, runStarts),
  ].sort((a, b) => a.startSample - b.startSample);

  const longest = afEpisodes.reduce<RhythmEpisode | null>(
    (a, e) => (a === null || e.durationSeconds > a.durationSeconds ? e : a),
    null,
  );
  const fastest = afEpisodes.reduce<RhythmEpisode | null>(
    (a, e) => (a === null || (e.maxRateBpm ?? 0) > (a.maxRateBpm ?? 0) ? e : a),
    null,
  );
  const af: ReportAf = {
    verdict,
    episodes: afEpisodes.length,
    seconds: afEpisodes.reduce((t, e) => t + e.durationSeconds, 0),
    longest,
    fastestRateBpm: fastest?.maxRateBpm ?? null,
  };

  const urgent: UrgentFinding[] = [];
  const urgentStrips: RhythmFindings['urgentStrips'] = [];
  const at = (e: RhythmEpisode): string => elapsed(e.startSeconds);
  const longPauses = pauses.filter((p) => p.durationSeconds >= URGENT_PAUSE_SECONDS);
  if (longPauses.length > 0) {
    const worst = longPauses.reduce((a, p) => (p.durationSeconds > a.durationSeconds ? p : a));
    urgent.push({
      code: 'pause',
      message: `${longPauses.length} pause${longPauses.length === 1 ? '' : 's'} of ≥ ${URGENT_PAUSE_SECONDS} s; the longest ${worst.durationSeconds.toFixed(2)} s at ${at(worst)}`,
    });
    urgentStrips.push([
      'urgent-pause',
      `Urgent: pause ${worst.durationSeconds.toFixed(2)} s at ${at(worst)}`,
      (worst.startSample + worst.endSample) / 2,
    ]);
  }
  const rapid = afEpisodes.filter((e) => (e.meanRateBpm ?? 0) > URGENT_AF_RATE_BPM);
  if (rapid.length > 0) {
    const worst = rapid.reduce((a, e) => ((e.meanRateBpm ?? 0) > (a.meanRateBpm ?? 0) ? e : a));
    urgent.push({
      code: 'af-rapid',
      message: `${rapid.length} AF/flutter episode${rapid.length === 1 ? '' : 's'} with a mean ventricular rate > ${URGENT_AF_RATE_BPM} bpm; the fastest ${Math.round(worst.meanRateBpm ?? 0)} bpm at ${at(worst)}`,
    });
    urgentStrips.push([
      'urgent-af-rapid',
      `Urgent: AF at ${Math.round(worst.meanRateBpm ?? 0)} bpm at ${at(worst)}`,
      worst.startSample,
    ]);
  }
  // The VT finding's strip is the longest ventricular run's ('longest-run').
  return { beats, analysedBeats: samples.length, afEpisodes, episodes, af, urgent, urgentStrips };
}
