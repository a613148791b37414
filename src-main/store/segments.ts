/** Segments: the model's fixed-length inputs, with their beat tables and data blobs. */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';
import type { Segment, SegmentBeat, SegmentDataset } from '../ecg/types';
import { segmentsToDataset } from '../ecg/segments';
import { blobToFloat32, float32ToBlob } from './blob';
import { validateSegments } from './validate';

/** A stored segment without its data: what listings and the app's tables need. */
export interface StoredSegmentInfo {
  id: number;
  recordId: string;
  patientId: string;
  task: string;
  offset: number;
  length: number;
  nSamples: number;
  nLeads: number;
  fs: number;
  label: string;
  nBeats: number;
  /** Beats whose AAMI class is not N. */
  nAbnormalBeats: number;
}

export interface StoredSegment extends Segment {
  id: number;
  task: string;
}

export interface SegmentFilter {
  recordId?: string;
  /** Any of these records (e.g. the demo study's); an empty list matches nothing. */
  recordIds?: string[];
  task?: string;
  label?: string;
}

interface SegmentRow {
  id: number;
  record_id: string;
  patient_id: string;
  task: string;
  offset_samples: number;
  length_samples: number;
  n_samples: number;
  n_leads: number;
  fs: number;
  label: string;
  beats: string;
  data?: Buffer;
  /** Absent on a store before migration 009, NULL where the segment has no context. */
  rr_before?: number | null;
  rr_after?: number | null;
}

const SELECT_INFO = `SELECT s.id, s.record_id, r.patient_id, s.task, s.offset_samples, s.length_samples,
  s.n_samples, s.n_leads, s.fs, s.label, s.beats FROM segments s JOIN records r ON r.id = s.record_id`;

/** Whole rows: `s.*` so a store opened at a schema before migration 009 still reads. */
const SELECT_FULL = `SELECT s.*, r.patient_id FROM segments s JOIN records r ON r.id = s.record_id`;

function where(filter: SegmentFilter): { sql: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  if (filter.recordId !== undefined) {
    clauses.push('s.record_id = ?');
    params.push(filter.recordId);
  }
  if (filter.recordIds !== undefined) {
    clauses.push(
      filter.recordIds.length
        ? `s.record_id IN (${filter.recordIds.map(() => '?').join(', ')})`
        : '0 = 1',
    );
    params.push(...filter.recordIds);
  }
  if (filter.task !== undefined) {
    clauses.push('s.task = ?');
    params.push(filter.task);
  }
  if (filter.label !== undefined) {
    clauses.push('s.label = ?');
    params.push(filter.label);
  }
  return { sql: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

function toInfo(row: SegmentRow): StoredSegmentInfo {
  const beats = JSON.parse(row.beats) as SegmentBeat[];
  return {
    id: row.id,
    recordId: row.record_id,
    patientId: row.patient_id,
    task: row.task,
    offset: row.offset_samples,
    length: row.length_samples,
    nSamples: row.n_samples,
    nLeads: row.n_leads,
    fs: row.fs,
    label: row.label,
    nBeats: beats.length,
    nAbnormalBeats: beats.filter((b) => b.aami !== 'N').length,
  };
}

function toSegment(row: SegmentRow): StoredSegment {
  return {
    id: row.id,
    task: row.task,
    recordId: row.record_id,
    patientId: row.patient_id,
    offset: row.offset_samples,
    length: row.length_samples,
    nSamples: row.n_samples,
    nLeads: row.n_leads,
    fs: row.fs,
    label: row.label,
    beats: JSON.parse(row.beats) as SegmentBeat[],
    ...(row.rr_before != null ? { rrBefore: row.rr_before } : {}),
    ...(row.rr_after != null ? { rrAfter: row.rr_after } : {}),
    data: blobToFloat32(row.data ?? null, `data of segment ${row.id}`),
  };
}

/** Counts rows elsewhere that point at segments chosen by `segmentWhere` (params: `args`). */
export function segmentDependents(
  db: Database.Database,
  segmentWhere: string,
  args: unknown[],
): { folds: number; predictions: number; studyItems: number } {
  const count = (table: string): number =>
    (
      db
        .prepare(
          `SELECT count(*) AS n FROM ${table} WHERE segment_id IN (SELECT id FROM segments WHERE ${segmentWhere})`,
        )
        .get(...args) as { n: number }
    ).n;
  return {
    folds: count('fold_assignments'),
    predictions: count('predictions'),
    studyItems: count('study_items'),
  };
}

export function describeDependents(d: Record<string, number>): string {
  return Object.entries(d)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

export class SegmentRepository {
  private readonly insertStmt: Database.Statement;
  /** False only on a store opened at a schema before migration 009 (`openStore`'s `migrations`). */
  private readonly hasRrContext: boolean;

  constructor(private readonly db: Database.Database) {
    this.hasRrContext = (db.pragma('table_info(segments)') as Array<{ name: string }>).some(
      (c) => c.name === 'rr_before',
    );
    const rr = this.hasRrContext ? ', rr_before, rr_after' : '';
    this.insertStmt = db.prepare(`INSERT INTO segments
      (record_id, task, offset_samples, length_samples, n_samples, n_leads, fs, label, beats, data${rr})
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?${this.hasRrContext ? ', ?, ?' : ''})`);
  }

  /**
   * Inserts without a transaction of its own; callers hold one. Returns the new ids. The RR
   * context is NULL where absent (and not kept on a pre-009 schema, as an older beatlens did).
   */
  insertRows(task: string, segments: readonly Segment[]): number[] {
    return segments.map((s) => {
      const row: unknown[] = [
        s.recordId,
        task,
        s.offset,
        s.length,
        s.nSamples,
        s.nLeads,
        s.fs,
        s.label,
        JSON.stringify(s.beats),
        float32ToBlob(s.data),
      ];
      if (this.hasRrContext) row.push(s.rrBefore ?? null, s.rrAfter ?? null);
      return Number(this.insertStmt.run(...row).lastInsertRowid);
    });
  }

  /**
   * Replaces the `task` segments of a stored record in one transaction (re-running `prepare`).
   * Refuses when any old segment is used by a fold set, prediction or study item.
   */
  replaceForRecord(recordId: string, task: string, segments: readonly Segment[]): number[] {
    const rec = this.db
      .prepare('SELECT n_leads AS nLeads, n_samples AS nSamples, fs FROM records WHERE id = ?')
      .get(recordId) as { nLeads: number; nSamples: number; fs: number } | undefined;
    if (!rec) throw new BeatlensError('store-missing', `record ${recordId} is not in the store`);
    validateSegments(recordId, rec, task, segments);
    return this.db
      .transaction(() => {
        this.assertReplaceable(recordId, task);
        this.db
          .prepare('DELETE FROM segments WHERE record_id = ? AND task = ?')
          .run(recordId, task);
        return this.insertRows(task, segments);
      })
      .immediate();
  }

  /** Throws when a fold set, prediction or study item uses a `task` segment of the record. */
  assertReplaceable(recordId: string, task: string): void {
    const deps = segmentDependents(this.db, 'record_id = ? AND task = ?', [recordId, task]);
    const what = describeDependents(deps);
    if (what) {
      throw new BeatlensError(
        'store-in-use',
        `the ${task} segments of record ${recordId} are used by ${what}; delete those first`,
      );
    }
  }

  list(filter: SegmentFilter = {}): StoredSegmentInfo[] {
    const w = where(filter);
    const rows = this.db
      .prepare(`${SELECT_INFO}${w.sql} ORDER BY s.record_id, s.task, s.offset_samples`)
      .all(...w.params) as SegmentRow[];
    return rows.map(toInfo);
  }

  count(filter: SegmentFilter = {}): number {
    const w = where(filter);
    return (
      this.db.prepare(`SELECT count(*) AS n FROM segments s${w.sql}`).get(...w.params) as {
        n: number;
      }
    ).n;
  }

  /** Segment counts per label, e.g. { PVC: 2627, APB: 356 }. */
  countByLabel(filter: SegmentFilter = {}): Record<string, number> {
    const w = where(filter);
    const rows = this.db
      .prepare(
        `SELECT s.label, count(*) AS n FROM segments s${w.sql} GROUP BY s.label ORDER BY s.label`,
      )
      .all(...w.params) as Array<{ label: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.label, r.n]));
  }

  get(id: number): StoredSegment | null {
    const row = this.db.prepare(`${SELECT_FULL} WHERE s.id = ?`).get(id) as SegmentRow | undefined;
    return row ? toSegment(row) : null;
  }

  /** Full segments (with data) matching `filter`, in record/offset order. */
  load(filter: SegmentFilter = {}): StoredSegment[] {
    const w = where(filter);
    const rows = this.db
      .prepare(`${SELECT_FULL}${w.sql} ORDER BY s.record_id, s.task, s.offset_samples`)
      .all(...w.params) as SegmentRow[];
    return rows.map(toSegment);
  }

  /**
   * A model-ready dataset of the segments matching `filter` (packed by H2's segmentsToDataset),
   * with `ids[i]` the store id of row i for folds and predictions. `classes` fixes the label
   * order (default: the sorted labels present).
   */
  loadDataset(filter: SegmentFilter = {}, classes?: string[]): SegmentDataset & { ids: number[] } {
    const segs = this.load(filter);
    if (segs.length === 0) {
      throw new BeatlensError(
        'store-empty',
        `no segments in the store match ${JSON.stringify(filter)}`,
      );
    }
    const cls = classes ?? [...new Set(segs.map((s) => s.label))].sort();
    return { ...segmentsToDataset(segs, cls), ids: segs.map((s) => s.id) };
  }
}
