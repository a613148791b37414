import type { Migration } from './types';

/**
 * A record's wall-clock start (the WFDB header's base time and date, `EcgRecord.startTime`), so
 * the viewer's time axis and the report's times of day survive a restart: seconds after local
 * midnight and the date 'YYYY-MM-DD', both NULL when the file gives none (every older record).
 */
export const migration008: Migration = {
  version: 8,
  name: 'record start time',
  up(db) {
    db.exec(`
      ALTER TABLE records ADD COLUMN start_seconds REAL
        CHECK (start_seconds IS NULL OR (start_seconds >= 0 AND start_seconds < 86400));
      ALTER TABLE records ADD COLUMN start_date TEXT
        CHECK (start_date IS NULL OR (start_seconds IS NOT NULL AND start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'));
    `);
  },
};
