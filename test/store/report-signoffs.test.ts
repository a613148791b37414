/**
 * Report sign-offs (migration 007): a committed row per sign-off with the signed report, kept
 * over a reopen, append-only, refusing a bad reviewer name or an unknown scan with nothing
 * written; a store of version 6 is upgraded to 7.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore, type Store } from '../../src-main/store';
import { fakeScan, scanBeat, tempDir } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
let store: Store | null = null;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  store?.close();
  store = null;
  tmp.cleanup();
});

function withScan(path: string): { s: Store; scanId: number } {
  const s = (store = openStore(path));
  const scanId = fakeScan(s, [
    scanBeat(100, 'V', {
      score: 1,
      correlation: null,
      segmentLabel: 'PVC',
      segmentProbability: 0.9,
    }),
  ]);
  return { s, scanId };
}

const input = (scanId: number, reviewer = 'Dr A') => ({
  scanId,
  reviewer,
  nDecisions: 2,
  pvcCount: 1,
  totalBeats: 1,
  burdenPercent: 100,
  reportJson: '{"pvcCount":1}',
});

describe('report sign-offs', () => {
  it('keeps each sign-off with its report over a reopen, the latest last', () => {
    const path = join(tmp.dir, 's.sqlite');
    const { s, scanId } = withScan(path);
    const first = s.reportSignoffs.add(input(scanId, '  Dr A  '));
    expect(first.reviewer).toBe('Dr A');
    expect(Date.parse(first.signedAt)).not.toBeNaN();
    s.reportSignoffs.add({ ...input(scanId, 'Dr B'), nDecisions: 3 });
    s.close();
    const again = (store = openStore(path));
    const list = again.reportSignoffs.list(scanId);
    expect(list.map((x) => [x.reviewer, x.nDecisions])).toEqual([
      ['Dr A', 2],
      ['Dr B', 3],
    ]);
    expect(again.reportSignoffs.signedReport(list[0].id)).toBe('{"pvcCount":1}');
    expect(again.counts().report_signoffs).toBe(2);
  });

  it('refuses a bad reviewer name or an unknown scan in one line, and any update', () => {
    const { s, scanId } = withScan(join(tmp.dir, 's.sqlite'));
    for (const name of ['', '   ', 'a\nb', 'x'.repeat(201)]) {
      expect(() => s.reportSignoffs.add(input(scanId, name))).toThrow(
        /reviewer's name must be one line of 1 to 200 characters/,
      );
    }
    expect(() => s.reportSignoffs.add(input(scanId + 99))).toThrow(/scan \d+ is not in the store/);
    expect(s.reportSignoffs.list(scanId)).toEqual([]);
    s.reportSignoffs.add(input(scanId));
    expect(() => s.db.prepare("UPDATE report_signoffs SET reviewer = 'X'").run()).toThrow(
      /append-only/,
    );
  });

  it('upgrades a version-6 store to 7 with the table', () => {
    const path = join(tmp.dir, 'old.sqlite');
    const old = openStore(path, { migrations: MIGRATIONS.slice(0, 6) });
    expect(old.version).toBe(6);
    old.close();
    const s = (store = openStore(path));
    expect(s.version).toBe(MIGRATIONS.length);
    expect(s.version).toBeGreaterThanOrEqual(7);
    expect(s.counts().report_signoffs).toBe(0);
  });
});
