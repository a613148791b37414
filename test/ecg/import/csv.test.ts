import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvRecord } from '../../../src-main/ecg/import/csv';
import { expectBeatlensError } from '../wfdb/expect-error';

const tmp = mkdtempSync(join(tmpdir(), 'beatlens-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array): string => {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
};

describe('readCsvRecord', () => {
  it('reads columns as leads with a header row of lead names', () => {
    const rec = readCsvRecord(file('rec1.csv', 'MLII,V5\n-0.145,-0.065\n0.5,1e-3\r\n2,-3\n\n'), {
      fs: 360,
    });
    expect(rec).toMatchObject({
      id: 'rec1',
      patientId: 'rec1',
      fs: 360,
      nSamples: 3,
      leadNames: ['MLII', 'V5'],
      units: ['mV', 'mV'],
    });
    expect(Array.from(rec.signals[0])).toEqual([Math.fround(-0.145), 0.5, 2]);
    expect(Array.from(rec.signals[1])).toEqual([Math.fround(-0.065), Math.fround(0.001), -3]);
  });

  it('reads files without a header, with ; or tab delimiters, quotes and a time column', () => {
    const noHeader = readCsvRecord(file('n.csv', '1;2;3\n4;5;6\n'), {
      fs: 500,
      id: 'x',
      patientId: 'p',
    });
    expect(noHeader).toMatchObject({
      id: 'x',
      patientId: 'p',
      nSamples: 2,
      leadNames: ['lead 1', 'lead 2', 'lead 3'],
    });
    expect(Array.from(noHeader.signals[2])).toEqual([3, 6]);
    const timed = readCsvRecord(file('t.csv', '"time"\t"I"\n0\t1.5\n0.002\t2.5\n'), { fs: 500 });
    expect(timed.leadNames).toEqual(['I']);
    expect(Array.from(timed.signals[0])).toEqual([1.5, 2.5]);
  });

  it('rejects bad CSV files with one-line errors naming file and place', () => {
    expectBeatlensError(
      () => readCsvRecord(file('e.csv', ''), { fs: 360 }),
      'csv-empty',
      /e\.csv: CSV file is empty/,
    );
    expectBeatlensError(
      () => readCsvRecord(file('h.csv', 'I,II\n\n'), { fs: 360 }),
      'csv-empty',
      /h\.csv: .*no data rows/,
    );
    expectBeatlensError(
      () => readCsvRecord(file('r.csv', 'I,II\n1,2\n3\n'), { fs: 360 }),
      'csv-ragged',
      /r\.csv: line 3 has 1 field\(s\) but line 1 has 2/,
    );
    expectBeatlensError(
      () => readCsvRecord(file('v.csv', '1,2\n3,abc\n'), { fs: 360 }),
      'csv-value',
      /v\.csv: line 2, column 2: 'abc' is not a number/,
    );
    expectBeatlensError(
      () => readCsvRecord(file('b.csv', '1,2\n\n3,4\n'), { fs: 360 }),
      'csv-ragged',
      /line 2 has 1 field/,
    );
    expectBeatlensError(
      () => readCsvRecord(file('u.csv', new Uint8Array([0x31, 0x2c, 0xff, 0x0a])), { fs: 360 }),
      'csv-encoding',
      /u\.csv: not valid UTF-8 text \(byte 2\)/,
    );
    expectBeatlensError(
      () => readCsvRecord(file('f.csv', '1\n'), { fs: 0 }),
      'csv-fs',
      /f\.csv: .*give fs in Hz \(got 0\)/,
    );
    expectBeatlensError(
      () => readCsvRecord(join(tmp, 'missing.csv'), { fs: 360 }),
      'import-missing-file',
      /missing\.csv: CSV file not found/,
    );
  });
});
