import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEdfRecord } from '../../../src-main/ecg/import/edf';
import { readWfdbRecord } from '../../../src-main/ecg/wfdb/record';
import { dataset } from '../../helpers/data';
import { expectBeatlensError } from '../wfdb/expect-error';

const tmp = mkdtempSync(join(tmpdir(), 'beatlens-edf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Sig {
  label: string;
  dim: string;
  pmin: number;
  pmax: number;
  dmin: number;
  dmax: number;
  spr: number;
}

/** Minimal EDF writer per the EDF spec: fixed-width ASCII fields, int16 LE data records. */
function writeEdf(
  name: string,
  sigs: Sig[],
  records: number[][][],
  over: { reserved?: string; nRecords?: string; duration?: string; version?: string } = {},
): string {
  const f = (v: string | number, w: number) => String(v).padEnd(w, ' ').slice(0, w);
  let h =
    f(over.version ?? '0', 8) +
    f('P1 M 01-JAN-1970 X', 80) +
    f('rec', 80) +
    f('01.01.01', 8) +
    f('00.00.00', 8);
  h +=
    f(256 * (sigs.length + 1), 8) +
    f(over.reserved ?? 'EDF+C', 44) +
    f(over.nRecords ?? records.length, 8) +
    f(over.duration ?? '1', 8) +
    f(sigs.length, 4);
  const fields: Array<[keyof Sig | null, number]> = [
    ['label', 16],
    [null, 80],
    ['dim', 8],
    ['pmin', 8],
    ['pmax', 8],
    ['dmin', 8],
    ['dmax', 8],
    [null, 80],
    ['spr', 8],
    [null, 32],
  ];
  for (const [key, w] of fields) for (const s of sigs) h += f(key ? s[key] : '', w);
  const data: number[] = [];
  for (const rec of records)
    for (const samples of rec) for (const v of samples) data.push(v & 255, (v >> 8) & 255);
  const p = join(tmp, name);
  writeFileSync(p, Buffer.concat([Buffer.from(h, 'latin1'), Buffer.from(data)]));
  return p;
}

const ecg = (spr: number): Sig => ({
  label: 'ECG I',
  dim: 'mV',
  pmin: -5,
  pmax: 5,
  dmin: -2048,
  dmax: 2047,
  spr,
});
const ann: Sig = {
  label: 'EDF Annotations',
  dim: '',
  pmin: -1,
  pmax: 1,
  dmin: -32768,
  dmax: 32767,
  spr: 2,
};

describe('readEdfRecord', () => {
  it('scales digital to physical values and skips the annotation channel', () => {
    const p = writeEdf(
      'ok.edf',
      [ecg(4), ann, { ...ecg(4), label: 'ECG II', dim: 'uV' }],
      [
        [
          [-2048, 2047, 0, 1],
          [0, 0],
          [1, 2, 3, 4],
        ],
        [
          [10, 20, 30, 40],
          [0, 0],
          [5, 6, 7, 8],
        ],
      ],
    );
    const rec = readEdfRecord(p);
    expect(rec).toMatchObject({
      id: 'ok',
      patientId: 'P1',
      fs: 4,
      nSamples: 8,
      leadNames: ['ECG I', 'ECG II'],
      units: ['mV', 'uV'],
    });
    const phys = (dig: number) => Math.fround(-5 + ((dig + 2048) * 10) / 4095);
    expect(Array.from(rec.signals[0])).toEqual([-2048, 2047, 0, 1, 10, 20, 30, 40].map(phys));
    expect(Array.from(rec.signals[1])).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(phys));
    // nRecords = -1 (unknown) is resolved from the file size.
    expect(
      readEdfRecord(writeEdf('unk.edf', [ecg(2)], [[[1, 2]], [[3, 4]]], { nRecords: '-1' }))
        .nSamples,
    ).toBe(4);
  });

  it('rejects bad EDF files with one-line errors', () => {
    const one = [[[1, 2]]];
    expectBeatlensError(
      () => readEdfRecord(writeEdf('v.edf', [ecg(2)], one, { version: '1' })),
      'edf-header',
      /v\.edf: bad EDF header: version field '1'/,
    );
    expectBeatlensError(
      () => readEdfRecord(writeEdf('n.edf', [ecg(2)], one, { nRecords: 'ten' })),
      'edf-header',
      /number of data records 'ten' is not an integer/,
    );
    expectBeatlensError(
      () => readEdfRecord(writeEdf('t.edf', [ecg(2)], one, { nRecords: '5' })),
      'edf-truncated',
      /t\.edf: truncated EDF file: header says 5 data records but the file holds 1/,
    );
    expectBeatlensError(
      () => readEdfRecord(writeEdf('d.edf', [ecg(2)], one, { reserved: 'EDF+D' })),
      'edf-discontinuous',
      /EDF\+D/,
    );
    expectBeatlensError(
      () =>
        readEdfRecord(
          writeEdf(
            'm.edf',
            [ecg(2), ecg(4)],
            [
              [
                [1, 2],
                [1, 2, 3, 4],
              ],
            ],
          ),
        ),
      'edf-multifrequency',
      /different rates \(ECG I: 2 Hz, ECG I: 4 Hz\)/,
    );
    expectBeatlensError(
      () => readEdfRecord(writeEdf('a.edf', [ann], [[[0, 0]]])),
      'edf-no-signals',
      /only annotation channels/,
    );
    expectBeatlensError(
      () => readEdfRecord(writeEdf('g.edf', [{ ...ecg(2), dmin: 5, dmax: 5 }], one)),
      'edf-header',
      /digital maximum 5 is not above minimum 5/,
    );
    const short = join(tmp, 'short.edf');
    writeFileSync(short, '0       too short');
    expectBeatlensError(
      () => readEdfRecord(short),
      'edf-header',
      /shorter than the 256-byte header/,
    );
    const hs = writeEdf('hs.edf', [ecg(2)], one);
    const b = readFileSync(hs);
    b.write('999     ', 184, 'latin1');
    writeFileSync(hs, b);
    expectBeatlensError(
      () => readEdfRecord(hs),
      'edf-header',
      /header size 999 should be 256 × \(1 \+ 1 signals\) = 512/,
    );
  });
});

const d = dataset('wfdb-sample-data', 'test_generator_2.edf');

describe.skipIf(!d.present)(`EDF vs WFDB twin in wfdb-sample-data (${d.skipReason})`, () => {
  it('test_generator_2.edf and its WFDB twin agree to within one ADC step', () => {
    const edf = readEdfRecord(join(d.dir, 'test_generator_2.edf'));
    // The twin's header holds Latin-1 '°' units (a non-UTF-8 header, rejected as such); read a
    // copy whose two unit strings are spelt 'deg'.
    const dir = mkdtempSync(join(tmp, 'twin-'));
    copyFileSync(join(d.dir, 'test_generator_2.dat'), join(dir, 'test_generator_2.dat'));
    const hea = readFileSync(join(d.dir, 'test_generator_2.hea'));
    writeFileSync(
      join(dir, 'test_generator_2.hea'),
      Buffer.from(hea.toString('latin1').replaceAll('°', 'deg'), 'latin1'),
    );
    const wfdb = readWfdbRecord(join(dir, 'test_generator_2'));

    expect(edf.fs).toBe(200);
    expect(wfdb.fs).toBe(200);
    expect(edf.nSamples).toBe(120000);
    expect(wfdb.nSamples).toBe(edf.nSamples);
    expect(wfdb.leadNames).toEqual(edf.leadNames);
    const lsb = 2000 / 65535; // uV per digital step in both files
    for (let l = 0; l < edf.signals.length; l++) {
      let maxDiff = 0;
      for (let t = 0; t < edf.nSamples; t++)
        maxDiff = Math.max(maxDiff, Math.abs(edf.signals[l][t] - wfdb.signals[l][t]));
      expect(maxDiff, edf.leadNames[l]).toBeLessThan(lsb);
    }
  });
});
