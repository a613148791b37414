/**
 * Core of the blinded Class I/II/III grade study (the paper's §5.2, done properly): a seeded,
 * class-stratified sample of segments; a deterministic random order per rater; items that carry
 * only what a rater may see (the after-attention signal A ⊙ D and fs); and the summary with class
 * ratios, per-rater counts and Cohen's / Fleiss' kappa. The app (H7) stores and shows; this
 * module decides.
 */
import { csvCell, formatCsv } from '../csv';
import { BeatlensError } from '../errors';
import { createRng } from '../random';
import type { Segment } from '../ecg/types';
import { cohenKappa, fleissKappa, ratingCounts } from './agreement';
import { PAPER_GRADE_PERCENT, gradePercent, type Grade } from './localisation';

export const GRADES: readonly Grade[] = ['I', 'II', 'III'];

/** On-screen definitions (the paper's wording). */
export const GRADE_DEFINITIONS: Readonly<Record<Grade, string>> = {
  I: 'Class I: all abnormal beats kept, all normal beats removed.',
  II: 'Class II: all abnormal beats kept, but some normal beats kept too.',
  III: 'Class III: no clear difference between abnormal and normal beats.',
};

/** 32-bit FNV-1a hash: turns (seed, text) into a seed or an opaque id. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Draws `n` distinct item indices at random, stratified by label: each class gets a share
 * proportional to its size (largest remainder), or an equal share with `allocation: 'balanced'`
 * (capped by what the class has, the rest refilled from the other classes). The returned order
 * is itself shuffled, so it reveals nothing about the classes.
 */
export function drawStudySample(
  items: readonly { label: string }[],
  n: number,
  seed: number,
  opts: { allocation?: 'proportional' | 'balanced' } = {},
): number[] {
  if (!Number.isInteger(n) || n < 1 || n > items.length) {
    throw new BeatlensError(
      'study-sample',
      `study size n=${n} must be an integer in 1..${items.length} (the number of segments)`,
    );
  }
  const byClass = new Map<string, number[]>();
  items.forEach((it, i) => {
    const list = byClass.get(it.label) ?? [];
    list.push(i);
    byClass.set(it.label, list);
  });
  const labels = [...byClass.keys()].sort();
  const rng = createRng(seed);
  for (const l of labels) rng.shuffle(byClass.get(l)!);
  const quota = new Map<string, number>();
  if (opts.allocation === 'balanced') {
    let left = n;
    let open = labels.filter((l) => byClass.get(l)!.length > 0);
    labels.forEach((l) => quota.set(l, 0));
    while (left > 0 && open.length > 0) {
      const share = Math.max(1, Math.floor(left / open.length));
      for (const l of open) {
        if (left === 0) break;
        const take = Math.min(share, byClass.get(l)!.length - quota.get(l)!, left);
        quota.set(l, quota.get(l)! + take);
        left -= take;
      }
      open = open.filter((l) => quota.get(l)! < byClass.get(l)!.length);
    }
  } else {
    const exact = labels.map((l) => (n * byClass.get(l)!.length) / items.length);
    const floor = exact.map(Math.floor);
    let left = n - floor.reduce((s, v) => s + v, 0);
    const order = labels
      .map((_, k) => k)
      .sort((a, b) => exact[b] - floor[b] - (exact[a] - floor[a]) || a - b);
    for (const k of order) {
      if (left === 0) break;
      floor[k]++;
      left--;
    }
    labels.forEach((l, k) => quota.set(l, floor[k]));
  }
  const picked: number[] = [];
  for (const l of labels) picked.push(...byClass.get(l)!.slice(0, quota.get(l)!));
  return rng.shuffle(picked);
}

/** Deterministic random permutation of 0..n-1 for one rater of one study. */
export function raterOrder(studySeed: number, raterId: string, n: number): number[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new BeatlensError('study-order', `raterOrder: n=${n} must be a non-negative integer`);
  }
  const rng = createRng(hash32(`${studySeed >>> 0}:${raterId}`));
  return rng.shuffle(Array.from({ length: n }, (_, i) => i));
}

/** An opaque item id: a hash of the study seed and the sample position, nothing else. */
export function studyItemId(studySeed: number, position: number): string {
  return `item-${hash32(`${studySeed >>> 0}#${position}`)
    .toString(16)
    .padStart(8, '0')}`;
}

/** Exactly what a rater's screen receives for one item. */
export interface BlindedItem {
  itemId: string;
  fs: number;
  nLeads: number;
  nSamples: number;
  /** Real (unpadded) samples. */
  length: number;
  /** After-attention signal A ⊙ D, (nLeads × nSamples) row-major. */
  signal: Float32Array;
}

/**
 * Builds the blinded view of a segment: A ⊙ D and the sample rate only — no label, prediction,
 * probability, record id, offset or beat annotation. `attention` has one value per sample and
 * is broadcast over leads, as in the model.
 */
export function blindedItem(
  segment: Pick<Segment, 'data' | 'nLeads' | 'nSamples' | 'fs' | 'length'>,
  attention: Float32Array,
  opts: { itemId: string },
): BlindedItem {
  const { nLeads, nSamples } = segment;
  if (attention.length !== nSamples) {
    throw new BeatlensError(
      'study-item',
      `attention has ${attention.length} samples but the segment has ${nSamples}`,
    );
  }
  if (segment.data.length !== nLeads * nSamples) {
    throw new BeatlensError(
      'study-item',
      `segment data has ${segment.data.length} values, expected nLeads×nSamples=${nLeads * nSamples}`,
    );
  }
  const signal = new Float32Array(nLeads * nSamples);
  for (let l = 0; l < nLeads; l++) {
    for (let t = 0; t < nSamples; t++) {
      signal[l * nSamples + t] = attention[t] * segment.data[l * nSamples + t];
    }
  }
  return {
    itemId: opts.itemId,
    fs: segment.fs,
    nLeads,
    nSamples,
    length: segment.length,
    signal,
  };
}

/** One grade given by one rater. */
export interface StudyGrade {
  itemId: string;
  raterId: string;
  grade: Grade;
  /** ISO time; informational. */
  gradedAt?: string;
}

export interface StudySummary {
  nItems: number;
  nRaters: number;
  nGrades: number;
  counts: Record<Grade, number>;
  percent: Record<Grade, number>;
  paperPercent: Record<Grade, number>;
  perRater: Array<{ raterId: string; total: number } & Record<Grade, number>>;
  /** Cohen's kappa for every pair of raters over the items both graded. */
  cohen: Array<{ raterA: string; raterB: string; nShared: number; kappa: number }>;
  /** Fleiss' kappa over the items graded by every rater (null with fewer than 2 raters). */
  fleiss: { nItems: number; nRaters: number; kappa: number } | null;
}

/**
 * Summary of a study's grades. A rater who re-grades an item counts once, with the latest grade
 * (later in the array wins).
 */
export function studySummary(grades: readonly StudyGrade[]): StudySummary {
  const latest = new Map<string, Map<string, Grade>>(); // rater → item → grade
  for (const g of grades) {
    if (!GRADES.includes(g.grade)) {
      throw new BeatlensError(
        'study-grade',
        `grade '${g.grade}' for ${g.itemId} is not I, II or III`,
      );
    }
    const m = latest.get(g.raterId) ?? new Map<string, Grade>();
    m.set(g.itemId, g.grade);
    latest.set(g.raterId, m);
  }
  const raters = [...latest.keys()].sort();
  const items = new Set<string>();
  const counts: Record<Grade, number> = { I: 0, II: 0, III: 0 };
  const perRater = raters.map((raterId) => {
    const row = { raterId, total: 0, I: 0, II: 0, III: 0 };
    for (const [item, g] of latest.get(raterId)!) {
      items.add(item);
      row[g]++;
      row.total++;
      counts[g]++;
    }
    return row;
  });
  const cohen: StudySummary['cohen'] = [];
  for (let i = 0; i < raters.length; i++) {
    for (let j = i + 1; j < raters.length; j++) {
      const a = latest.get(raters[i])!;
      const b = latest.get(raters[j])!;
      const shared = [...a.keys()].filter((k) => b.has(k)).sort();
      cohen.push({
        raterA: raters[i],
        raterB: raters[j],
        nShared: shared.length,
        kappa: cohenKappa(
          shared.map((k) => a.get(k)!),
          shared.map((k) => b.get(k)!),
        ),
      });
    }
  }
  let fleiss: StudySummary['fleiss'] = null;
  if (raters.length >= 2) {
    const common = [...items].filter((k) => raters.every((r) => latest.get(r)!.has(k))).sort();
    const perItem = common.map((k) => raters.map((r) => latest.get(r)!.get(k)!));
    fleiss = {
      nItems: common.length,
      nRaters: raters.length,
      kappa: common.length === 0 ? NaN : fleissKappa(ratingCounts(perItem, GRADES)),
    };
  }
  return {
    nItems: items.size,
    nRaters: raters.length,
    nGrades: counts.I + counts.II + counts.III,
    counts,
    percent: gradePercent(counts),
    paperPercent: { ...PAPER_GRADE_PERCENT },
    perRater,
    cohen,
    fleiss,
  };
}

/** One row per grade: itemId,raterId,grade,gradedAt. */
export function gradesToCsv(grades: readonly StudyGrade[]): string {
  const rows = [['itemId', 'raterId', 'grade', 'gradedAt']];
  for (const g of grades) rows.push([g.itemId, g.raterId, g.grade, g.gradedAt ?? '']);
  return formatCsv(rows[0], rows.slice(1));
}

/** Summary as CSV: one section per table (ratios, per-rater counts, kappas). */
export function summaryToCsv(s: StudySummary): string {
  const lines: string[] = ['section,key,I,II,III,total_or_kappa'];
  const fmt = (v: number): string => (Number.isFinite(v) ? String(Number(v.toFixed(4))) : '');
  lines.push(['ratio', 'study %', ...GRADES.map((g) => fmt(s.percent[g])), s.nGrades].join(','));
  lines.push(['ratio', 'paper %', ...GRADES.map((g) => fmt(s.paperPercent[g])), ''].join(','));
  for (const r of s.perRater) {
    lines.push(['rater', csvCell(r.raterId), r.I, r.II, r.III, r.total].join(','));
  }
  for (const c of s.cohen) {
    lines.push(
      [
        'cohen',
        csvCell(`${c.raterA} vs ${c.raterB} (n=${c.nShared})`),
        '',
        '',
        '',
        fmt(c.kappa),
      ].join(','),
    );
  }
  if (s.fleiss) {
    lines.push(
      [
        'fleiss',
        `${s.fleiss.nRaters} raters (n=${s.fleiss.nItems})`,
        '',
        '',
        '',
        fmt(s.fleiss.kappa),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** Grades and summary as one JSON document (NaN written as null). */
export function studyToJson(grades: readonly StudyGrade[], summary: StudySummary): string {
  return JSON.stringify(
    { summary, grades },
    (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  );
}
