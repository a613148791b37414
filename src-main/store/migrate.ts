/**
 * Numbered schema migrations. The schema version is kept twice on purpose: `PRAGMA user_version`
 * (cheap to read before anything else, set in the same transaction as each step) and the
 * `schema_migrations` table (which step ran when, for people inspecting a store).
 */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';
import type { Migration } from './migrations/types';

/** 'BEAT' in ASCII: marks the file as a beatlens store so a foreign SQLite file is refused. */
export const APPLICATION_ID = 0x42454154;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings `db` up to the last migration in `migrations`, one transaction per step, so a crash
 * between steps leaves a store at a valid older version that the next open finishes upgrading.
 * Refuses a store written by a newer beatlens and a SQLite file that is not a beatlens store.
 */
export function applyMigrations(
  db: Database.Database,
  migrations: readonly Migration[],
  path: string,
): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration list is not numbered 1..n: found ${m.version} at position ${i}`);
    }
  });
  const latest = migrations.length;
  const from = schemaVersion(db);
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId !== 0 && appId !== APPLICATION_ID) {
    throw new BeatlensError('store-foreign', `${path} is a SQLite file but not a beatlens store`);
  }
  if (from === 0 && appId === 0) {
    const nTables = db
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'")
      .get() as { n: number };
    if (nTables.n > 0) {
      throw new BeatlensError(
        'store-foreign',
        `${path} is a SQLite file with ${nTables.n} table(s) but not a beatlens store`,
      );
    }
  }
  if (from > latest) {
    throw new BeatlensError(
      'store-too-new',
      `${path} has schema version ${from} but this beatlens knows only up to ${latest}; upgrade beatlens to open it`,
    );
  }
  for (const m of migrations.slice(from)) {
    db.transaction(() => {
      if (m.version === 1) {
        db.exec(`CREATE TABLE schema_migrations (
          version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
        db.pragma(`application_id = ${APPLICATION_ID}`);
      }
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: Math.max(from, latest) };
}
