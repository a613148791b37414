import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withRhythmChannels } from '../../src-main/ecg/rhythm-channels';
import { segmentRecord, segmentsToDataset } from '../../src-main/ecg/segments';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import { MIGRATIONS, openStore } from '../../src-main/store';
import { fakeImport, tempDir } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** fakeImport's record with context on its middle segments (none on the first and last). */
function withContext(id: string) {
  const input = fakeImport(id);
  const items = input.segments.items;
  items.forEach((s, i) => {
    if (i > 0) s.rrBefore = 300 + i;
    if (i < items.length - 1) s.rrAfter = 290 + i;
  });
  return input;
}

describe('segment RR context (migration 009)', () => {
  it('keeps rrBefore / rrAfter across a reopen, and omits them where the segment had none', () => {
    const path = join(tmp.dir, 's.sqlite');
    const s = openStore(path);
    const input = withContext('ctx');
    s.records.import(input);
    s.close();
    const again = openStore(path);
    const loaded = again.segments.load({ recordId: 'ctx' });
    expect(loaded.map(({ rrBefore, rrAfter }) => ({ rrBefore, rrAfter }))).toEqual(
      input.segments.items.map(({ rrBefore, rrAfter }) => ({ rrBefore, rrAfter })),
    );
    const n = loaded.length;
    expect('rrBefore' in loaded[0]).toBe(false);
    expect('rrAfter' in loaded[n - 1]).toBe(false);
    expect(again.segments.get(loaded[1].id)).toMatchObject({ rrBefore: 301, rrAfter: 291 });
    const ds = again.segments.loadDataset({ recordId: 'ctx' }, ['PVC', 'APB']);
    expect(ds.meta.map(({ rrBefore, rrAfter }) => ({ rrBefore, rrAfter }))).toEqual(
      loaded.map(({ rrBefore, rrAfter }) => ({ rrBefore, rrAfter })),
    );
    expect('rrBefore' in ds.meta[0]).toBe(false);
    expect('rrAfter' in ds.meta[n - 1]).toBe(false);
    again.close();
  });

  it("gives a model trained on stored segments the rhythm channels of the builder's segments", () => {
    const { record, beats } = synthesizeRecord({ seed: 3, fs: 180, durationSeconds: 60 });
    const task = { name: 'all', classes: ['X'], label: () => 'X' };
    const segments = segmentRecord(record, beats, { maxSamples: 1000, task }).segments;
    expect(segments.filter((seg) => seg.rrBefore !== undefined).length).toBeGreaterThan(1);
    const s = openStore(join(tmp.dir, 'syn.sqlite'));
    s.records.import({
      record,
      format: 'synthetic',
      checksum: 'sha-syn',
      beats,
      segments: { task: 'all', items: segments },
    });
    const stored = withRhythmChannels(s.segments.loadDataset({ task: 'all' }, ['X']));
    const built = withRhythmChannels(segmentsToDataset(segments, ['X']));
    expect(stored.meta).toEqual(built.meta);
    expect(stored.x).toEqual(built.x);
    s.close();
  });

  it('upgrades a version-8 store: its old segments read back without context', () => {
    const path = join(tmp.dir, 'old.sqlite');
    const old = openStore(path, { migrations: MIGRATIONS.slice(0, 8) });
    expect(old.version).toBe(8);
    // An older beatlens had no columns for the context: the rows are stored without it.
    old.records.import(withContext('old'));
    expect('rrBefore' in old.segments.load({ recordId: 'old' })[1]).toBe(false);
    old.close();
    const s = openStore(path);
    expect(s.version).toBe(MIGRATIONS.length);
    expect(s.version).toBeGreaterThanOrEqual(9);
    const rows = s.segments.load({ recordId: 'old' });
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) {
      expect('rrBefore' in row).toBe(false);
      expect('rrAfter' in row).toBe(false);
    }
    const ds = s.segments.loadDataset({ recordId: 'old' }, ['PVC', 'APB']);
    expect(ds.meta.some((m) => 'rrBefore' in m || 'rrAfter' in m)).toBe(false);
    // New rows in the upgraded store keep theirs.
    s.records.import(withContext('new'));
    expect(s.segments.load({ recordId: 'new' })[1]).toMatchObject({ rrBefore: 301 });
    s.close();
  });

  it('refuses an RR context that is not a positive whole number of samples, writing nothing', () => {
    const s = openStore(join(tmp.dir, 'bad.sqlite'));
    const cases: Array<[string, Partial<Record<'rrBefore' | 'rrAfter', number>>, RegExp]> = [
      ['zero', { rrBefore: 0 }, /segment 1 of record zero: rrBefore=0 is not a positive/],
      ['neg', { rrAfter: -3 }, /segment 1 of record neg: rrAfter=-3 is not a positive/],
      ['frac', { rrBefore: 12.5 }, /segment 1 of record frac: rrBefore=12\.5 is not/],
      ['nan', { rrAfter: Number.NaN }, /segment 1 of record nan: rrAfter=NaN is not/],
      ['inf', { rrBefore: Infinity }, /segment 1 of record inf: rrBefore=Infinity is not/],
    ];
    for (const [id, bad, message] of cases) {
      const input = withContext(id);
      Object.assign(input.segments.items[1], bad);
      expect(() => s.records.import(input)).toThrow(message);
      expect(() => s.records.import(input)).toThrow(/^[^\n]+$/);
    }
    expect(s.records.list()).toEqual([]);
    expect(s.segments.count()).toBe(0);

    const good = withContext('good');
    s.records.import(good);
    const before = s.segments.load({ recordId: 'good' });
    const replaced = good.segments.items.map((seg) => ({ ...seg }));
    replaced[2].rrAfter = 0;
    expect(() => s.segments.replaceForRecord('good', 'pvc-apb', replaced)).toThrow(
      /segment 2 of record good: rrAfter=0 is not a positive/,
    );
    expect(s.segments.load({ recordId: 'good' })).toEqual(before);
    s.close();
  });

  it('the schema itself refuses a non-positive context', () => {
    const s = openStore(join(tmp.dir, 'raw.sqlite'));
    s.records.import(fakeImport('r'));
    const insert = s.db.prepare(`INSERT INTO segments (record_id, task, offset_samples,
      length_samples, n_samples, n_leads, fs, label, beats, data, rr_before, rr_after)
      VALUES ('r', 't', ?, 5, 5, 1, 360, 'X', '[]', x'00', ?, ?)`);
    expect(() => insert.run(0, 0, null)).toThrow(/CHECK constraint failed/);
    expect(() => insert.run(1, null, -1)).toThrow(/CHECK constraint failed/);
    insert.run(2, null, null);
    insert.run(3, 250, 310);
    s.close();
  });
});
