/**
 * Blinded Class I/II/III grade studies (the paper's §5.2). A study freezes, at creation, which
 * segments it holds (seeded, stratified by class) and the attention the model gave each one, so
 * every rater grades the same after-attention signal A ⊙ D. Raters see items in their own seeded
 * order and receive only that signal: never the label, the model's answer, or others' grades.
 * Every grade is written to disk at once (temp file + rename), so a study survives a crash and
 * can be paused and resumed.
 */
import { toJsonArray } from './decimate';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Segment, SegmentDataset } from '../ecg/types';
import { BeatlensError } from '../errors';
import type {
  BlindedStudyItem,
  ExportResult,
  Grade,
  StudyProgress,
  StudySummary,
} from '../ipc/contract';
import {
  blindedItem,
  drawStudySample,
  gradesToCsv,
  raterOrder,
  studyItemId,
  studySummary,
  studyToJson,
  summaryToCsv,
} from '../evaluate/study';
import type { StudyGrade } from '../evaluate/study';

/** Where a study's segments come from: the demo set (by index) or the store (by segment id). */
export type PoolName = 'demo' | 'store';

export interface StudyPool {
  name: PoolName;
  /** Segment references (dataset index or store segment id), with their labels. */
  refs: number[];
  labels: string[];
  segment(ref: number): Pick<Segment, 'data' | 'nLeads' | 'nSamples' | 'fs' | 'length'>;
}

/** A study pool over an in-memory dataset (refs are indices). */
export function datasetPool(ds: SegmentDataset, name: PoolName = 'demo'): StudyPool {
  const segSize = ds.nLeads * ds.nSamples;
  return {
    name,
    refs: Array.from(ds.y, (_, i) => i),
    labels: Array.from(ds.y, (c) => ds.classes[c]),
    segment: (i) => ({
      data: ds.x.subarray(i * segSize, (i + 1) * segSize),
      nLeads: ds.nLeads,
      nSamples: ds.nSamples,
      fs: ds.fs,
      length: ds.meta[i].length,
    }),
  };
}

/** What is stored for a study (never sent to the renderer as such). */
export interface StoredStudy {
  id: string;
  name: string;
  seed: number;
  raters: string[];
  createdAt: string;
  modelNote: string;
  /** Absent in studies written before pools existed: 'demo'. */
  pool?: PoolName;
  /** `segmentIndex` is the pool reference: a demo dataset index or a store segment id. */
  items: Array<{ itemId: string; segmentIndex: number; label: string; attention: number[] }>;
  /** rater → item position (drawn order, not rater order) → grade. */
  grades: Record<string, Record<number, { grade: Grade; at: string }>>;
}

export class StudyService {
  private readonly studies = new Map<string, StoredStudy>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const s = JSON.parse(readFileSync(join(dir, f), 'utf8')) as StoredStudy;
      this.studies.set(s.id, s);
    }
  }

  private save(s: StoredStudy): void {
    const file = join(this.dir, `${s.id}.json`);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(s));
    renameSync(tmp, file);
  }

  private get(studyId: string): StoredStudy {
    const s = this.studies.get(studyId);
    if (!s) throw new BeatlensError('study-not-found', `study '${studyId}' does not exist`);
    return s;
  }

  private checkRater(s: StoredStudy, raterId: string): void {
    if (!s.raters.includes(raterId)) {
      throw new BeatlensError(
        'study-unknown-rater',
        `rater '${raterId}' is not part of study '${s.id}' (raters: ${s.raters.join(', ')})`,
      );
    }
  }

  private summary(s: StoredStudy): StudySummary {
    const graded: Record<string, number> = {};
    for (const r of s.raters) graded[r] = Object.keys(s.grades[r] ?? {}).length;
    return {
      id: s.id,
      name: s.name,
      nItems: s.items.length,
      raters: s.raters,
      seed: s.seed,
      createdAt: s.createdAt,
      graded,
    };
  }

  list(): StudySummary[] {
    return [...this.studies.values()]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((s) => this.summary(s));
  }

  /**
   * Creates a study over `pool`; `attentionFor(refs)` gives the model's attention (one value per
   * sample, scaled to [0, 1]) for the drawn segments.
   */
  create(
    args: { name: string; nItems: number; raters: string[]; seed: number },
    pool: StudyPool,
    attentionFor: (refs: number[]) => Float32Array[],
    modelNote: string,
  ): StudySummary {
    const raters = [...new Set(args.raters.map((r) => r.trim()).filter(Boolean))];
    if (raters.length === 0) throw new BeatlensError('study-no-raters', 'a study needs a rater');
    const labels = pool.labels;
    const indices = drawStudySample(
      labels.map((label) => ({ label })),
      args.nItems,
      args.seed,
    );
    const attention = attentionFor(indices.map((i) => pool.refs[i]));
    const id = `s${Date.now().toString(36)}${(args.seed % 1000).toString(36)}`;
    const study: StoredStudy = {
      id,
      name: args.name,
      seed: args.seed,
      raters,
      createdAt: new Date().toISOString(),
      modelNote,
      pool: pool.name,
      items: indices.map((i, k) => ({
        itemId: studyItemId(args.seed, k),
        segmentIndex: pool.refs[i],
        label: labels[i],
        attention: Array.from(attention[k], (v) => Math.round(v * 1000) / 1000),
      })),
      grades: Object.fromEntries(raters.map((r) => [r, {}])),
    };
    this.studies.set(id, study);
    this.save(study);
    return this.summary(study);
  }

  /** The blinded view of the item at `index` of this rater's order. */
  item(
    args: { studyId: string; raterId: string; index: number },
    poolFor: (name: PoolName) => StudyPool,
  ): BlindedStudyItem {
    const s = this.get(args.studyId);
    this.checkRater(s, args.raterId);
    const n = s.items.length;
    if (args.index >= n) {
      throw new BeatlensError(
        'study-index',
        `item index ${args.index} is out of range (study has ${n} items)`,
      );
    }
    const itemIdx = raterOrder(s.seed, args.raterId, n)[args.index];
    const item = s.items[itemIdx];
    const segment = poolFor(s.pool ?? 'demo').segment(item.segmentIndex);
    const { nLeads, nSamples } = segment;
    const blinded = blindedItem(segment, Float32Array.from(item.attention), {
      itemId: item.itemId,
    });
    const signal: number[][] = [];
    for (let l = 0; l < nLeads; l++) {
      signal.push(toJsonArray(blinded.signal.subarray(l * nSamples, (l + 1) * nSamples)));
    }
    // Built field by field so nothing but what BlindedStudyItem allows can reach the renderer.
    return {
      studyId: s.id,
      raterId: args.raterId,
      index: args.index,
      total: n,
      fs: blinded.fs,
      nLeads: blinded.nLeads,
      nSamples: blinded.nSamples,
      signal,
      grade: s.grades[args.raterId]?.[itemIdx]?.grade ?? null,
    };
  }

  progress(args: { studyId: string; raterId: string }): StudyProgress {
    const s = this.get(args.studyId);
    this.checkRater(s, args.raterId);
    const n = s.items.length;
    const order = raterOrder(s.seed, args.raterId, n);
    const mine = s.grades[args.raterId] ?? {};
    const next = order.findIndex((itemIdx) => !mine[itemIdx]);
    return {
      studyId: s.id,
      raterId: args.raterId,
      done: Object.keys(mine).length,
      total: n,
      nextIndex: next < 0 ? null : next,
    };
  }

  grade(args: { studyId: string; raterId: string; index: number; grade: Grade }): StudyProgress {
    const s = this.get(args.studyId);
    this.checkRater(s, args.raterId);
    const n = s.items.length;
    if (args.index >= n) {
      throw new BeatlensError(
        'study-index',
        `item index ${args.index} is out of range (study has ${n} items)`,
      );
    }
    const itemIdx = raterOrder(s.seed, args.raterId, n)[args.index];
    (s.grades[args.raterId] ??= {})[itemIdx] = { grade: args.grade, at: new Date().toISOString() };
    this.save(s);
    return this.progress(args);
  }

  /** Every saved grade, with opaque item ids (what H8's summary and exports take). */
  private allGrades(s: StoredStudy): StudyGrade[] {
    return s.raters.flatMap((r) =>
      Object.entries(s.grades[r] ?? {}).map(([k, v]) => ({
        itemId: s.items[Number(k)].itemId,
        raterId: r,
        grade: v.grade,
        gradedAt: v.at,
      })),
    );
  }

  /**
   * Export for the analyst (after grading): grade ratios, per-rater counts, Cohen's and Fleiss'
   * kappa, every grade, and the key from item id to segment and true class.
   */
  export(args: { studyId: string; format: 'csv' | 'json' }): ExportResult {
    const s = this.get(args.studyId);
    const grades = this.allGrades(s);
    const summary = studySummary(grades);
    const key = s.items.map((it) => ({
      itemId: it.itemId,
      segmentIndex: it.segmentIndex,
      label: it.label,
    }));
    const base = `study-${s.id}`;
    if (args.format === 'json') {
      const doc = JSON.parse(studyToJson(grades, summary)) as Record<string, unknown>;
      const json = { study: this.summary(s), modelNote: s.modelNote, ...doc, items: key };
      return {
        fileName: `${base}.json`,
        mimeType: 'application/json',
        text: JSON.stringify(json, null, 2),
      };
    }
    const keyCsv = [
      'itemId,segmentIndex,label',
      ...key.map((k) => `${k.itemId},${k.segmentIndex},${k.label}`),
    ];
    const text = [summaryToCsv(summary), gradesToCsv(grades), keyCsv.join('\n') + '\n'].join('\n');
    return { fileName: `${base}.csv`, mimeType: 'text/csv', text };
  }
}
