import type { Migration } from './types';

/**
 * Flagged beats of whole-record scans: the beats a model highlighted inside segments it classed
 * abnormal, kept so a review can be resumed after a restart. One row per (record, beat sample);
 * a new scan of the record replaces its rows. The reviewer's accept/reject decisions stay in
 * `beat_reviews` (keyed by the same record and sample), so they survive a re-scan.
 */
export const migration004: Migration = {
  version: 4,
  name: 'flagged beats of whole-record scans',
  up(db) {
    db.exec(`
      CREATE TABLE flagged_beats (
        record_id        TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
        beat_sample      INTEGER NOT NULL CHECK (beat_sample >= 0),
        attention_score  REAL NOT NULL,
        segment_label    TEXT NOT NULL,
        probability      REAL NOT NULL CHECK (probability >= 0 AND probability <= 1),
        model_id         INTEGER REFERENCES models (id) ON DELETE SET NULL,
        scanned_at       TEXT NOT NULL,
        PRIMARY KEY (record_id, beat_sample)
      );
    `);
  },
};
