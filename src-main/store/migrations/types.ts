import type Database from 'better-sqlite3';

/**
 * One numbered schema step. `up` runs inside the migration's transaction; versions are 1, 2, 3 …
 * with no gaps, and a released migration is never edited (add a new one instead).
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
