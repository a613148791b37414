import type { Migration } from './types';

/**
 * App settings (one row per key, e.g. the model the app uses, so the choice survives a restart)
 * and, per flagged beat, the name of the model whose scan flagged it (so the review screen can
 * say which model produced the flags it shows, also after the model was changed).
 */
export const migration005: Migration = {
  version: 5,
  name: 'settings, scan model names',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      ALTER TABLE flagged_beats ADD COLUMN model_name TEXT;
    `);
  },
};
