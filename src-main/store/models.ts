/** Saved models: method/architecture, resolved config and the weights on disk with checksum. */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';

export interface ModelInput {
  /** 'joint' | 'classifier' | 'cascaded' (H5's Method). */
  method: string;
  /** e.g. 'unet1d+cnn4'; lets a loader refuse weights of another shape. */
  architecture: string;
  config: unknown;
  /** Directory or file written by saveModel (kept outside the database: tfjs writes files). */
  weightsPath: string;
  weightsChecksum: string;
  runId?: number | null;
  fold?: number | null;
}

export interface StoredModel {
  id: number;
  method: string;
  architecture: string;
  config: unknown;
  weightsPath: string;
  weightsChecksum: string;
  runId: number | null;
  fold: number | null;
  createdAt: string;
}

interface ModelRow {
  id: number;
  method: string;
  architecture: string;
  config: string;
  weights_path: string;
  weights_checksum: string;
  run_id: number | null;
  fold: number | null;
  created_at: string;
}

function toModel(r: ModelRow): StoredModel {
  return {
    id: r.id,
    method: r.method,
    architecture: r.architecture,
    config: JSON.parse(r.config),
    weightsPath: r.weights_path,
    weightsChecksum: r.weights_checksum,
    runId: r.run_id,
    fold: r.fold,
    createdAt: r.created_at,
  };
}

export class ModelRepository {
  constructor(private readonly db: Database.Database) {}

  insert(input: ModelInput): StoredModel {
    for (const k of ['method', 'architecture', 'weightsPath', 'weightsChecksum'] as const) {
      if (typeof input[k] !== 'string' || input[k].length === 0) {
        throw new BeatlensError('store-invalid', `model: ${k} is empty`);
      }
    }
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO models (method, architecture, config, weights_path, weights_checksum, run_id, fold, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.method,
          input.architecture,
          JSON.stringify(input.config),
          input.weightsPath,
          input.weightsChecksum,
          input.runId ?? null,
          input.fold ?? null,
          new Date().toISOString(),
        ).lastInsertRowid,
    );
    return this.get(id) as StoredModel;
  }

  get(id: number): StoredModel | null {
    const row = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as
      ModelRow | undefined;
    return row ? toModel(row) : null;
  }

  list(filter: { runId?: number } = {}): StoredModel[] {
    const rows = (
      filter.runId === undefined
        ? this.db.prepare('SELECT * FROM models ORDER BY id').all()
        : this.db.prepare('SELECT * FROM models WHERE run_id = ? ORDER BY id').all(filter.runId)
    ) as ModelRow[];
    return rows.map(toModel);
  }
}
