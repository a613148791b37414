import type { Migration } from './types';

/**
 * Rhythm review of whole-record scans, beside the beat review of version 6: the machine's rhythm
 * episodes of a scan as they were found (`scan_episodes`, never updated; `scan_rhythm` says that
 * a scan's episodes were stored and whether excluded stretches were known), the reviewer's
 * version of an episode (`rhythm_reviews`: confirmed, moved, relabelled or deleted; one row per
 * reviewed episode) and the append-only log of rhythm decisions with each decision's before and
 * after state (`rhythm_decisions`), from which undo and redo are replayed.
 */
export const migration010: Migration = {
  version: 10,
  name: 'scan rhythm episodes, reviewer rhythm episodes, rhythm decision log',
  up(db) {
    const rhythm = `('AF', 'AFL', 'pause', 'bradycardia', 'tachycardia', 'VT', 'SVT', 'bigeminy', 'trigeminy')`;
    db.exec(`
      CREATE TABLE scan_rhythm (
        scan_id          INTEGER PRIMARY KEY REFERENCES scans (id) ON DELETE CASCADE,
        verdict          INTEGER NOT NULL CHECK (verdict IN (0, 1)),
        excluded_known   INTEGER NOT NULL CHECK (excluded_known IN (0, 1)),
        created_at       TEXT NOT NULL
      );

      CREATE TABLE scan_episodes (
        scan_id        INTEGER NOT NULL REFERENCES scan_rhythm (scan_id) ON DELETE CASCADE,
        episode        INTEGER NOT NULL CHECK (episode >= 0),
        rhythm         TEXT NOT NULL CHECK (rhythm IN ${rhythm}),
        start_sample   INTEGER NOT NULL CHECK (start_sample >= 0),
        end_sample     INTEGER NOT NULL,
        mean_rate_bpm  REAL,
        max_rate_bpm   REAL,
        n_beats        INTEGER NOT NULL CHECK (n_beats >= 1),
        PRIMARY KEY (scan_id, episode),
        CHECK (end_sample >= start_sample)
      ) WITHOUT ROWID;
      CREATE TRIGGER scan_episodes_keep_machine BEFORE UPDATE ON scan_episodes
        BEGIN SELECT RAISE(ABORT, 'scan_episodes: the machine''s episodes are never changed'); END;

      CREATE TABLE rhythm_reviews (
        scan_id       INTEGER NOT NULL,
        episode       INTEGER NOT NULL,
        deleted       INTEGER NOT NULL CHECK (deleted IN (0, 1)),
        rhythm        TEXT NOT NULL CHECK (rhythm IN ${rhythm}),
        start_sample  INTEGER NOT NULL CHECK (start_sample >= 0),
        end_sample    INTEGER NOT NULL,
        decision_id   INTEGER NOT NULL,
        PRIMARY KEY (scan_id, episode),
        FOREIGN KEY (scan_id, episode) REFERENCES scan_episodes (scan_id, episode) ON DELETE CASCADE,
        CHECK (end_sample > start_sample)
      ) WITHOUT ROWID;

      CREATE TABLE rhythm_decisions (
        id             INTEGER PRIMARY KEY,
        scan_id        INTEGER NOT NULL REFERENCES scan_rhythm (scan_id) ON DELETE CASCADE,
        episode        INTEGER NOT NULL,
        action         TEXT NOT NULL CHECK (action IN ('confirm', 'relabel', 'edges', 'delete', 'undo', 'redo')),
        target_id      INTEGER REFERENCES rhythm_decisions (id),
        -- The episode's reviewer row before and after (all NULL: no reviewer row).
        before_deleted INTEGER, before_rhythm TEXT, before_start INTEGER, before_end INTEGER,
        after_deleted  INTEGER, after_rhythm TEXT, after_start INTEGER, after_end INTEGER,
        reviewer       TEXT,
        decided_at     TEXT NOT NULL,
        CHECK ((action IN ('undo', 'redo')) = (target_id IS NOT NULL))
      );
      CREATE INDEX rhythm_decisions_scan ON rhythm_decisions (scan_id, id);
      CREATE TRIGGER rhythm_decisions_append_only BEFORE UPDATE ON rhythm_decisions
        BEGIN SELECT RAISE(ABORT, 'rhythm_decisions is append-only'); END;
    `);
  },
};
