/**
 * App settings: small string values by key (e.g. `app.model`, the model the app uses). A write
 * is one committed row, so a setting survives a crash right after it was made.
 */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';

export class SettingsRepository {
  constructor(private readonly db: Database.Database) {}

  get(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row ? row.value : null;
  }

  set(key: string, value: string): void {
    if (!key) throw new BeatlensError('store-invalid', 'a setting needs a key');
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, value, new Date().toISOString());
  }
}
