import type { Migration } from './types';

/**
 * Beat review of whole-record scans: every beat a scan labelled, with the machine's label kept as
 * it was written (`scan_beats`, never updated), the reviewer's current label beside it
 * (`beat_labels`, one row per relabelled beat), and the append-only log of the reviewer's
 * decisions (`review_decisions` + `review_changes`: which beats, what each held before), from
 * which undo and redo are replayed. Triggers refuse updates of the machine's labels and of the
 * log. The accept/reject tables of versions 3 and 4 (`flagged_beats`, `beat_reviews`) are left
 * as they were: they hold only the flagged beats, not every beat, so they cannot become a scan.
 */
export const migration006: Migration = {
  version: 6,
  name: 'scan beats, reviewer labels, review decision log',
  up(db) {
    db.exec(`
      CREATE TABLE scans (
        id               INTEGER PRIMARY KEY,
        record_id        TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
        model_name       TEXT,
        model_id         INTEGER REFERENCES models (id) ON DELETE SET NULL,
        beat_source      TEXT NOT NULL CHECK (beat_source IN ('annotations', 'detector')),
        fs               REAL NOT NULL CHECK (fs > 0),
        min_probability  REAL NOT NULL CHECK (min_probability >= 0 AND min_probability <= 1),
        created_at       TEXT NOT NULL
      );
      CREATE INDEX scans_record ON scans (record_id);

      CREATE TABLE scan_beats (
        scan_id              INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        beat_sample          INTEGER NOT NULL CHECK (beat_sample >= 0),
        machine_label        TEXT NOT NULL CHECK (machine_label IN ('N', 'S', 'V', 'F', 'Q')),
        score                REAL,
        correlation          REAL,
        segment_label        TEXT NOT NULL,
        segment_probability  REAL NOT NULL,
        reference_symbol     TEXT,
        PRIMARY KEY (scan_id, beat_sample)
      ) WITHOUT ROWID;
      CREATE TRIGGER scan_beats_keep_machine_label BEFORE UPDATE ON scan_beats
        BEGIN SELECT RAISE(ABORT, 'scan_beats: the machine''s labels are never changed'); END;

      CREATE TABLE beat_labels (
        scan_id      INTEGER NOT NULL,
        beat_sample  INTEGER NOT NULL,
        label        TEXT NOT NULL CHECK (label IN ('N', 'S', 'V', 'F', 'Q', 'artefact')),
        decision_id  INTEGER NOT NULL,
        PRIMARY KEY (scan_id, beat_sample),
        FOREIGN KEY (scan_id, beat_sample) REFERENCES scan_beats (scan_id, beat_sample) ON DELETE CASCADE
      ) WITHOUT ROWID;

      CREATE TABLE review_decisions (
        id          INTEGER PRIMARY KEY,
        scan_id     INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        action      TEXT NOT NULL CHECK (action IN ('label', 'undo', 'redo')),
        label       TEXT CHECK (label IN ('N', 'S', 'V', 'F', 'Q', 'artefact')),
        target_id   INTEGER REFERENCES review_decisions (id),
        reviewer    TEXT,
        decided_at  TEXT NOT NULL,
        CHECK ((action = 'label') = (label IS NOT NULL AND target_id IS NULL))
      );
      CREATE INDEX review_decisions_scan ON review_decisions (scan_id, id);
      CREATE TRIGGER review_decisions_append_only BEFORE UPDATE ON review_decisions
        BEGIN SELECT RAISE(ABORT, 'review_decisions is append-only'); END;

      CREATE TABLE review_changes (
        decision_id   INTEGER NOT NULL REFERENCES review_decisions (id) ON DELETE CASCADE,
        beat_sample   INTEGER NOT NULL,
        before_label  TEXT CHECK (before_label IN ('N', 'S', 'V', 'F', 'Q', 'artefact')),
        PRIMARY KEY (decision_id, beat_sample)
      ) WITHOUT ROWID;
      CREATE TRIGGER review_changes_append_only BEFORE UPDATE ON review_changes
        BEGIN SELECT RAISE(ABORT, 'review_changes is append-only'); END;
    `);
  },
};
