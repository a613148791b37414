import type { Migration } from './types';

/**
 * Records, their signals and beats, segments and fold sets: the data side of the store.
 *
 * Signals live in the database (one float32 BLOB per lead in `record_signals`) rather than in
 * files beside it: the record row, its signals, beats and segments then commit or vanish
 * together in one transaction (the crash-safety guarantee), a store is one file to copy, and
 * an MIT-BIH record (650000 samples × 2 leads = 5.2 MB) is far below SQLite's blob limit.
 * Per-lead rows let the app load one lead without the others; the metadata lives in `records`
 * so listing never touches a blob.
 */
export const migration001: Migration = {
  version: 1,
  name: 'records, signals, beats, segments, folds',
  up(db) {
    db.exec(`
      CREATE TABLE records (
        id           TEXT PRIMARY KEY,
        source       TEXT NOT NULL,
        format       TEXT NOT NULL CHECK (format IN ('wfdb', 'csv', 'edf', 'synthetic', 'other')),
        fs           REAL NOT NULL CHECK (fs > 0),
        n_leads      INTEGER NOT NULL CHECK (n_leads > 0),
        lead_names   TEXT NOT NULL,
        units        TEXT NOT NULL,
        n_samples    INTEGER NOT NULL CHECK (n_samples > 0),
        patient_id   TEXT NOT NULL,
        checksum     TEXT NOT NULL,
        imported_at  TEXT NOT NULL
      );
      CREATE INDEX records_patient ON records (patient_id);

      CREATE TABLE record_signals (
        record_id  TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
        lead       INTEGER NOT NULL CHECK (lead >= 0),
        data       BLOB NOT NULL,
        PRIMARY KEY (record_id, lead)
      );

      CREATE TABLE beats (
        record_id  TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
        sample     INTEGER NOT NULL CHECK (sample >= 0),
        symbol     TEXT NOT NULL,
        aami       TEXT NOT NULL CHECK (aami IN ('N', 'S', 'V', 'F', 'Q'))
      );
      CREATE INDEX beats_record_sample ON beats (record_id, sample);

      CREATE TABLE segments (
        id              INTEGER PRIMARY KEY,
        record_id       TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
        task            TEXT NOT NULL,
        offset_samples  INTEGER NOT NULL CHECK (offset_samples >= 0),
        length_samples  INTEGER NOT NULL CHECK (length_samples > 0),
        n_samples       INTEGER NOT NULL CHECK (n_samples >= length_samples),
        n_leads         INTEGER NOT NULL CHECK (n_leads > 0),
        fs              REAL NOT NULL CHECK (fs > 0),
        label           TEXT NOT NULL,
        beats           TEXT NOT NULL,
        data            BLOB NOT NULL,
        UNIQUE (task, record_id, offset_samples)
      );
      CREATE INDEX segments_record ON segments (record_id);
      CREATE INDEX segments_task_label ON segments (task, label);

      CREATE TABLE fold_sets (
        id          INTEGER PRIMARY KEY,
        protocol    TEXT NOT NULL,
        seed        INTEGER NOT NULL,
        k           INTEGER NOT NULL CHECK (k >= 1),
        task        TEXT,
        created_at  TEXT NOT NULL
      );

      -- Segments used by a fold set cannot be deleted (no ON DELETE): replacing a record whose
      -- segments are in a fold set fails with a message instead of silently shrinking a fold.
      CREATE TABLE fold_assignments (
        fold_set_id  INTEGER NOT NULL REFERENCES fold_sets (id) ON DELETE CASCADE,
        segment_id   INTEGER NOT NULL REFERENCES segments (id),
        fold         INTEGER NOT NULL CHECK (fold >= 0),
        PRIMARY KEY (fold_set_id, segment_id)
      );
      CREATE INDEX fold_assignments_segment ON fold_assignments (segment_id);
    `);
  },
};
