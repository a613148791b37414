/**
 * Blinded Class I/II/III grade studies (the paper's §5.2), kept in the SQLite store. A study
 * freezes, at creation, which stored segments it holds (seeded, stratified by class) and the
 * attention the model gave each one (a copy per item), so every rater grades the same
 * after-attention signal A ⊙ D even after the model changes. Raters see items in their own seeded
 * order and receive only that signal: never the label, the model's answer, or others' grades.
 * Every grade is one committed row, written when it is given, so a study survives a crash and
 * can be paused and resumed.
 */
import { toJsonArray } from './decimate';
import { csvCell } from '../csv';
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
import type { Store, StoredSegmentInfo, StoredStudy, StoredGrade } from '../store/index';
import { studyIdFromIpc, studyIdToIpc } from './store-ids';

/** Where a study's segments come from: the built-in synthetic demo, or other stored segments. */
export type PoolName = 'demo' | 'store';

/** Stored segments a study may draw from. */
export interface StudyPool {
  name: PoolName;
  segments: readonly Pick<StoredSegmentInfo, 'id' | 'label'>[];
}

/** The model whose attention a study's items carry. */
export interface StudyModel {
  id: string;
  name: string;
  /** Weights identity (id@sha256). */
  key: string;
}

/** What the app keeps in a study's `config` column. */
interface StudyConfig {
  pool?: PoolName;
  /** Older builds kept a note instead of the model. */
  modelNote?: string;
  model?: StudyModel;
  /** Segments of the pool left out because the model trained on them. */
  excludedTrainingSegments?: number;
}

export class StudyService {
  constructor(private readonly store: Store) {}

  private get(studyId: string): StoredStudy {
    const s = this.store.studies.get(studyIdFromIpc(studyId));
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

  /** The drawn-sample position of `index` in this rater's order. */
  private position(s: StoredStudy, raterId: string, index: number): number {
    if (index >= s.nItems) {
      throw new BeatlensError(
        'study-index',
        `item index ${index} is out of range (study has ${s.nItems} items)`,
      );
    }
    return raterOrder(s.seed, raterId, s.nItems)[index];
  }

  private ratersGrades(s: StoredStudy, raterId: string): StoredGrade[] {
    return this.store.studies.grades(s.id).filter((g) => g.rater === raterId);
  }

  private summary(s: StoredStudy): StudySummary {
    const config = (s.config ?? {}) as StudyConfig;
    return {
      id: studyIdToIpc(s.id),
      name: s.name,
      nItems: s.nItems,
      raters: s.raters,
      seed: s.seed,
      createdAt: s.createdAt,
      graded: this.store.studies.progress(s.id),
      model: config.model?.name ?? config.modelNote ?? null,
    };
  }

  list(): StudySummary[] {
    return this.store.studies.list().map((s) => this.summary(s));
  }

  /**
   * Creates a study over `pool` (already without the model's training segments) in one
   * transaction (study, raters, items); `attentionFor(ids)` gives the model's attention (one
   * value per sample, in [0, 1]) for the drawn segment ids. Nothing is written until it has.
   */
  async create(
    args: { name: string; nItems: number; raters: string[]; seed: number },
    pool: StudyPool,
    attentionFor: (segmentIds: number[]) => Float32Array[] | Promise<Float32Array[]>,
    model: StudyModel,
    excludedTrainingSegments = 0,
  ): Promise<StudySummary> {
    const raters = [...new Set(args.raters.map((r) => r.trim()).filter(Boolean))];
    if (raters.length === 0) throw new BeatlensError('study-no-raters', 'a study needs a rater');
    const drawn = drawStudySample(pool.segments, args.nItems, args.seed).map(
      (i) => pool.segments[i].id,
    );
    const attention = await attentionFor(drawn);
    const config: StudyConfig = { pool: pool.name, model, excludedTrainingSegments };
    const s = this.store.studies.create({
      name: args.name,
      seed: args.seed,
      config,
      raters,
      items: drawn.map((segmentId, k) => ({
        segmentId,
        attention: attention[k],
        key: studyItemId(args.seed, k),
      })),
    });
    return this.summary(s);
  }

  /** The blinded view of the item at `index` of this rater's order. */
  item(args: { studyId: string; raterId: string; index: number }): BlindedStudyItem {
    const s = this.get(args.studyId);
    this.checkRater(s, args.raterId);
    const position = this.position(s, args.raterId, args.index);
    const item = this.store.studies.item(s.id, position);
    const segment = item && this.store.segments.get(item.segmentId);
    if (!item || !segment) {
      throw new BeatlensError(
        'study-segment',
        `item ${position} of study ${s.id} or its segment is no longer in the store`,
      );
    }
    const blinded = blindedItem(segment, item.attention, {
      itemId: item.key ?? studyItemId(s.seed, position),
    });
    const { nLeads, nSamples } = blinded;
    const signal: number[][] = [];
    for (let l = 0; l < nLeads; l++) {
      signal.push(toJsonArray(blinded.signal.subarray(l * nSamples, (l + 1) * nSamples)));
    }
    const own = this.ratersGrades(s, args.raterId).find((g) => g.position === position);
    // Built field by field so nothing but what BlindedStudyItem allows can reach the renderer.
    return {
      studyId: studyIdToIpc(s.id),
      raterId: args.raterId,
      index: args.index,
      total: s.nItems,
      fs: blinded.fs,
      nLeads,
      nSamples,
      signal,
      grade: own ? own.grade : null,
    };
  }

  progress(args: { studyId: string; raterId: string }): StudyProgress {
    const s = this.get(args.studyId);
    this.checkRater(s, args.raterId);
    const done = new Set(this.ratersGrades(s, args.raterId).map((g) => g.position));
    const next = raterOrder(s.seed, args.raterId, s.nItems).findIndex((p) => !done.has(p));
    return {
      studyId: studyIdToIpc(s.id),
      raterId: args.raterId,
      done: done.size,
      total: s.nItems,
      nextIndex: next < 0 ? null : next,
    };
  }

  /** Saves one grade at once (a regrade replaces the rater's row for the item). */
  grade(args: { studyId: string; raterId: string; index: number; grade: Grade }): StudyProgress {
    const s = this.get(args.studyId);
    this.checkRater(s, args.raterId);
    const item = this.store.studies.item(s.id, this.position(s, args.raterId, args.index));
    if (!item) {
      throw new BeatlensError('study-segment', `item ${args.index} of study ${s.id} is missing`);
    }
    this.store.studies.grade({
      itemId: item.id,
      raterId: this.store.studies.rater(args.raterId),
      grade: args.grade,
    });
    return this.progress(args);
  }

  /**
   * Export for the analyst (after grading): grade ratios, per-rater counts, Cohen's and Fleiss'
   * kappa, every grade, and the key from item id to stored segment, record and true class.
   */
  export(args: { studyId: string; format: 'csv' | 'json' }): ExportResult {
    const s = this.get(args.studyId);
    const items = this.store.studies.items(s.id);
    const keyOf = (position: number): string =>
      items[position]?.key ?? studyItemId(s.seed, position);
    const grades: StudyGrade[] = this.store.studies.grades(s.id).map((g) => ({
      itemId: g.itemKey ?? keyOf(g.position),
      raterId: g.rater,
      grade: g.grade,
      gradedAt: g.gradedAt,
    }));
    const summary = studySummary(grades);
    const used = new Set(items.map((it) => it.segmentId));
    const info = new Map(
      this.store.segments
        .list()
        .filter((x) => used.has(x.id))
        .map((x) => [x.id, x]),
    );
    const key = items.map((it) => {
      const seg = info.get(it.segmentId);
      return {
        itemId: keyOf(it.position),
        segmentId: it.segmentId,
        recordId: seg?.recordId ?? '',
        offset: seg?.offset ?? -1,
        label: seg?.label ?? '',
      };
    });
    const config = (s.config ?? {}) as StudyConfig;
    const base = `study-${s.id}`;
    if (args.format === 'json') {
      const doc = JSON.parse(studyToJson(grades, summary)) as Record<string, unknown>;
      const json = {
        study: this.summary(s),
        pool: config.pool ?? null,
        model: config.model ?? config.modelNote ?? null,
        excludedTrainingSegments: config.excludedTrainingSegments ?? null,
        ...doc,
        items: key,
      };
      return {
        fileName: `${base}.json`,
        mimeType: 'application/json',
        text: JSON.stringify(json, null, 2),
      };
    }
    const keyCsv = [
      'itemId,segmentId,recordId,offset,label',
      ...key.map((k) =>
        [k.itemId, k.segmentId, k.recordId, k.offset, k.label].map(csvCell).join(','),
      ),
    ];
    const text = [summaryToCsv(summary), gradesToCsv(grades), keyCsv.join('\n') + '\n'].join('\n');
    return { fileName: `${base}.csv`, mimeType: 'text/csv', text };
  }
}
