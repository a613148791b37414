/**
 * Blinded grade studies: items (segment + the attention map shown), the raters taking part and
 * their grades. Raters are identified by name; an item can carry the opaque key raters see
 * (H8's `studyItemId`) besides its position in the drawn sample.
 */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';
import { blobToFloat32, float32ToBlob } from './blob';

export type Grade = 'I' | 'II' | 'III';

export interface StudyInput {
  name: string;
  /** Seed that drew the sample and orders items per rater. */
  seed: number;
  config: unknown;
  modelId?: number | null;
  /** Names of the raters taking part (more can be added later with `addRater`). */
  raters?: readonly string[];
  /** Items in drawn order; `attention` is the map raters see (length = segment nSamples). */
  items: ReadonlyArray<{ segmentId: number; attention: Float32Array; key?: string | null }>;
}

export interface StoredStudy {
  id: number;
  name: string;
  seed: number;
  nItems: number;
  config: unknown;
  modelId: number | null;
  raters: string[];
  createdAt: string;
}

export interface StudyItem {
  id: number;
  studyId: number;
  position: number;
  segmentId: number;
  key: string | null;
  attention: Float32Array;
}

export interface StoredGrade {
  itemId: number;
  position: number;
  itemKey: string | null;
  raterId: number;
  rater: string;
  grade: Grade;
  gradedAt: string;
  durationMs: number | null;
}

interface StudyRow {
  id: number;
  name: string;
  seed: number;
  n_items: number;
  config: string;
  model_id: number | null;
  created_at: string;
}

interface ItemRow {
  id: number;
  study_id: number;
  position: number;
  segment_id: number;
  item_key: string | null;
  attention: Buffer;
}

const ITEM_SELECT =
  'SELECT id, study_id, position, segment_id, item_key, attention FROM study_items';

function toItem(r: ItemRow): StudyItem {
  return {
    id: r.id,
    studyId: r.study_id,
    position: r.position,
    segmentId: r.segment_id,
    key: r.item_key,
    attention: blobToFloat32(r.attention, `attention of study item ${r.id}`),
  };
}

const GRADES: ReadonlySet<string> = new Set(['I', 'II', 'III']);

function invalid(message: string): never {
  throw new BeatlensError('store-invalid', message);
}

export class StudyRepository {
  constructor(private readonly db: Database.Database) {}

  /** Creates the study, its raters and all its items in one transaction. */
  create(input: StudyInput): StoredStudy {
    if (typeof input.name !== 'string' || input.name.length === 0) invalid('study: name is empty');
    if (!Number.isInteger(input.seed)) invalid(`study: seed=${input.seed} is not an integer`);
    const keys = input.items.map((it) => it.key).filter((k): k is string => typeof k === 'string');
    if (new Set(keys).size !== keys.length) invalid('study: two items have the same key');
    const id = this.db
      .transaction(() => {
        const studyId = Number(
          this.db
            .prepare(
              'INSERT INTO studies (name, seed, n_items, config, model_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
            )
            .run(
              input.name,
              input.seed,
              input.items.length,
              JSON.stringify(input.config),
              input.modelId ?? null,
              new Date().toISOString(),
            ).lastInsertRowid,
        );
        const segmentSamples = this.db.prepare('SELECT n_samples AS n FROM segments WHERE id = ?');
        const item = this.db.prepare(
          'INSERT INTO study_items (study_id, position, segment_id, item_key, attention) VALUES (?, ?, ?, ?, ?)',
        );
        input.items.forEach((it, position) => {
          const seg = segmentSamples.get(it.segmentId) as { n: number } | undefined;
          if (!seg) {
            throw new BeatlensError(
              'store-missing',
              `study item ${position}: segment ${it.segmentId} is not in the store`,
            );
          }
          if (it.attention.length !== seg.n) {
            invalid(
              `study item ${position}: attention has ${it.attention.length} values, segment ${it.segmentId} has ${seg.n} samples`,
            );
          }
          item.run(studyId, position, it.segmentId, it.key ?? null, float32ToBlob(it.attention));
        });
        for (const name of input.raters ?? []) this.addRater(studyId, name);
        return studyId;
      })
      .immediate();
    return this.get(id) as StoredStudy;
  }

  get(id: number): StoredStudy | null {
    const row = this.db.prepare('SELECT * FROM studies WHERE id = ?').get(id) as
      StudyRow | undefined;
    return row ? this.toStudy(row) : null;
  }

  list(): StoredStudy[] {
    return (this.db.prepare('SELECT * FROM studies ORDER BY id').all() as StudyRow[]).map((r) =>
      this.toStudy(r),
    );
  }

  private toStudy(r: StudyRow): StoredStudy {
    const raters = this.db
      .prepare(
        'SELECT r.name FROM study_raters s JOIN raters r ON r.id = s.rater_id WHERE s.study_id = ? ORDER BY r.name',
      )
      .pluck()
      .all(r.id) as string[];
    return {
      id: r.id,
      name: r.name,
      seed: r.seed,
      nItems: r.n_items,
      config: JSON.parse(r.config),
      modelId: r.model_id,
      raters,
      createdAt: r.created_at,
    };
  }

  items(studyId: number): StudyItem[] {
    return (
      this.db
        .prepare(`${ITEM_SELECT} WHERE study_id = ? ORDER BY position`)
        .all(studyId) as ItemRow[]
    ).map(toItem);
  }

  /** One item by its position in the drawn sample (a rater's screen needs one at a time). */
  item(studyId: number, position: number): StudyItem | null {
    const row = this.db
      .prepare(`${ITEM_SELECT} WHERE study_id = ? AND position = ?`)
      .get(studyId, position) as ItemRow | undefined;
    return row ? toItem(row) : null;
  }

  /** The rater's id, creating the rater on first use. */
  rater(name: string): number {
    if (typeof name !== 'string' || name.trim().length === 0) invalid('rater name is empty');
    this.db
      .prepare('INSERT OR IGNORE INTO raters (name, created_at) VALUES (?, ?)')
      .run(name, new Date().toISOString());
    return (this.db.prepare('SELECT id FROM raters WHERE name = ?').get(name) as { id: number }).id;
  }

  /** Adds a rater (by name) to a study; returns the rater's id. */
  addRater(studyId: number, name: string): number {
    if (!this.get(studyId)) {
      throw new BeatlensError('store-missing', `study ${studyId} is not in the store`);
    }
    const raterId = this.rater(name);
    this.db
      .prepare('INSERT OR IGNORE INTO study_raters (study_id, rater_id) VALUES (?, ?)')
      .run(studyId, raterId);
    return raterId;
  }

  /**
   * Records (or changes) one rater's grade for one item; the rater must be in the item's study.
   * The membership check and the write share one transaction, so a regrade replaces the row
   * atomically (one row per item and rater).
   */
  grade(input: {
    itemId: number;
    raterId: number;
    grade: Grade;
    durationMs?: number | null;
  }): void {
    if (!GRADES.has(input.grade)) invalid(`grade '${String(input.grade)}' is not I, II or III`);
    this.db
      .transaction(() => {
        const member = this.db
          .prepare(
            `SELECT 1 FROM study_items i JOIN study_raters s ON s.study_id = i.study_id
             WHERE i.id = ? AND s.rater_id = ?`,
          )
          .get(input.itemId, input.raterId);
        if (member === undefined) {
          throw new BeatlensError(
            'store-missing',
            `study item ${input.itemId} does not exist or rater ${input.raterId} is not in its study`,
          );
        }
        this.db
          .prepare(
            `INSERT INTO grades (item_id, rater_id, grade, graded_at, duration_ms) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (item_id, rater_id) DO UPDATE SET grade = excluded.grade,
               graded_at = excluded.graded_at, duration_ms = excluded.duration_ms`,
          )
          .run(
            input.itemId,
            input.raterId,
            input.grade,
            new Date().toISOString(),
            input.durationMs ?? null,
          );
      })
      .immediate();
  }

  grades(studyId: number): StoredGrade[] {
    return this.db
      .prepare(
        `SELECT g.item_id AS itemId, i.position, i.item_key AS itemKey, g.rater_id AS raterId,
           r.name AS rater, g.grade, g.graded_at AS gradedAt, g.duration_ms AS durationMs
         FROM grades g JOIN study_items i ON i.id = g.item_id JOIN raters r ON r.id = g.rater_id
         WHERE i.study_id = ? ORDER BY r.name, i.position`,
      )
      .all(studyId) as StoredGrade[];
  }

  /** Grades saved per rater of the study (0 for raters who have not started). */
  progress(studyId: number): Record<string, number> {
    const rows = this.db
      .prepare(
        `SELECT r.name, (SELECT count(*) FROM grades g JOIN study_items i ON i.id = g.item_id
            WHERE i.study_id = s.study_id AND g.rater_id = r.id) AS n
         FROM study_raters s JOIN raters r ON r.id = s.rater_id WHERE s.study_id = ? ORDER BY r.name`,
      )
      .all(studyId) as Array<{ name: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.name, r.n]));
  }
}
