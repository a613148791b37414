/**
 * Crash safety: a child process importing records is SIGKILLed at random moments, many times.
 * After every kill the store must open, pass `PRAGMA integrity_check`, keep every record the
 * child reported committed, and hold each record either completely (row, all signal leads, all
 * beats, all segments) or not at all.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src-main/random';
import { openStore } from '../../src-main/store';
import { CRASH_RECORD, fakeImport, tempDir } from './fixtures';
import { bundleChild, runAndKill } from './kill-child';

const tmp = tempDir('beatlens-crash-');
const childFile = join(tmp.dir, 'crash-child.cjs');

beforeAll(() => bundleChild(join(__dirname, 'crash-child.ts'), childFile));
afterAll(() => tmp.cleanup());

const expected = fakeImport('x', CRASH_RECORD);
const nBeats = expected.beats.length;
const nSegments = expected.segments.items.length;

/** Integrity, durability and all-or-nothing checks; returns the record ids present. */
function checkStore(path: string, lines: string[]): void {
  const store = openStore(path);
  try {
    const db = store.db;
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const begun = lines.filter((l) => l.startsWith('begin ')).map((l) => l.slice(6));
    const committed = new Set(lines.filter((l) => l.startsWith('commit ')).map((l) => l.slice(7)));
    for (const id of begun) {
      const rec = store.records.get(id);
      if (committed.has(id)) expect(rec, `committed record ${id} was lost`).not.toBeNull();
      const count = (table: string) =>
        (
          db.prepare(`SELECT count(*) AS n FROM ${table} WHERE record_id = ?`).get(id) as {
            n: number;
          }
        ).n;
      const parts = [count('record_signals'), count('beats'), count('segments')];
      if (rec === null) {
        expect(parts, `half-imported record ${id}`).toEqual([0, 0, 0]);
      } else {
        expect(parts, `incomplete record ${id}`).toEqual([CRASH_RECORD.nLeads, nBeats, nSegments]);
        expect(store.records.loadLead(id, 1).length).toBe(CRASH_RECORD.nSamples);
      }
    }
    // Nothing at all may point at a missing record.
    const orphans = db
      .prepare(
        `SELECT (SELECT count(*) FROM beats WHERE record_id NOT IN (SELECT id FROM records))
              + (SELECT count(*) FROM segments WHERE record_id NOT IN (SELECT id FROM records))
              + (SELECT count(*) FROM record_signals WHERE record_id NOT IN (SELECT id FROM records)) AS n`,
      )
      .get() as { n: number };
    expect(orphans.n).toBe(0);
  } finally {
    store.close();
  }
}

describe('crash safety', () => {
  it('a SIGKILL during migrations leaves a store that opens at the latest schema', async () => {
    const rng = createRng(11);
    for (let i = 0; i < 6; i++) {
      const path = join(tmp.dir, `fresh-${i}.sqlite`);
      const lines = await runAndKill(childFile, [path, '0'], 40 + rng.int(200), false);
      checkStore(path, lines);
      const raw = new Database(path, { readonly: true });
      expect(raw.pragma('user_version', { simple: true })).toBeGreaterThan(0);
      raw.close();
    }
  });

  it('SIGKILL at random moments during imports never loses a commit or leaves half a record', async () => {
    const path = join(tmp.dir, 'store.sqlite');
    const rng = createRng(2026);
    const kills = 40;
    let midImport = 0;
    let committedTotal = 0;
    for (let k = 0; k < kills; k++) {
      const lines = await runAndKill(childFile, [path, String(k * 1000)], rng.int(150));
      const last = lines[lines.length - 1] ?? '';
      if (last.startsWith('begin ')) midImport++;
      committedTotal += lines.filter((l) => l.startsWith('commit ')).length;
      checkStore(path, lines);
    }
    // The test only means something if many kills landed inside an import.
    expect(midImport).toBeGreaterThanOrEqual(kills / 2);
    const store = openStore(path);
    expect(store.records.list().length).toBeGreaterThanOrEqual(committedTotal);
    store.close();
    console.log(
      `crash test: ${kills} kills, ${midImport} inside an import, ${committedTotal} committed imports kept`,
    );
  }, 120_000);

  it('two processes importing into one store at once both make progress (busy timeout, no SQLITE_BUSY)', async () => {
    const path = join(tmp.dir, 'shared.sqlite');
    openStore(path).close();
    // A child that hit SQLITE_BUSY would exit with an error before the kill, failing runAndKill.
    const [a, b] = await Promise.all([
      runAndKill(childFile, [path, '0'], 1500),
      runAndKill(childFile, [path, '500000'], 1500),
    ]);
    const commits = (lines: string[]) => lines.filter((l) => l.startsWith('commit ')).length;
    expect(commits(a)).toBeGreaterThan(0);
    expect(commits(b)).toBeGreaterThan(0);
    checkStore(path, [...a, ...b]);
  });
});
