import type { Migration } from './types';

/** Training and cross-validation runs, their metrics, saved models and predictions. */
export const migration002: Migration = {
  version: 2,
  name: 'runs, metrics, models, predictions',
  up(db) {
    db.exec(`
      CREATE TABLE runs (
        id                INTEGER PRIMARY KEY,
        kind              TEXT NOT NULL CHECK (kind IN ('train', 'cv')),
        config            TEXT NOT NULL,
        seed              INTEGER NOT NULL,
        backend           TEXT NOT NULL,
        package_versions  TEXT NOT NULL,
        fold_set_id       INTEGER REFERENCES fold_sets (id),
        run_key           TEXT UNIQUE,
        status            TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
        error             TEXT,
        started_at        TEXT NOT NULL,
        finished_at       TEXT
      );

      CREATE TABLE run_fold_metrics (
        run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        fold     INTEGER NOT NULL,
        metrics  TEXT NOT NULL,
        PRIMARY KEY (run_id, fold)
      );

      CREATE TABLE run_epoch_metrics (
        run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        fold     INTEGER NOT NULL,
        epoch    INTEGER NOT NULL,
        metrics  TEXT NOT NULL,
        PRIMARY KEY (run_id, fold, epoch)
      );

      CREATE TABLE models (
        id                INTEGER PRIMARY KEY,
        method            TEXT NOT NULL,
        architecture      TEXT NOT NULL,
        config            TEXT NOT NULL,
        weights_path      TEXT NOT NULL,
        weights_checksum  TEXT NOT NULL,
        run_id            INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        fold              INTEGER,
        created_at        TEXT NOT NULL
      );

      CREATE TABLE predictions (
        id             INTEGER PRIMARY KEY,
        run_id         INTEGER REFERENCES runs (id) ON DELETE CASCADE,
        model_id       INTEGER REFERENCES models (id) ON DELETE CASCADE,
        segment_id     INTEGER NOT NULL REFERENCES segments (id),
        fold           INTEGER,
        probabilities  TEXT NOT NULL,
        attention      BLOB,
        created_at     TEXT NOT NULL,
        CHECK (run_id IS NOT NULL OR model_id IS NOT NULL)
      );
      CREATE INDEX predictions_run ON predictions (run_id);
      CREATE INDEX predictions_model ON predictions (model_id);
      CREATE INDEX predictions_segment ON predictions (segment_id);
    `);
  },
};
