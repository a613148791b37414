import type { Migration } from './types';

/**
 * Blinded grade studies (Class I/II/III per item and rater) and flagged-beat reviews. Raters
 * are people (one row per name) linked to the studies they take part in; an item may carry an
 * opaque key (the blinded item id raters see) besides its position.
 * Study items keep their own copy of the attention map shown to raters, so a study stays
 * reproducible after the model or predictions that produced it are deleted.
 */
export const migration003: Migration = {
  version: 3,
  name: 'grade studies, raters, grades, beat reviews',
  up(db) {
    db.exec(`
      CREATE TABLE studies (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        seed        INTEGER NOT NULL,
        n_items     INTEGER NOT NULL CHECK (n_items >= 0),
        config      TEXT NOT NULL,
        model_id    INTEGER REFERENCES models (id) ON DELETE SET NULL,
        created_at  TEXT NOT NULL
      );

      CREATE TABLE study_items (
        id          INTEGER PRIMARY KEY,
        study_id    INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
        position    INTEGER NOT NULL CHECK (position >= 0),
        segment_id  INTEGER NOT NULL REFERENCES segments (id),
        item_key    TEXT,
        attention   BLOB NOT NULL,
        UNIQUE (study_id, position),
        UNIQUE (study_id, item_key)
      );
      CREATE INDEX study_items_segment ON study_items (segment_id);

      CREATE TABLE raters (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL
      );

      CREATE TABLE study_raters (
        study_id  INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
        rater_id  INTEGER NOT NULL REFERENCES raters (id),
        PRIMARY KEY (study_id, rater_id)
      );

      CREATE TABLE grades (
        item_id      INTEGER NOT NULL REFERENCES study_items (id) ON DELETE CASCADE,
        rater_id     INTEGER NOT NULL REFERENCES raters (id),
        grade        TEXT NOT NULL CHECK (grade IN ('I', 'II', 'III')),
        graded_at    TEXT NOT NULL,
        duration_ms  INTEGER,
        PRIMARY KEY (item_id, rater_id)
      );

      CREATE TABLE beat_reviews (
        id               INTEGER PRIMARY KEY,
        record_id        TEXT NOT NULL REFERENCES records (id),
        beat_sample      INTEGER NOT NULL CHECK (beat_sample >= 0),
        attention_score  REAL NOT NULL,
        decision         TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
        model_id         INTEGER REFERENCES models (id) ON DELETE SET NULL,
        reviewer         TEXT,
        reviewed_at      TEXT NOT NULL
      );
      CREATE INDEX beat_reviews_record ON beat_reviews (record_id, beat_sample);
    `);
  },
};
