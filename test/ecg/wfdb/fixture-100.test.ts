/**
 * Golden tests of the WFDB reader on a vendored 10 s excerpt of MIT-BIH record 100
 * (test/fixtures/mitdb-100-10s, ODC-By 1.0): they run on a clean clone without ../shared/data.
 * Expected values: the header's own initial values and checksums (the reader verifies the
 * latter), and the annotation list WFDB's `rdann -r 100 -a atr -t 10` prints for these 10 s.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBeats } from '../../../src-main/ecg/wfdb/annotations';
import { readWfdbRecord } from '../../../src-main/ecg/wfdb/record';
import { dataset } from '../../helpers/data';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'mitdb-100-10s', '100');
const mitdb = dataset('mitdb', '100.dat');

describe('MIT-BIH record 100, first 10 s (vendored fixture)', () => {
  it('reads both signals in physical units from format 212', () => {
    const r = readWfdbRecord(FIXTURE);
    expect([r.fs, r.nSamples, r.leadNames]).toEqual([360, 3600, ['MLII', 'V5']]);
    // First samples = header initial values 995 and 1011, (adu − zero 1024) / gain 200.
    expect(r.signals[0][0]).toBeCloseTo((995 - 1024) / 200, 6);
    expect(r.signals[1][0]).toBeCloseTo((1011 - 1024) / 200, 6);
    expect(r.units).toEqual(['mV', 'mV']);
  });

  it('reads the reference beats as rdann lists them', () => {
    const beats = readBeats(FIXTURE);
    expect(beats.map((b) => `${b.sample}${b.symbol}`).join(' ')).toBe(
      '77N 370N 662N 946N 1231N 1515N 1809N 2044A 2402N 2706N 2998N 3282N 3560N',
    );
    expect(beats.find((b) => b.symbol === 'A')!.aami).toBe('S');
  });

  it.skipIf(!mitdb.present)('equals the first 10 s of the full record', () => {
    const part = readWfdbRecord(FIXTURE);
    const full = readWfdbRecord(join(mitdb.dir, '100'));
    for (let l = 0; l < 2; l++) {
      expect(Array.from(part.signals[l])).toEqual(Array.from(full.signals[l].subarray(0, 3600)));
    }
    const fullBeats = readBeats(join(mitdb.dir, '100')).filter((b) => b.sample < 3600);
    expect(readBeats(FIXTURE)).toEqual(fullBeats);
  });
});
