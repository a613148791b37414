import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRecordFile } from '../../../src-main/ecg/import/load';
import { dataset } from '../../helpers/data';
import { expectBeatlensError } from '../wfdb/expect-error';

const tmp = mkdtempSync(join(tmpdir(), 'beatlens-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const d = dataset('wfdb-sample-data', '100.hea');

describe('loadRecordFile', () => {
  it('dispatches CSV (fs required) and rejects unknown extensions', () => {
    const csv = join(tmp, 'a.CSV');
    writeFileSync(csv, 'I\n1\n2\n');
    expect(loadRecordFile(csv, { fs: 250 })).toMatchObject({
      record: { fs: 250, nSamples: 2 },
      beats: null,
    });
    expectBeatlensError(() => loadRecordFile(csv), 'csv-fs', /a\.CSV: .*give fs in Hz/);
    expectBeatlensError(
      () => loadRecordFile(join(tmp, 'x.wav')),
      'import-unknown-extension',
      /x\.wav: unknown file type '\.wav'; beatlens reads \.hea, \.csv, \.edf/,
    );
  });

  it.skipIf(!d.present)(
    `reads WFDB with beats, EDF, and checks a given fs (${d.skipReason})`,
    () => {
      const { record, beats } = loadRecordFile(join(d.dir, '100.hea'));
      expect(record.nSamples).toBe(650000);
      expect(beats).toHaveLength(2273);
      const dir = mkdtempSync(join(tmp, 'noatr-'));
      for (const f of ['100.hea', '100.dat']) copyFileSync(join(d.dir, f), join(dir, f));
      expect(loadRecordFile(join(dir, '100.hea'), { fs: 360 }).beats).toBeNull();
      expect(loadRecordFile(join(d.dir, 'test_generator_2.edf')).record.fs).toBe(200);
      expectBeatlensError(
        () => loadRecordFile(join(dir, '100.hea'), { fs: 250 }),
        'fs-mismatch',
        /100\.hea: fs=250 Hz was given but the file says 360 Hz/,
      );
    },
  );
});
