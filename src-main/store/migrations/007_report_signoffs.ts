import type { Migration } from './types';

/**
 * Sign-offs of Holter reports: who signed the report of which scan, when, and what they signed
 * (the report's JSON as shown, its headline figures, and how many review decisions the scan's
 * log held then, so a later relabel shows the sign-off predates it). Append-only: a new sign-off
 * is a new row, an old one is never changed.
 */
export const migration007: Migration = {
  version: 7,
  name: 'report sign-offs',
  up(db) {
    db.exec(`
      CREATE TABLE report_signoffs (
        id              INTEGER PRIMARY KEY,
        scan_id         INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        reviewer        TEXT NOT NULL CHECK (length(reviewer) BETWEEN 1 AND 200),
        signed_at       TEXT NOT NULL,
        n_decisions     INTEGER NOT NULL CHECK (n_decisions >= 0),
        pvc_count       INTEGER NOT NULL CHECK (pvc_count >= 0),
        total_beats     INTEGER NOT NULL CHECK (total_beats >= 0),
        burden_percent  REAL,
        report_json     TEXT NOT NULL
      );
      CREATE INDEX report_signoffs_scan ON report_signoffs (scan_id, id);
      CREATE TRIGGER report_signoffs_append_only BEFORE UPDATE ON report_signoffs
        BEGIN SELECT RAISE(ABORT, 'report_signoffs is append-only'); END;
    `);
  },
};
