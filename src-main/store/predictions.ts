/** Per-segment class probabilities and attention maps from a run or a model. */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';
import { blobToFloat32, float32ToBlob } from './blob';

export interface PredictionInput {
  runId?: number | null;
  modelId?: number | null;
  segmentId: number;
  fold?: number | null;
  /** Class probabilities in the order of the model's classes. */
  probabilities: number[];
  /** Attention map over the segment's samples (length nSamples), or null for baselines. */
  attention?: Float32Array | null;
}

export interface StoredPrediction {
  id: number;
  runId: number | null;
  modelId: number | null;
  segmentId: number;
  fold: number | null;
  probabilities: number[];
  attention: Float32Array | null;
  createdAt: string;
}

interface PredictionRow {
  id: number;
  run_id: number | null;
  model_id: number | null;
  segment_id: number;
  fold: number | null;
  probabilities: string;
  attention: Buffer | null;
  created_at: string;
}

function toPrediction(r: PredictionRow): StoredPrediction {
  return {
    id: r.id,
    runId: r.run_id,
    modelId: r.model_id,
    segmentId: r.segment_id,
    fold: r.fold,
    probabilities: JSON.parse(r.probabilities) as number[],
    attention: r.attention ? blobToFloat32(r.attention, `attention of prediction ${r.id}`) : null,
    createdAt: r.created_at,
  };
}

export class PredictionRepository {
  constructor(private readonly db: Database.Database) {}

  /** Inserts all rows in one transaction; returns their ids. */
  insertMany(rows: readonly PredictionInput[]): number[] {
    rows.forEach((p, i) => {
      if ((p.runId ?? null) === null && (p.modelId ?? null) === null) {
        throw new BeatlensError('store-invalid', `prediction ${i}: needs a run id or a model id`);
      }
      if (!p.probabilities.every((x) => Number.isFinite(x))) {
        throw new BeatlensError(
          'store-invalid',
          `prediction ${i} (segment ${p.segmentId}): probabilities are not all finite`,
        );
      }
    });
    const stmt = this.db.prepare(
      `INSERT INTO predictions (run_id, model_id, segment_id, fold, probabilities, attention, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const now = new Date().toISOString();
    return this.db
      .transaction(() =>
        rows.map((p) =>
          Number(
            stmt.run(
              p.runId ?? null,
              p.modelId ?? null,
              p.segmentId,
              p.fold ?? null,
              JSON.stringify(p.probabilities),
              p.attention ? float32ToBlob(p.attention) : null,
              now,
            ).lastInsertRowid,
          ),
        ),
      )
      .immediate();
  }

  list(filter: { runId?: number; modelId?: number; segmentId?: number }): StoredPrediction[] {
    const clauses: string[] = [];
    const params: number[] = [];
    const columns = { runId: 'run_id', modelId: 'model_id', segmentId: 'segment_id' } as const;
    for (const key of Object.keys(columns) as Array<keyof typeof columns>) {
      const value = filter[key];
      if (value !== undefined) {
        clauses.push(`${columns[key]} = ?`);
        params.push(value);
      }
    }
    const w = clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '';
    return (
      this.db.prepare(`SELECT * FROM predictions${w} ORDER BY id`).all(...params) as PredictionRow[]
    ).map(toPrediction);
  }
}
