import type { Migration } from './types';

/**
 * A segment's RR context (`Segment.rrBefore` / `rrAfter`, samples): from the record's R peak
 * before its first beat, and from its last beat to the next R peak, so the rhythm channels of a
 * model trained on stored segments see the segment edges as inference does. NULL where the record
 * has no such peak, and on every row stored before this migration (no context).
 */
export const migration009: Migration = {
  version: 9,
  name: 'segment rr context',
  up(db) {
    db.exec(`
      ALTER TABLE segments ADD COLUMN rr_before INTEGER
        CHECK (rr_before IS NULL OR rr_before > 0);
      ALTER TABLE segments ADD COLUMN rr_after INTEGER
        CHECK (rr_after IS NULL OR rr_after > 0);
    `);
  },
};
