/** Training / cross-validation runs with their per-fold and per-epoch metrics. */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';

export type RunKind = 'train' | 'cv';
export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';
/** Metrics as written (any JSON object, e.g. H6's classificationMetrics result). */
export type Metrics = object;
/** Metrics as read back. */
export type StoredMetrics = Record<string, unknown>;

export interface RunInput {
  kind: RunKind;
  /** The resolved config (model + preset + data selection), stored as JSON. */
  config: unknown;
  seed: number;
  /** e.g. 'wasm', 'tensorflow', 'cpu'. */
  backend: string;
  /** Any JSON object, e.g. H6's PackageVersions { beatlens, node, tfjs, backends }. */
  packageVersions: object;
  foldSetId?: number | null;
  /** The caller's own run id (e.g. the output folder name), unique when given. */
  key?: string | null;
}

export interface StoredRun {
  id: number;
  kind: RunKind;
  config: unknown;
  seed: number;
  backend: string;
  packageVersions: Record<string, unknown>;
  foldSetId: number | null;
  key: string | null;
  status: RunStatus;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface RunDetails extends StoredRun {
  foldMetrics: Array<{ fold: number; metrics: StoredMetrics }>;
  epochMetrics: Array<{ fold: number; epoch: number; metrics: StoredMetrics }>;
}

interface RunRow {
  id: number;
  kind: RunKind;
  config: string;
  seed: number;
  backend: string;
  package_versions: string;
  fold_set_id: number | null;
  run_key: string | null;
  status: RunStatus;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

function toRun(r: RunRow): StoredRun {
  return {
    id: r.id,
    kind: r.kind,
    config: JSON.parse(r.config),
    seed: r.seed,
    backend: r.backend,
    packageVersions: JSON.parse(r.package_versions) as Record<string, unknown>,
    foldSetId: r.fold_set_id,
    key: r.run_key,
    status: r.status,
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export class RunRepository {
  constructor(private readonly db: Database.Database) {}

  /** Records a run as 'running' and returns it. */
  start(input: RunInput): StoredRun {
    if (input.kind !== 'train' && input.kind !== 'cv') {
      throw new BeatlensError(
        'store-invalid',
        `run kind '${String(input.kind)}' is not train or cv`,
      );
    }
    if (!Number.isInteger(input.seed))
      throw new BeatlensError('store-invalid', `run seed=${input.seed} is not an integer`);
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO runs (kind, config, seed, backend, package_versions, fold_set_id, run_key, status, started_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)`,
        )
        .run(
          input.kind,
          JSON.stringify(input.config),
          input.seed,
          input.backend,
          JSON.stringify(input.packageVersions),
          input.foldSetId ?? null,
          input.key ?? null,
          new Date().toISOString(),
        ).lastInsertRowid,
    );
    return this.get(id) as StoredRun;
  }

  finish(id: number, status: Exclude<RunStatus, 'running'>, error?: string): void {
    const r = this.db
      .prepare('UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?')
      .run(status, error ?? null, new Date().toISOString(), id);
    if (r.changes === 0) throw new BeatlensError('store-missing', `run ${id} is not in the store`);
  }

  /** Adds (or overwrites) epoch metrics; all rows in one transaction. */
  addEpochMetrics(
    runId: number,
    rows: ReadonlyArray<{ fold: number; epoch: number; metrics: Metrics }>,
  ): void {
    const stmt = this.db.prepare(
      'INSERT OR REPLACE INTO run_epoch_metrics (run_id, fold, epoch, metrics) VALUES (?, ?, ?, ?)',
    );
    this.db
      .transaction(() => {
        for (const r of rows) stmt.run(runId, r.fold, r.epoch, JSON.stringify(r.metrics));
      })
      .immediate();
  }

  setFoldMetrics(runId: number, fold: number, metrics: Metrics): void {
    this.db
      .prepare('INSERT OR REPLACE INTO run_fold_metrics (run_id, fold, metrics) VALUES (?, ?, ?)')
      .run(runId, fold, JSON.stringify(metrics));
  }

  get(id: number): StoredRun | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  details(id: number): RunDetails | null {
    const run = this.get(id);
    if (!run) return null;
    const folds = this.db
      .prepare('SELECT fold, metrics FROM run_fold_metrics WHERE run_id = ? ORDER BY fold')
      .all(id) as Array<{ fold: number; metrics: string }>;
    const epochs = this.db
      .prepare(
        'SELECT fold, epoch, metrics FROM run_epoch_metrics WHERE run_id = ? ORDER BY fold, epoch',
      )
      .all(id) as Array<{ fold: number; epoch: number; metrics: string }>;
    return {
      ...run,
      foldMetrics: folds.map((f) => ({
        fold: f.fold,
        metrics: JSON.parse(f.metrics) as StoredMetrics,
      })),
      epochMetrics: epochs.map((e) => ({
        fold: e.fold,
        epoch: e.epoch,
        metrics: JSON.parse(e.metrics) as StoredMetrics,
      })),
    };
  }

  getByKey(key: string): StoredRun | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE run_key = ?').get(key) as
      RunRow | undefined;
    return row ? toRun(row) : null;
  }

  list(): StoredRun[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY id').all() as RunRow[]).map(toRun);
  }
}
