/** Fold sets: which cross-validation fold each segment belongs to, under a protocol and seed. */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';

export interface FoldSetInput {
  /** e.g. 'stratified-5fold', 'patient-grouped-5fold', 'inter-patient'. */
  protocol: string;
  seed: number;
  k: number;
  task?: string | null;
  assignments: ReadonlyArray<{ segmentId: number; fold: number }>;
}

export interface FoldSet {
  id: number;
  protocol: string;
  seed: number;
  k: number;
  task: string | null;
  createdAt: string;
  assignments: Array<{ segmentId: number; fold: number }>;
}

interface FoldSetRow {
  id: number;
  protocol: string;
  seed: number;
  k: number;
  task: string | null;
  created_at: string;
}

export class FoldRepository {
  constructor(private readonly db: Database.Database) {}

  /** Stores a fold set and all its assignments in one transaction; returns its id. */
  create(input: FoldSetInput): number {
    if (!Number.isInteger(input.k) || input.k < 1) {
      throw new BeatlensError('store-invalid', `fold set: k=${input.k} is not a positive integer`);
    }
    if (!Number.isInteger(input.seed)) {
      throw new BeatlensError('store-invalid', `fold set: seed=${input.seed} is not an integer`);
    }
    const seen = new Set<number>();
    for (const a of input.assignments) {
      if (!Number.isInteger(a.fold) || a.fold < 0 || a.fold >= input.k) {
        throw new BeatlensError(
          'store-invalid',
          `fold set: segment ${a.segmentId} has fold ${a.fold}, expected 0..${input.k - 1}`,
        );
      }
      if (seen.has(a.segmentId)) {
        throw new BeatlensError(
          'store-invalid',
          `fold set: segment ${a.segmentId} is assigned twice`,
        );
      }
      seen.add(a.segmentId);
    }
    return this.db
      .transaction(() => {
        const exists = this.db.prepare('SELECT 1 FROM segments WHERE id = ?');
        const missing = input.assignments.find((a) => exists.get(a.segmentId) === undefined);
        if (missing) {
          throw new BeatlensError(
            'store-missing',
            `fold set: segment ${missing.segmentId} is not in the store`,
          );
        }
        const id = Number(
          this.db
            .prepare(
              'INSERT INTO fold_sets (protocol, seed, k, task, created_at) VALUES (?, ?, ?, ?, ?)',
            )
            .run(input.protocol, input.seed, input.k, input.task ?? null, new Date().toISOString())
            .lastInsertRowid,
        );
        const stmt = this.db.prepare(
          'INSERT INTO fold_assignments (fold_set_id, segment_id, fold) VALUES (?, ?, ?)',
        );
        for (const a of input.assignments) stmt.run(id, a.segmentId, a.fold);
        return id;
      })
      .immediate();
  }

  get(id: number): FoldSet | null {
    const row = this.db.prepare('SELECT * FROM fold_sets WHERE id = ?').get(id) as
      FoldSetRow | undefined;
    if (!row) return null;
    const assignments = this.db
      .prepare(
        'SELECT segment_id AS segmentId, fold FROM fold_assignments WHERE fold_set_id = ? ORDER BY segment_id',
      )
      .all(id) as Array<{ segmentId: number; fold: number }>;
    return {
      id: row.id,
      protocol: row.protocol,
      seed: row.seed,
      k: row.k,
      task: row.task,
      createdAt: row.created_at,
      assignments,
    };
  }

  /** The newest fold set with this protocol, seed and task, if any. */
  find(protocol: string, seed: number, task: string | null = null): FoldSet | null {
    const row = this.db
      .prepare(
        'SELECT id FROM fold_sets WHERE protocol = ? AND seed = ? AND task IS ? ORDER BY id DESC LIMIT 1',
      )
      .get(protocol, seed, task) as { id: number } | undefined;
    return row ? this.get(row.id) : null;
  }

  list(): Array<Omit<FoldSet, 'assignments'> & { nSegments: number }> {
    const rows = this.db
      .prepare(
        `SELECT f.*, (SELECT count(*) FROM fold_assignments a WHERE a.fold_set_id = f.id) AS n
         FROM fold_sets f ORDER BY f.id`,
      )
      .all() as Array<FoldSetRow & { n: number }>;
    return rows.map((r) => ({
      id: r.id,
      protocol: r.protocol,
      seed: r.seed,
      k: r.k,
      task: r.task,
      createdAt: r.created_at,
      nSegments: r.n,
    }));
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM fold_sets WHERE id = ?').run(id);
  }
}
