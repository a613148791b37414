import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore } from '../../src-main/store';
import { applyMigrations } from '../../src-main/store/migrate';
import { fakeImport, tempDir } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('record start time (migration 008)', () => {
  it('keeps the wall-clock start across a reopen, in the listing and the loaded record', () => {
    const path = join(tmp.dir, 's.sqlite');
    const s = openStore(path);
    const input = fakeImport('clock');
    input.record.startTime = { secondsOfDay: 9 * 3600 + 41 * 60 + 30.5, date: '2024-03-14' };
    s.records.import(input);
    const timeOnly = fakeImport('time-only', { seed: 2 });
    timeOnly.record.startTime = { secondsOfDay: 36000, date: null };
    s.records.import(timeOnly);
    s.records.import(fakeImport('none', { seed: 3 }));
    s.close();
    const again = openStore(path);
    expect(again.records.get('clock')?.startTime).toEqual({
      secondsOfDay: 34890.5,
      date: '2024-03-14',
    });
    expect(again.records.load('clock').startTime).toEqual({
      secondsOfDay: 34890.5,
      date: '2024-03-14',
    });
    expect(again.records.get('time-only')?.startTime).toEqual({ secondsOfDay: 36000, date: null });
    expect(again.records.get('none')?.startTime).toBeNull();
    expect('startTime' in again.records.load('none')).toBe(false);
    again.close();
  });

  it('refuses a start that is not a time of day or a date, in one line, writing nothing', () => {
    const s = openStore(join(tmp.dir, 'bad.sqlite'));
    const late = fakeImport('late');
    late.record.startTime = { secondsOfDay: 86400, date: null };
    expect(() => s.records.import(late)).toThrow(/start time 86400 s is not a time of day/);
    const odd = fakeImport('odd');
    odd.record.startTime = { secondsOfDay: 10, date: '14/03/2024' };
    expect(() => s.records.import(odd)).toThrow(
      /start date '14\/03\/2024' is not of the form YYYY-MM-DD/,
    );
    expect(s.records.list()).toEqual([]);
    s.close();
  });

  it('upgrades a version-7 store: its records get no start time', () => {
    const path = join(tmp.dir, 'old.sqlite');
    const raw = new Database(path);
    applyMigrations(raw, MIGRATIONS.slice(0, 7), path);
    raw
      .prepare(
        `INSERT INTO records (id, source, format, fs, n_leads, lead_names, units, n_samples,
         patient_id, checksum, imported_at) VALUES ('old', 'x', 'other', 360, 1, '["I"]', '["mV"]', 10,
         'p', 'c', '2024-01-01T00:00:00Z')`,
      )
      .run();
    raw.close();
    const s = openStore(path);
    expect(s.version).toBe(MIGRATIONS.length);
    expect(s.records.get('old')?.startTime).toBeNull();
    s.close();
  });
});
