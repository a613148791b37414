/**
 * The one inference path: a trained model over a whole record, as the viewer, `predict`, the
 * flagged-beat scan, the report and grade studies see it.
 *
 * 1. Leads (`chooseLeads`): the model's leads by name where the record names them ('II' or
 *    'ECG II' for MLII, V1 or V2 … for V1), else by position among the leads that are not flat
 *    or without signal; a record with fewer usable leads than the model needs has its one usable
 *    lead (or its leads) repeated. One line says which leads were used (`leadsLine`, also a
 *    warning unless every model lead was found by name). A record below 100 Hz is refused.
 * 2. Bad stretches: non-finite samples and flat (lead-off) runs of ≥ 1 s on any used lead are
 *    reported with their sample range and excluded: their beats get no label and segments never
 *    span them, so one NaN cannot turn a lead into NaN.
 * 3. Beats: the record's annotations, or beatlens's QRS detector (`detect`).
 * 4. Segments: the training segment builder's walk (`planSegments`) over the beats, at the
 *    model's rate: consecutive beats up to the model's nSamples, zero-padded.
 * 5. Signals: resampled to the model's fs, band-passed and z-scored exactly as in training
 *    (`preprocessRecord`'s chain), but chunk by chunk (`chunkSeconds` plus filter margins) with
 *    the record-wide z-score statistics from a first pass, so memory stays bounded on a 24-h
 *    record.
 * 6. The model gives each segment's class probabilities and its map (attention; gradient × input
 *    for a classifier-only model, raw, on one scale for the whole record). Beats get AAMI labels:
 *    in a segment classified PVC (APB), the beats whose map score reaches `beatThreshold` × the
 *    segment's top beat score are V (S), the others N; every beat of a NORMAL segment is N.
 *
 * With fewer than 10 beats to analyse there is no local RR reference: the beats are labelled
 * without the rule's rhythm signs, and a warning says so (`rhythmSigns` false). Every result
 * carries the record's quality (record-quality.ts): analysable beats, excluded time, noise, and
 * whether the record looks like the model's training records (meta.qualityBounds).
 *
 * Tensors are disposed batch by batch; a non-finite model output is an error.
 */
import { BeatlensError } from '../errors';
import { bandpassFiltfilt } from '../ecg/filters';
import { DEFAULT_PREPROCESS } from '../ecg/preprocess';
import { resample } from '../ecg/resample';
import { writeRhythmChannels } from '../ecg/rhythm-channels';
import { beatBoundaries, planSegments, rhythmContext } from '../ecg/segments';
import { standardLeadName } from '../ecg/leads';
import type { AamiClass, Beat, EcgRecord } from '../ecg/types';
import { beatScores } from './beat-scores';
import { detectQrs, implausibleRrFraction } from '../ecg/qrs';
import { gradientTimesInput } from '../model/saliency';
import { tf } from '../model/tf';
import type { BeatlensModel } from '../model/types';
import { pearson } from '../ecg/clusters';
import {
  clusterShapes,
  isNormalClass,
  labelBeats,
  rhythmFeatures,
  withdrawImplausible,
  type BeatRule,
} from './beat-rule';
import {
  coveredFraction,
  measureBeat,
  recordQuality,
  recordStats,
  type QualityBounds,
  type RecordQuality,
} from './record-quality';

import { irregularBeats } from '../ecg/rhythm-episodes';
import { applyBeatHead, headProbabilitiesOf, type BeatHead } from './beat-head';

export type { BeatRule } from './beat-rule';

export type InferenceModel = Pick<
  BeatlensModel,
  'forward' | 'forwardFeatures' | 'forwardHead' | 'config'
>;

/** What a saved model's manifest says about how to run it (model.json → meta). */
export interface ModelRunInfo {
  /** Lead names the model was trained on, in input order; 'V1|V2' lists alternatives. */
  leads?: string[];
  /** Beat threshold as a fraction of the segment's top beat score (default 0.5). */
  beatThreshold?: number;
  /**
   * A beat is V only if its QRS correlates with the record's dominant beat below this (label-free
   * template matching, chosen on training records); absent: no such rule.
   */
  maxCorrelation?: number;
  /** A V beat's cluster must be premature (RR before < this × local RR) … (see beat-rule.ts). */
  maxPrematurity?: number;
  /** … or followed by a pause (RR after > this × local RR); both absent: no rhythm rule. */
  minCompensation?: number;
  /** Below this QRS correlation with the dominant beat a V needs no rhythm sign (beat-rule.ts). */
  rhythmFreeCorrelation?: number;
  /** The training records' ranges of the quality statistics (record-quality.ts). */
  qualityBounds?: QualityBounds;
  /**
   * The beat head (beat-head.ts) that decides S, and adds V, from rhythm and morphology;
   * absent: the beat rule alone (S: a premature beat in a segment the model called APB).
   */
  beatHead?: BeatHead;
}

/** The lowest sampling rate a record may have (the QRS detector and the 0.5–40 Hz band). */
export const MIN_RECORD_FS = 100;

/** Fewer beats to analyse than this: no rhythm signs in the beat rule (no local RR reference). */
export const MIN_RHYTHM_BEATS = 10;

export interface InferRecordOptions {
  /** Reference beats at the record's fs; absent or null → the QRS detector. */
  beats?: Beat[] | null;
  info?: ModelRunInfo;
  /** Override info.beatThreshold. */
  beatThreshold?: number;
  /** Override info.maxCorrelation. */
  maxCorrelation?: number;
  /** Segments per model call (default 128). */
  batchSize?: number;
  /** Signal processed per chunk, in seconds of record (default 600). */
  chunkSeconds?: number;
  /** Keep each segment's map (model fs) for display (default false). */
  keepMaps?: boolean;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface InferredBeat {
  /** R-peak sample at the record's fs. */
  sample: number;
  label: AamiClass;
  /**
   * Map score over the segment's top beat score, 0..1; NaN where no map was computed (a
   * classifier-only model's beats in segments it called normal, unless maps are kept).
   */
  score: number;
  /**
   * Pearson correlation of the beat's QRS (±100 ms, every lead, as the model saw it) with the
   * record's dominant beat; NaN when the record has no beat to compare with.
   */
  correlation: number;
  /** Index into `segments`. */
  segment: number;
  /** RR interval before / after the beat in seconds (NaN at a record edge or excluded stretch). */
  rrPrev: number;
  rrNext: number;
  /** RR before / after over the local reference RR (beat-rule.ts: rhythmFeatures). */
  prematurity: number;
  compensation: number;
  /** QRS morphology cluster (beat-rule.ts: clusterShapes), numbered by first appearance. */
  cluster: number;
  /** The reference annotation symbol, or null for detected beats. */
  symbol: string | null;
}

export interface InferredSegment {
  /** First sample and real length at the record's fs. */
  offset: number;
  length: number;
  label: string;
  probabilities: number[];
  /** The map over the segment's nSamples at the model's fs (only with keepMaps). */
  map?: Float32Array;
}

export interface ExcludedStretch {
  /** Samples [start, end) at the record's fs. */
  start: number;
  end: number;
  reason: 'non-finite' | 'flat';
  /** The record lead that showed it. */
  lead: string;
}

export interface RecordInference {
  recordId: string;
  fsRecord: number;
  fsModel: number;
  /** The record's leads used, in model input order (one lead may feed several inputs). */
  leads: string[];
  /** One line: which record lead feeds which model input (chooseLeads). */
  leadsLine: string;
  /** False when the record had too few beats for the beat rule's rhythm signs. */
  rhythmSigns: boolean;
  /** Analysable beats, excluded time, noise, out-of-distribution check (record-quality.ts). */
  quality: RecordQuality;
  warnings: string[];
  beatSource: 'annotations' | 'detector';
  mapSource: 'attention' | 'gradxinput';
  classes: string[];
  beats: InferredBeat[];
  segments: InferredSegment[];
  excluded: ExcludedStretch[];
  /** Beats inside excluded stretches (left unlabelled). */
  nBeatsExcluded: number;
}

const norm = (s: string): string => s.trim().toUpperCase().replace(/\s+/g, '');

/** Whether a record's lead label names a model lead ('MLII', 'ii', 'ECG II' for 'II'). */
function sameLead(label: string, modelLead: string): boolean {
  if (norm(label) === norm(modelLead)) return true;
  const a = standardLeadName(label);
  return a !== null && a === standardLeadName(modelLead);
}

export interface LeadChoice {
  /** Record lead per model input (a lead repeats when the record has too few usable leads). */
  indices: number[];
  /** One line, e.g. 'leads used: II as MLII, V1 as V1'. */
  line: string;
  /** The line again, unless every model lead was found by name in its own record lead. */
  warning: string | null;
}

/**
 * Which record leads feed the model's `nLeads` ECG inputs: each model lead by name (its
 * alternatives 'V1|V2' in order) among the usable leads (`usable[i]` false: flat or without
 * signal most of the record), then the remaining inputs by position among the usable leads not
 * yet taken, then a usable lead again; with no usable lead at all, by position.
 */
export function chooseLeads(
  record: Pick<EcgRecord, 'id' | 'leadNames'>,
  nLeads: number,
  modelLeads?: string[],
  usable?: readonly boolean[],
): LeadChoice {
  const names = record.leadNames;
  if (names.length === 0) {
    throw new BeatlensError('lead-mismatch', `record ${record.id} has no leads`);
  }
  const ok = names.map((_, i) => usable?.[i] ?? true);
  const named = modelLeads?.length === nLeads ? modelLeads : undefined;
  const slot = (s: number): string => (named ? named[s].split('|')[0] : `input ${s + 1}`);
  const at: number[] = new Array<number>(nLeads).fill(-1);
  const how: Array<'name' | 'position' | 'again'> = new Array(nLeads).fill('position');
  named?.forEach((m, s) => {
    for (const alt of m.split('|')) {
      const i = names.findIndex((n, k) => ok[k] && !at.includes(k) && sameLead(n, alt));
      if (i >= 0) {
        at[s] = i;
        how[s] = 'name';
        return;
      }
    }
  });
  const free = names.map((_, i) => i).filter((i) => ok[i] && !at.includes(i));
  const nUsable = ok.filter(Boolean).length;
  for (let s = 0; s < nLeads; s++) {
    if (at[s] >= 0) continue;
    if (free.length > 0) at[s] = free.shift()!;
    else if (nUsable > 0) {
      at[s] = at.find((i) => i >= 0) ?? ok.indexOf(true);
      how[s] = 'again';
    } else at[s] = s % names.length;
  }
  const unused = names.filter((_, i) => !ok[i]);
  const why =
    nUsable === 0
      ? `no lead has a usable signal (${names.join(', ')} flat or without signal)`
      : names.length === 1
        ? 'the record has one lead'
        : `the record has ${nUsable === 1 ? 'one usable lead' : `${nUsable} usable leads`}${unused.length ? `; ${unused.join(', ')} flat or without signal` : ''}`;
  const distinct = new Set(at);
  let line: string;
  if (nLeads > 1 && distinct.size === 1) {
    line = `leads used: ${names[at[0]]} in ${nLeads === 2 ? 'both' : `all ${nLeads}`} inputs (${why})`;
  } else {
    const parts = at.map((i, s) => {
      const tag =
        how[s] === 'again' ? ' again' : how[s] === 'position' && named ? ' by position' : '';
      return `${names[i]}${tag} as ${slot(s)}`;
    });
    const note =
      how.some((h) => h === 'again') || nUsable < names.length || nUsable === 0 ? ` (${why})` : '';
    line = `leads used: ${parts.join(', ')}${note}`;
  }
  // Without model lead names, distinct leads by position are all there is to do.
  const exact = how.every((h) => h === (named ? 'name' : 'position'));
  return { indices: at, line, warning: exact ? null : line };
}

/** Non-finite samples and flat runs (≥ minFlatSeconds of one repeated value), merged. */
export function findBadStretches(
  signal: Float32Array,
  fs: number,
  lead: string,
  minFlatSeconds = 1,
): ExcludedStretch[] {
  const out: ExcludedStretch[] = [];
  const pad = Math.round(0.2 * fs);
  const push = (start: number, end: number, reason: ExcludedStretch['reason']): void => {
    const s = Math.max(0, start - pad);
    const e = Math.min(signal.length, end + pad);
    const last = out[out.length - 1];
    if (last && last.reason === reason && s <= last.end) last.end = Math.max(last.end, e);
    else out.push({ start: s, end: e, reason, lead });
  };
  const minFlat = Math.max(2, Math.round(minFlatSeconds * fs));
  let nanStart = -1;
  let flatStart = 0;
  for (let i = 0; i <= signal.length; i++) {
    const v = i < signal.length ? signal[i] : NaN;
    const finite = i < signal.length && Number.isFinite(v);
    if (!finite && i < signal.length) {
      if (nanStart < 0) nanStart = i;
    } else if (nanStart >= 0) {
      push(nanStart, i, 'non-finite');
      nanStart = -1;
    }
    if (i === signal.length || !finite || v !== signal[flatStart]) {
      if (i - flatStart >= minFlat && Number.isFinite(signal[flatStart])) {
        push(flatStart, i, 'flat');
      }
      flatStart = i;
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Runs `model` over a whole record (see the module comment). */
export async function inferRecord(
  model: InferenceModel,
  record: EcgRecord,
  opts: InferRecordOptions = {},
): Promise<RecordInference> {
  const cfg = model.config;
  const fsIn = record.fs;
  const fsOut = cfg.fs;
  if (!(fsIn >= MIN_RECORD_FS)) {
    throw new BeatlensError(
      'fs-too-low',
      `record ${record.id} is sampled at ${fsIn} Hz; beatlens needs at least ${MIN_RECORD_FS} Hz (its QRS detector and the model's 0.5–40 Hz band)`,
    );
  }
  // The model's input: its ECG leads, then any rhythm channels computed from the R peaks.
  const nRhythm = cfg.rhythmChannels ?? 0;
  const nEcg = cfg.nLeads - nRhythm;
  // A lead flat or without signal for most of the record is not chosen while another is usable.
  const badByLead = record.signals.map((x, i) => findBadStretches(x, fsIn, record.leadNames[i]));
  const usable = badByLead.map((x) => coveredFraction(x, record.nSamples) < 0.5);
  const choice = chooseLeads(record, nEcg, opts.info?.leads, usable);
  const { indices, warning, line: leadsLine } = choice;
  const warnings: string[] = warning ? [warning] : [];
  if (Math.abs(fsIn - fsOut) > 1e-9) {
    warnings.push(`record ${record.id} is at ${fsIn} Hz; resampled to the model's ${fsOut} Hz`);
  }
  const leads = indices.map((i) => record.signals[i]);
  const excluded = [...new Set(indices)]
    .flatMap((i) => badByLead[i])
    .sort((a, b) => a.start - b.start);
  const isExcluded = (t: number): boolean => excluded.some((x) => t >= x.start && t < x.end);

  // Beats: annotations, else the detector on the first used lead (bad stretches zeroed).
  let beatSource: RecordInference['beatSource'] = 'annotations';
  let refBeats: Beat[];
  if (opts.beats) {
    refBeats = opts.beats;
  } else {
    beatSource = 'detector';
    // Each lead in use alone, or all of them summed: whichever gives the fewest implausible RR
    // intervals at the record's start (a weak or noisy lead misses or adds beats).
    const inUse = [...new Set(indices)];
    const pick = chooseDetectionLeads(
      inUse.map((i) => record.signals[i]),
      excluded,
      fsIn,
    );
    if (pick.length < inUse.length || pick[0] !== 0) {
      warnings.push(
        `record ${record.id}: R peaks detected on ${pick.map((k) => record.leadNames[inUse[k]]).join(' + ')}`,
      );
    }
    const detectOn = pick.map((k) => record.signals[inUse[k]]);
    refBeats = detectBeats(detectOn, excluded, fsIn).map((sample) => ({
      sample,
      symbol: '?',
      aami: 'Q',
    }));
  }
  const sortedBeats = refBeats
    .filter((b) => b.sample >= 0 && b.sample < record.nSamples)
    .sort((a, b) => a.sample - b.sample)
    .filter((b, i, arr) => i === 0 || b.sample !== arr[i - 1].sample);
  const kept = sortedBeats.filter((b) => !isExcluded(b.sample));
  const nBeatsExcluded = sortedBeats.length - kept.length;

  // Segments at the model's rate, broken at excluded stretches.
  const ratio = fsOut / fsIn;
  const nOut = Math.round(record.nSamples * ratio);
  const runs = splitAtExclusions(kept, excluded);
  type Planned = {
    beats: Beat[];
    positions: number[];
    start: number[];
    end: number[];
    offset: number;
    length: number;
    /** No RR interval reaches back past its first beat (a new run, or a skipped beat before it). */
    breaksRhythm: boolean;
    /** RR from the run's R peak before the first beat, and after the last (rhythm channels). */
    rrBefore?: number;
    rrAfter?: number;
  };
  const planned: Planned[] = [];
  for (const run of runs) {
    const r = run.map((b) => Math.min(nOut - 1, Math.round(b.sample * ratio)));
    const { start, end } = beatBoundaries(r, nOut);
    const { groups } = planSegments(start, end, cfg.nSamples);
    let previousLast = -1;
    for (const [first, last] of groups) {
      const offset = start[first];
      planned.push({
        breaksRhythm: previousLast < 0 || first !== previousLast + 1,
        beats: run.slice(first, last + 1),
        positions: r.slice(first, last + 1).map((x) => x - offset),
        start: start.slice(first, last + 1).map((x) => x - offset),
        end: end.slice(first, last + 1).map((x) => x - offset),
        offset,
        length: end[last] - offset,
        ...rhythmContext(r, first, last),
      });
      previousLast = last;
    }
  }

  // Record-wide z-score statistics of the filtered signals (first pass, chunked).
  const chunkOut = Math.max(cfg.nSamples * 4, Math.round((opts.chunkSeconds ?? 600) * fsOut));
  const marginOut = Math.round(10 * fsOut); // filter transients die out well within 10 s
  const stats = leads.map(() => ({ sum: 0, ss: 0, n: 0 }));
  const bad = new Uint8Array(nOut); // excluded samples stay out of the statistics
  for (const x of excluded) bad.fill(1, Math.floor(x.start * ratio), Math.ceil(x.end * ratio));
  for (let a = 0; a < nOut; a += chunkOut) {
    const b = Math.min(nOut, a + chunkOut);
    const win = filteredWindow(leads, excluded, fsIn, fsOut, a - marginOut, b + marginOut);
    for (let l = 0; l < leads.length; l++) {
      for (let t = a; t < b; t++) {
        const v = win.signals[l][t - win.start];
        if (v === undefined || bad[t]) continue;
        stats[l].sum += v;
        stats[l].ss += v * v;
        stats[l].n++;
      }
    }
  }
  const center = stats.map((s) => (s.n ? s.sum / s.n : 0));
  const inv = stats.map((s, l) => {
    const sd = s.n ? Math.sqrt(Math.max(0, s.ss / s.n - center[l] ** 2)) : 0;
    return sd > 1e-12 ? 1 / sd : 1;
  });

  const classes = cfg.classes;
  const nC = classes.length;
  const normalClass = classes.findIndex(isNormalClass);
  const rule: BeatRule = {
    beatThreshold: opts.beatThreshold ?? opts.info?.beatThreshold ?? 0.5,
    maxCorrelation: opts.maxCorrelation ?? opts.info?.maxCorrelation,
    maxPrematurity: opts.info?.maxPrematurity,
    minCompensation: opts.info?.minCompensation,
    rhythmFreeCorrelation: opts.info?.rhythmFreeCorrelation,
  };
  // Too few beats for a local RR reference: labels from shape and map alone, said in one line.
  const rhythmSigns = kept.length >= MIN_RHYTHM_BEATS;
  if (!rhythmSigns) {
    delete rule.maxPrematurity;
    delete rule.minCompensation;
    warnings.push(
      `record ${record.id} has ${kept.length} beat${kept.length === 1 ? '' : 's'} to analyse, fewer than ${MIN_RHYTHM_BEATS}: beats labelled without rhythm signs (no prematurity or pause test)`,
    );
  }
  // 128 segments a batch: 1.7× the throughput of 32 on wasm, the same outputs (checked on 119, 208, 212).
  const batchSize = opts.batchSize ?? 128;
  const rhythmInput = new Float32Array(nRhythm * cfg.nSamples);
  const beats: InferredBeat[] = [];
  const runStarts = new Set<number>(); // beats no RR interval reaches back past
  const segments: InferredSegment[] = [];
  const shapes: Float32Array[] = [];
  const fromNormalSegment: boolean[] = [];
  const halfShape = Math.max(1, Math.round(0.1 * fsOut)); // ±100 ms around the R peak
  // Per beat and lead, beat-major: QRS amplitude and noise between QRS complexes (quality).
  const beatAmplitude: number[] = [];
  const beatNoise: number[] = [];
  const beatBetween: number[] = [];
  const amplitudeOf = new Float32Array(nEcg);
  const noiseOf = new Float32Array(nEcg);
  const betweenOf = new Float32Array(nEcg);
  let mapSource: RecordInference['mapSource'] =
    cfg.method === 'classifier' ? 'gradxinput' : 'attention';

  // Second pass: chunks of consecutive segments, filtered windows, model batches.
  let s0 = 0;
  while (s0 < planned.length) {
    let s1 = s0;
    const chunkStart = planned[s0].offset;
    while (s1 < planned.length && planned[s1].offset + cfg.nSamples - chunkStart <= chunkOut) s1++;
    if (s1 === s0) s1 = s0 + 1;
    const lo = chunkStart - marginOut;
    const hi = planned[s1 - 1].offset + cfg.nSamples + marginOut;
    const win = filteredWindow(leads, excluded, fsIn, fsOut, lo, hi);
    for (let b = s0; b < s1; b += batchSize) {
      if (opts.signal?.aborted) throw new BeatlensError('cancelled', 'the inference was cancelled');
      const part = planned.slice(b, Math.min(s1, b + batchSize));
      const x = new Float32Array(part.length * cfg.nSamples * cfg.nLeads);
      part.forEach((p, j) => {
        for (let l = 0; l < nEcg; l++) {
          const src = win.signals[l];
          const n = Math.min(p.length, src.length - (p.offset - win.start));
          for (let t = 0; t < n; t++) {
            const v = (src[p.offset + t - win.start] - center[l]) * inv[l];
            x[(j * cfg.nSamples + t) * cfg.nLeads + l] = v;
          }
        }
        if (nRhythm > 0) {
          writeRhythmChannels(
            p.positions.map((position, k) => ({ position, start: p.start[k], end: p.end[k] })),
            cfg.nSamples,
            rhythmInput,
            p,
          );
          for (let r = 0; r < nRhythm; r++) {
            for (let t = 0; t < cfg.nSamples; t++) {
              x[(j * cfg.nSamples + t) * cfg.nLeads + nEcg + r] = rhythmInput[r * cfg.nSamples + t];
            }
          }
        }
      });
      const xt = tf.tensor3d(x, [part.length, cfg.nSamples, cfg.nLeads]);
      let probs: Float32Array;
      let maps: Array<Float32Array | null>;
      try {
        const out = model.forward(xt, false);
        try {
          const p = tf.exp(out.logits);
          probs = (await p.data()) as Float32Array;
          p.dispose();
          if (out.attention) {
            const a = (await out.attention.data()) as Float32Array;
            maps = part.map((_, j) => a.slice(j * cfg.nSamples, (j + 1) * cfg.nSamples));
          } else {
            // Gradient × input, raw (one scale per record), of the predicted class. Beats of
            // segments called normal are N whatever their score, so unless the maps are kept
            // for display only the other segments pay for the backward pass.
            mapSource = 'gradxinput';
            const predicted = part.map((_, j) => argMax(probs.subarray(j * nC, (j + 1) * nC)));
            const rows = part
              .map((_, j) => j)
              .filter((j) => opts.keepMaps || predicted[j] !== normalClass);
            maps = part.map(() => null);
            if (rows.length > 0) {
              const sub = rows.length === part.length ? xt : tf.gather(xt, rows);
              try {
                const g = gradientTimesInput(model, sub, {
                  normalise: false,
                  target: rows.map((j) => predicted[j]),
                });
                rows.forEach((j, k) => (maps[j] = g[k]));
              } finally {
                if (sub !== xt) sub.dispose();
              }
            }
          }
        } finally {
          tf.dispose([out.logits, ...(out.attention ? [out.attention] : [])]);
        }
      } finally {
        xt.dispose();
      }
      if (!probs.every(Number.isFinite)) {
        throw new BeatlensError(
          'model-output',
          `record ${record.id}: the model gave a non-finite probability near sample ${Math.round(part[0].offset / ratio)}; the model or its input is broken`,
        );
      }
      part.forEach((p, j) => {
        const pr = Array.from(probs.subarray(j * nC, (j + 1) * nC));
        const best = argMax(pr);
        const segIndex = segments.length;
        segments.push({
          offset: Math.round(p.offset / ratio),
          length: Math.round(p.length / ratio),
          label: classes[best],
          probabilities: pr,
          ...(opts.keepMaps && maps[j] ? { map: maps[j] } : {}),
        });
        const segBeats = p.positions.map((position, k) => ({
          position,
          start: p.start[k],
          end: p.end[k],
          symbol: '',
          aami: 'N' as const,
        }));
        const map = maps[j];
        const scores = map ? beatScores(map, segBeats, { length: p.length }) : null;
        let top = 0;
        if (scores) for (const v of scores) if (v > top) top = v;
        const abnormal = best !== normalClass;
        if (p.breaksRhythm && beats.length > 0) runStarts.add(beats.length);
        p.beats.forEach((beat, k) => {
          const score = !scores ? NaN : top > 0 && Number.isFinite(scores[k]) ? scores[k] / top : 0;
          shapes.push(beatShape(x, j, p.positions[k], cfg.nSamples, cfg.nLeads, nEcg, halfShape));
          measureBeat(
            x,
            j,
            p.positions[k],
            p.start[k],
            p.end[k],
            cfg.nSamples,
            cfg.nLeads,
            nEcg,
            fsOut,
            amplitudeOf,
            noiseOf,
            betweenOf,
          );
          beatAmplitude.push(...amplitudeOf);
          beatNoise.push(...noiseOf);
          beatBetween.push(...betweenOf);
          fromNormalSegment.push(!abnormal);
          beats.push({
            sample: beat.sample,
            label: 'N', // set by labelBeats once the whole record has been seen
            score,
            correlation: NaN,
            segment: segIndex,
            rrPrev: NaN,
            rrNext: NaN,
            prematurity: NaN,
            compensation: NaN,
            cluster: 0,
            symbol: beatSource === 'annotations' ? beat.symbol : null,
          });
        });
      });
      opts.onProgress?.(segments.length, planned.length);
      await new Promise((r) => setImmediate(r));
    }
    s0 = s1;
  }
  // Each beat's QRS against the record's dominant beat: the median shape of the beats in
  // segments the model called normal (all beats when fewer than 20 are), both leads; its
  // rhythm (RR intervals within its run) and its morphology cluster; then the beat rule.
  const normalShapes = shapes.filter((_, i) => fromNormalSegment[i]);
  const template = medianShape(normalShapes.length >= 20 ? normalShapes : shapes);
  const rhythm = rhythmFeatures(
    beats.map((b) => b.sample),
    fsIn,
    runStarts,
  );
  const clusters = clusterShapes(shapes);
  beats.forEach((b, i) => {
    b.correlation = template ? pearson(shapes[i], template) : NaN;
    Object.assign(b, rhythm[i]);
    b.cluster = clusters[i];
  });
  const ruleLabels = labelBeats(
    beats,
    segments.map((s) => s.label),
    rule,
  );
  // Inside AF or flutter no beat is S: an SVEB is premature against a regular rhythm.
  const inAf = irregularBeats(
    beats.map((b) => b.sample),
    fsIn,
    {},
    { labels: ruleLabels, runStarts },
  );
  const head = opts.info?.beatHead;
  const labels = head
    ? applyBeatHead(
        ruleLabels,
        headProbabilitiesOf(head, beats, fsIn, runStarts),
        beats.map((b) => b.correlation),
        head,
        inAf,
      )
    : ruleLabels.map((l, i) => (l === 'S' && inAf[i] ? 'N' : l));
  const checked = withdrawImplausible(record.id, labels, clusters);
  warnings.push(...checked.warnings);
  beats.forEach((b, i) => (b.label = checked.labels[i]));
  if (normalClass < 0) {
    warnings.push(
      `the model's classes (${classes.join(', ')}) have no NORMAL class: every segment is called abnormal, so every segment flags a beat; train with --task normal-apb-pvc for a scan`,
    );
  }
  const leadNames = indices.map((i) => record.leadNames[i]);
  const quality = recordQuality({
    nSamples: record.nSamples,
    nBeats: beats.length + nBeatsExcluded,
    nBeatsAnalysed: beats.length,
    excluded,
    stats: recordStats(beats, beatAmplitude, beatNoise, beatBetween, nEcg, template),
    leads: leadNames,
    bounds: opts.info?.qualityBounds,
  });
  // Where the scan may be out of its depth, the quality line is a warning too (report, app).
  const q = quality;
  if (q.outOfDistribution || q.noiseLevel === 'high' || q.nBeatsAnalysed < q.nBeats) {
    warnings.push(q.line);
  }
  return {
    recordId: record.id,
    fsRecord: fsIn,
    fsModel: fsOut,
    leads: leadNames,
    leadsLine,
    rhythmSigns,
    quality,
    warnings,
    beatSource,
    mapSource,
    classes,
    beats,
    segments,
    excluded,
    nBeatsExcluded,
  };
}

/** Seconds of record the QRS detector sees at once (records up to this long: in one piece). */
export const DETECT_CHUNK_SECONDS = 3600;

/**
 * R peaks of one lead by the QRS detector, its excluded stretches zeroed. Records longer than
 * DETECT_CHUNK_SECONDS are detected an hour at a time, each hour with 10 s of the record either
 * side so the detector's thresholds have settled at the hour's edges, keeping the peaks inside
 * the hour: memory stays bounded on a 24-h Holter. Peaks within EDGE_SECONDS of the record's
 * ends are dropped.
 */
export function detectBeats(
  lead: Float32Array | readonly Float32Array[],
  excluded: readonly ExcludedStretch[],
  fs: number,
): number[] {
  const leads = lead instanceof Float32Array ? [lead] : lead;
  const edge = Math.round(EDGE_SECONDS * fs);
  const n = leads[0].length;
  return detectInChunks(leads, excluded, fs).filter((p) => p >= edge && p < n - edge);
}

/** Seconds at the start of a record on which the QRS detector's leads are chosen. */
export const DETECT_CHOICE_SECONDS = 600;
/** A record shorter than this keeps its first lead (too few intervals to choose by). */
export const MIN_CHOICE_SECONDS = 60;

/**
 * Which of `leads` the QRS detector runs on (indices into `leads`): each lead alone, or all of
 * them summed (detectQrs), whichever gives the smallest fraction of implausible RR intervals
 * (implausibleRrFraction) over the first DETECT_CHOICE_SECONDS; the first lead is kept unless
 * another choice is better by more than half a percent of the intervals, and a record shorter
 * than MIN_CHOICE_SECONDS keeps it. Label-free: on MIT-BIH
 * DS1 this took QRS Se from 98.08 % (first lead) to 99.49 %.
 */
export function chooseDetectionLeads(
  leads: readonly Float32Array[],
  excluded: readonly ExcludedStretch[],
  fs: number,
): number[] {
  if (leads.length < 2) return leads.map((_, k) => k);
  const n = Math.min(leads[0].length, Math.round(DETECT_CHOICE_SECONDS * fs));
  // Fewer than about a minute of intervals make the fraction too noisy to choose by.
  if (n < Math.round(MIN_CHOICE_SECONDS * fs)) return [0];
  const head = leads.map((l) => sanitized(l.subarray(0, n), excluded));
  const candidates: number[][] = [...leads.map((_, k) => [k]), leads.map((_, k) => k)];
  const score = candidates.map((c) =>
    implausibleRrFraction(
      detectQrs(
        c.map((k) => head[k]),
        fs,
      ),
    ),
  );
  let best = 0;
  for (let c = 1; c < candidates.length; c++) if (score[c] < score[best] - 0.005) best = c;
  return candidates[best];
}

/**
 * Detections this close to the record's first or last sample are dropped: the band-pass
 * filter's transient is there, and no whole QRS fits (a 10-s record's last "beat" 26 ms from its
 * end gave the beat before it a short RR, an S).
 */
export const EDGE_SECONDS = 0.25;

function detectInChunks(
  leads: readonly Float32Array[],
  excluded: readonly ExcludedStretch[],
  fs: number,
): number[] {
  const n = leads[0].length;
  const chunk = Math.round(DETECT_CHUNK_SECONDS * fs);
  const margin = Math.round(10 * fs);
  if (n <= chunk + margin) {
    return detectQrs(
      leads.map((l) => sanitized(l, excluded)),
      fs,
    );
  }
  const out: number[] = [];
  for (let a = 0; a < n; a += chunk) {
    const b = Math.min(n, a + chunk);
    const lo = Math.max(0, a - margin);
    const hi = Math.min(n, b + margin);
    if (hi - lo < Math.round(fs)) break;
    const rel = excluded
      .filter((x) => x.end > lo && x.start < hi)
      .map((x) => ({ ...x, start: Math.max(0, x.start - lo), end: Math.min(hi, x.end) - lo }));
    const part = leads.map((l) => sanitized(l.subarray(lo, hi), rel));
    for (const p of detectQrs(part, fs)) {
      if (p + lo >= a && p + lo < b) out.push(p + lo);
    }
  }
  // A beat seen from both sides of an hour's edge within the refractory period counts once.
  const refractory = Math.round(0.2 * fs);
  return out.filter((s, i) => i === 0 || s - out[i - 1] > refractory);
}

/** Index of the largest value (the first of ties). */
function argMax(v: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < v.length; c++) if (v[c] > v[best]) best = c;
  return best;
}

/** A lead with its excluded stretches (and any other non-finite sample) set to 0. */
function sanitized(signal: Float32Array, excluded: readonly ExcludedStretch[]): Float32Array {
  const out = new Float32Array(signal.length);
  for (let i = 0; i < signal.length; i++) {
    const v = signal[i];
    out[i] = v - v === 0 ? v : 0; // finite (NaN and ±Infinity give NaN)
  }
  for (const x of excluded) out.fill(0, x.start, x.end);
  return out;
}

/** Consecutive beats not separated by an excluded stretch. */
function splitAtExclusions(beats: Beat[], excluded: readonly ExcludedStretch[]): Beat[][] {
  const runs: Beat[][] = [];
  let cur: Beat[] = [];
  let k = 0;
  for (const b of beats) {
    let broke = false;
    while (k < excluded.length && excluded[k].end <= b.sample) {
      broke = true;
      k++;
    }
    if (broke && cur.length > 0) {
      runs.push(cur);
      cur = [];
    }
    cur.push(b);
  }
  if (cur.length > 0) runs.push(cur);
  return runs;
}

/**
 * Leads over model-rate samples [lo, hi) (clamped to the record): sliced at the record's rate,
 * sanitized, resampled, band-passed as in training. Returns the window's first sample.
 */
function filteredWindow(
  leads: Float32Array[],
  excluded: readonly ExcludedStretch[],
  fsIn: number,
  fsOut: number,
  lo: number,
  hi: number,
): { start: number; signals: Float32Array[] } {
  const ratio = fsOut / fsIn;
  const nIn = leads[0].length;
  // Start at a record sample that maps onto a whole model sample.
  let inLo = Math.max(0, Math.floor(lo / ratio));
  const step = resampleStep(fsIn, fsOut);
  inLo -= inLo % step;
  const inHi = Math.min(nIn, Math.ceil(hi / ratio) + step);
  const start = Math.round(inLo * ratio);
  const c = DEFAULT_PREPROCESS;
  const signals = leads.map((lead) => {
    const part = lead.subarray(inLo, inHi);
    const rel = excluded
      .filter((x) => x.end > inLo && x.start < inHi)
      .map((x) => ({
        ...x,
        start: Math.max(0, x.start - inLo),
        end: Math.min(inHi, x.end) - inLo,
      }));
    const clean = sanitized(part, rel);
    const atFs = ratio === 1 ? clean : resample(clean, fsIn, fsOut);
    return bandpassFiltfilt(atFs, fsOut, c.lowHz, c.highHz, c.order);
  });
  return { start, signals };
}

/** Record samples per whole model sample (e.g. 2 for 360 → 180 Hz, 25 for 250 → 180 Hz). */
function resampleStep(fsIn: number, fsOut: number): number {
  if (!Number.isInteger(fsIn) || !Number.isInteger(fsOut)) return 1;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  return fsIn / gcd(fsIn, fsOut);
}

/**
 * Lead-major QRS window of beat `pos` of batch item `j` of an NWC input with `nChannels`
 * channels, its first `nLeads` (the ECG leads, not the rhythm channels); zeros off the end.
 */
function beatShape(
  x: Float32Array,
  j: number,
  pos: number,
  nSamples: number,
  nChannels: number,
  nLeads: number,
  half: number,
): Float32Array {
  const w = 2 * half + 1;
  const out = new Float32Array(nLeads * w);
  for (let l = 0; l < nLeads; l++) {
    for (let d = -half; d <= half; d++) {
      const t = pos + d;
      if (t >= 0 && t < nSamples) out[l * w + d + half] = x[(j * nSamples + t) * nChannels + l];
    }
  }
  return out;
}

/** Element-wise median of equally long shapes (null when there are none). */
function medianShape(shapes: readonly Float32Array[]): Float32Array | null {
  if (shapes.length === 0) return null;
  const n = shapes[0].length;
  const out = new Float32Array(n);
  const col = new Float64Array(shapes.length);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < shapes.length; i++) col[i] = shapes[i][k];
    col.sort();
    const m = col.length >> 1;
    out[k] = col.length % 2 ? col[m] : (col[m - 1] + col[m]) / 2;
  }
  return out;
}
