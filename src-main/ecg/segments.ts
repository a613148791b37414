/**
 * The paper's segment builder. Beats are walked in order; each beat spans from halfway after
 * the previous R peak to halfway before the next (first/last beat: half the neighbouring RR
 * interval on the open side). Consecutive beats are accumulated into a segment until adding the
 * next beat would make it longer than `maxSamples`; the segment is then closed, zero-padded to
 * `maxSamples`, and a new one starts with that beat. A task's rule table decides which closed
 * segments are kept and with which label (e.g. only N + ≥1 V → 'PVC').
 */
import { BeatlensError } from '../errors';
import type { Beat, EcgRecord, Segment, SegmentBeat, SegmentDataset } from './types';

/** Built-in labelling tasks; add an entry to TASK_RULES to add one. */
export type TaskName = 'pvc-apb' | 'normal-apb-pvc' | 'pvc-origin';

/**
 * What counts as a "normal" beat. 'symbol': only the MIT-BIH symbol 'N' (default; the paper
 * says "normal beats", and the N-symbol reading keeps bundle-branch-block beats L/R and escape
 * beats e/j out). 'aami': any beat of AAMI class N (N, L, R, e, j).
 */
export type NormalBeatRule = 'symbol' | 'aami';

export interface TaskContext {
  record: EcgRecord;
  isNormal(beat: SegmentBeat): boolean;
  /** A label that belongs to the whole record (e.g. 'LVOT' for the origin task). */
  recordLabel?: string;
}

/** One labelling task: its classes and the rule that labels (or discards, null) a segment. */
export interface TaskRule {
  name: string;
  classes: string[];
  label(beats: SegmentBeat[], ctx: TaskContext): string | null;
}

/**
 * The paper's reading of "normal + PVC" (or APB) segments: only normal beats and beats with
 * exactly symbol `symbol`, at least one of each. Without the ≥1-normal condition, runs of
 * ectopic beats alone (record 232 has no 'N' beat at all) would count as APB segments.
 */
function onlyNormalPlus(beats: SegmentBeat[], ctx: TaskContext, symbol: string): boolean {
  let nAbnormal = 0;
  let nNormal = 0;
  for (const b of beats) {
    if (b.symbol === symbol) nAbnormal++;
    else if (ctx.isNormal(b)) nNormal++;
    else return false;
  }
  return nAbnormal > 0 && nNormal > 0;
}

export const TASK_RULES: Record<TaskName, TaskRule> = {
  /** Paper task 1: N + PVC ('V') segments vs N + APB ('A') segments. */
  'pvc-apb': {
    name: 'pvc-apb',
    classes: ['APB', 'PVC'],
    label(beats, ctx) {
      if (onlyNormalPlus(beats, ctx, 'V')) return 'PVC';
      if (onlyNormalPlus(beats, ctx, 'A')) return 'APB';
      return null;
    },
  },
  /**
   * Beyond the paper: the PVC/APB task plus a third class for segments of normal beats only, so
   * a model must tell "normal only" from "normal + PVC" (what a clinic's scan needs, and a lever
   * that keeps the attention off the normal beats).
   */
  'normal-apb-pvc': {
    name: 'normal-apb-pvc',
    classes: ['APB', 'NORMAL', 'PVC'],
    label(beats, ctx) {
      if (beats.length > 0 && beats.every((b) => ctx.isNormal(b))) return 'NORMAL';
      return TASK_RULES['pvc-apb'].label(beats, ctx);
    },
  },
  /** Paper task 2: N + PVC segments labelled with the record's PVC origin (LVOT/RVOT). */
  'pvc-origin': {
    name: 'pvc-origin',
    classes: ['LVOT', 'RVOT'],
    label(beats, ctx) {
      if (!ctx.recordLabel) {
        throw new BeatlensError(
          'segment-config',
          `record ${ctx.record.id}: task pvc-origin needs a per-record origin label (recordLabel)`,
        );
      }
      return onlyNormalPlus(beats, ctx, 'V') ? ctx.recordLabel : null;
    },
  },
};

export interface BuildSegmentsOptions {
  /** Longest segment in samples; every segment is zero-padded to this (2000 at 360 Hz). */
  maxSamples: number;
  task: TaskName | TaskRule;
  /** Default 'symbol' (only 'N' is normal). */
  normal?: NormalBeatRule;
  /** Per-record label for tasks that need one (pvc-origin). */
  recordLabel?: string;
}

export interface SegmentBuildReport {
  segments: Segment[];
  /** Beats inside the record that were walked. */
  nBeats: number;
  /** Segments formed by accumulation, before the task rule. */
  nCandidates: number;
  /** Kept segments per label. */
  counts: Record<string, number>;
  /** Candidates the rule rejected (all normal, mixed abnormal types, other symbols). */
  nDiscarded: number;
  /** Of those, segments whose beats were all normal. */
  nAllNormal: number;
  /** Beats longer than maxSamples on their own (long pauses): they break the walk. */
  nBeatsTooLong: number;
}

/**
 * Beat boundaries for sorted R-peak samples: beat i spans [start[i], end[i]) with the boundary
 * between beats i and i+1 at round((r_i + r_{i+1}) / 2); the first beat starts half the first RR
 * before its R peak and the last ends half the last RR after it, clamped to [0, nSamples].
 */
export function beatBoundaries(
  rPeaks: number[],
  nSamples: number,
): { start: number[]; end: number[] } {
  const n = rPeaks.length;
  const start = new Array<number>(n);
  const end = new Array<number>(n);
  if (n === 0) return { start, end };
  if (n === 1) {
    // No neighbour: the beat is the whole record (clamped by the caller's maxSamples check).
    return { start: [0], end: [nSamples] };
  }
  for (let i = 0; i + 1 < n; i++) {
    const mid = Math.round((rPeaks[i] + rPeaks[i + 1]) / 2);
    end[i] = mid;
    start[i + 1] = mid;
  }
  start[0] = Math.max(0, rPeaks[0] - Math.round((rPeaks[1] - rPeaks[0]) / 2));
  end[n - 1] = Math.min(nSamples, rPeaks[n - 1] + Math.round((rPeaks[n - 1] - rPeaks[n - 2]) / 2));
  return { start, end };
}

/**
 * The paper's accumulation over beats with boundaries [start[i], end[i]): consecutive beats join
 * a segment until the next would make it longer than `maxSamples`; a beat longer than that on
 * its own closes the segment and is skipped. Returns each segment's first and last beat index.
 * The one implementation of the walk: training segments and whole-record inference use it.
 */
export function planSegments(
  start: readonly number[],
  end: readonly number[],
  maxSamples: number,
): { groups: Array<[number, number]>; nBeatsTooLong: number } {
  const groups: Array<[number, number]> = [];
  let nBeatsTooLong = 0;
  const close = (first: number, last: number): void => {
    if (last >= first) groups.push([first, last]);
  };
  let first = 0;
  for (let i = 0; i < start.length; i++) {
    if (end[i] - start[i] > maxSamples) {
      // A single beat that cannot fit anywhere: close what we have and restart after it.
      close(first, i - 1);
      nBeatsTooLong++;
      first = i + 1;
      continue;
    }
    if (end[i] - start[first] > maxSamples) {
      close(first, i - 1);
      first = i;
    }
  }
  close(first, start.length - 1);
  return { groups, nBeatsTooLong };
}

function resolveTask(task: TaskName | TaskRule): TaskRule {
  if (typeof task !== 'string') return task;
  const rule = TASK_RULES[task];
  if (!rule) {
    throw new BeatlensError(
      'segment-config',
      `unknown segment task '${String(task)}'; expected one of ${Object.keys(TASK_RULES).join(', ')}`,
    );
  }
  return rule;
}

/**
 * The RR context of the segment holding beats `first..last` of `positions` (a record's or a
 * run's R peaks, sorted): the interval from the peak before `first`, and to the peak after
 * `last`, each absent at the ends. The segment builder and inferRecord both take it from here,
 * so training and inference see the same edges (the rhythm channels, rhythm-channels.ts).
 */
export function rhythmContext(
  positions: readonly number[],
  first: number,
  last: number,
): Pick<Segment, 'rrBefore' | 'rrAfter'> {
  return {
    ...(first > 0 ? { rrBefore: positions[first] - positions[first - 1] } : {}),
    ...(last < positions.length - 1 ? { rrAfter: positions[last + 1] - positions[last] } : {}),
  };
}

/** Segment one record and report what was kept and discarded. */
export function segmentRecord(
  record: EcgRecord,
  beats: Beat[],
  opts: BuildSegmentsOptions,
): SegmentBuildReport {
  const { maxSamples } = opts;
  if (!Number.isInteger(maxSamples) || maxSamples < 2) {
    throw new BeatlensError(
      'segment-config',
      `maxSamples=${maxSamples} must be an integer ≥ 2 (samples per segment)`,
    );
  }
  const rule = resolveTask(opts.task);
  const normalRule = opts.normal ?? 'symbol';
  const ctx: TaskContext = {
    record,
    recordLabel: opts.recordLabel,
    isNormal: normalRule === 'aami' ? (b) => b.aami === 'N' : (b) => b.symbol === 'N',
  };
  // Beats in order, inside the record, one per sample.
  const sorted = beats
    .filter((b) => b.sample >= 0 && b.sample < record.nSamples)
    .sort((a, b) => a.sample - b.sample)
    .filter((b, i, arr) => i === 0 || b.sample !== arr[i - 1].sample);
  const samples = sorted.map((b) => b.sample);
  const { start, end } = beatBoundaries(samples, record.nSamples);
  const report: SegmentBuildReport = {
    segments: [],
    nBeats: sorted.length,
    nCandidates: 0,
    counts: Object.fromEntries(rule.classes.map((c) => [c, 0])),
    nDiscarded: 0,
    nAllNormal: 0,
    nBeatsTooLong: 0,
  };
  const close = (first: number, last: number) => {
    report.nCandidates++;
    const offset = start[first];
    const segBeats: SegmentBeat[] = [];
    for (let i = first; i <= last; i++) {
      segBeats.push({
        position: sorted[i].sample - offset,
        start: start[i] - offset,
        end: end[i] - offset,
        symbol: sorted[i].symbol,
        aami: sorted[i].aami,
      });
    }
    const label = rule.label(segBeats, ctx);
    if (label === null) {
      report.nDiscarded++;
      if (segBeats.every((b) => ctx.isNormal(b))) report.nAllNormal++;
      return;
    }
    const length = end[last] - offset;
    const nLeads = record.signals.length;
    const data = new Float32Array(nLeads * maxSamples);
    for (let l = 0; l < nLeads; l++) {
      data.set(record.signals[l].subarray(offset, offset + length), l * maxSamples);
    }
    report.counts[label] = (report.counts[label] ?? 0) + 1;
    report.segments.push({
      recordId: record.id,
      patientId: record.patientId,
      offset,
      length,
      nLeads,
      nSamples: maxSamples,
      fs: record.fs,
      label,
      beats: segBeats,
      ...rhythmContext(samples, first, last),
      data,
    });
  };
  const plan = planSegments(start, end, maxSamples);
  report.nBeatsTooLong = plan.nBeatsTooLong;
  for (const [first, last] of plan.groups) close(first, last);
  return report;
}

/** The paper's segments of one record (see segmentRecord for the counts). */
export function buildSegments(
  record: EcgRecord,
  beats: Beat[],
  opts: BuildSegmentsOptions,
): Segment[] {
  return segmentRecord(record, beats, opts).segments;
}

/**
 * Pack equally shaped segments into a dataset. `classes` fixes the label order (y indexes it);
 * every segment's label must be one of them.
 */
export function segmentsToDataset(segments: Segment[], classes: string[]): SegmentDataset {
  if (classes.length === 0 || new Set(classes).size !== classes.length) {
    throw new BeatlensError(
      'dataset-classes',
      `classes [${classes.join(', ')}] must be non-empty and distinct`,
    );
  }
  const ref = segments[0];
  const nLeads = ref?.nLeads ?? 0;
  const nSamples = ref?.nSamples ?? 0;
  const fs = ref?.fs ?? 0;
  const per = nLeads * nSamples;
  const x = new Float32Array(segments.length * per);
  const y = new Int32Array(segments.length);
  const meta: SegmentDataset['meta'] = [];
  segments.forEach((s, i) => {
    const where = `segment ${i} (record ${s.recordId}, offset ${s.offset})`;
    if (s.nLeads !== nLeads || s.nSamples !== nSamples || s.fs !== fs) {
      throw new BeatlensError(
        'dataset-shape',
        `${where}: ${s.nLeads} leads × ${s.nSamples} samples at ${s.fs} Hz but the first segment is ${nLeads} × ${nSamples} at ${fs} Hz`,
      );
    }
    if (s.data.length !== per) {
      throw new BeatlensError(
        'dataset-shape',
        `${where}: data has ${s.data.length} values, expected nLeads×nSamples=${per}`,
      );
    }
    const k = classes.indexOf(s.label);
    if (k < 0) {
      throw new BeatlensError(
        'dataset-label',
        `${where}: label '${s.label}' is not one of the classes [${classes.join(', ')}]`,
      );
    }
    x.set(s.data, i * per);
    y[i] = k;
    meta.push({
      recordId: s.recordId,
      patientId: s.patientId,
      offset: s.offset,
      length: s.length,
      beats: s.beats,
      label: s.label,
      ...(s.rrBefore !== undefined ? { rrBefore: s.rrBefore } : {}),
      ...(s.rrAfter !== undefined ? { rrAfter: s.rrAfter } : {}),
    });
  });
  return { classes: [...classes], nLeads, nSamples, fs, x, y, meta };
}
