import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBeats } from '../../../src-main/ecg/wfdb/annotations';
import { readWfdbAdc, readWfdbRecord } from '../../../src-main/ecg/wfdb/record';
import { dataset } from '../../helpers/data';
import { expectBeatlensError } from './expect-error';

const d = dataset('wfdb-sample-data', '100.hea');
const tmp = mkdtempSync(join(tmpdir(), 'beatlens-wfdb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Copies a record's files into a fresh temp folder, optionally rewriting the header. */
function copyRecord(name: string, files: string[], header?: (text: string) => string): string {
  const dir = mkdtempSync(join(tmp, `${name}-`));
  for (const f of files) copyFileSync(join(d.dir, f), join(dir, f));
  if (header) {
    const h = join(dir, `${name}.hea`);
    writeFileSync(h, header(readFileSync(h, 'utf8')));
  }
  return join(dir, name);
}

describe.skipIf(!d.present)(`readWfdbRecord on wfdb-sample-data (${d.skipReason})`, () => {
  it('reads MIT-BIH record 100: 650000 samples × 2 leads at 360 Hz, checksums verified', () => {
    const rec = readWfdbRecord(join(d.dir, '100'));
    expect(rec).toMatchObject({
      id: '100',
      patientId: '100',
      fs: 360,
      nSamples: 650000,
      leadNames: ['MLII', 'V5'],
      units: ['mV', 'mV'],
    });
    expect(rec.signals.map((s) => s.length)).toEqual([650000, 650000]);
    expect(rec.signals[0]).toBeInstanceOf(Float32Array);
    // Header initial values 995 and 1011, baseline 1024, gain 200 → (995-1024)/200, (1011-1024)/200.
    expect(rec.signals[0][0]).toBeCloseTo(-0.145, 6);
    expect(rec.signals[1][0]).toBeCloseTo(-0.065, 6);
    expect(readWfdbRecord(join(d.dir, '100.hea'), { patientId: 'p1' }).patientId).toBe('p1');
  });

  it('matches samples decoded by hand from the bytes of 100.dat', () => {
    const rec = readWfdbRecord(join(d.dir, '100'));
    const dat = readFileSync(join(d.dir, '100.dat'));
    for (const frame of [1, 1000, 123_457, 649_999]) {
      // Format 212, two signals: frame f is bytes 3f..3f+2; the middle byte's low nibble is the
      // top of signal 0, its high nibble the top of signal 1.
      const [b0, b1, b2] = [dat[3 * frame], dat[3 * frame + 1], dat[3 * frame + 2]];
      const twelveBit = (v: number) => (v >= 2048 ? v - 4096 : v);
      const adc0 = twelveBit(b0 + 256 * (b1 % 16));
      const adc1 = twelveBit(b2 + 256 * Math.floor(b1 / 16));
      expect(rec.signals[0][frame]).toBeCloseTo((adc0 - 1024) / 200, 6);
      expect(rec.signals[1][frame]).toBeCloseTo((adc1 - 1024) / 200, 6);
    }
  });

  it('places the R peaks of MLII at the annotated beats', () => {
    const rec = readWfdbRecord(join(d.dir, '100'));
    const beats = readBeats(join(d.dir, '100'));
    const mlii = rec.signals[0];
    const median = Float32Array.from(mlii).sort()[mlii.length >> 1];
    const peakNear = (at: number) => {
      let max = -Infinity;
      for (let t = Math.max(0, at - 20); t <= Math.min(mlii.length - 1, at + 20); t++)
        max = Math.max(max, mlii[t]);
      return max - median > 0.5; // mV above the baseline
    };
    const hits = beats.filter((b) => peakNear(b.sample)).length;
    expect(hits / beats.length).toBeGreaterThan(0.99);
    // Control: the same test at positions half a beat away from every annotation mostly fails.
    const between = beats
      .slice(1)
      .filter((b, i) => peakNear(Math.round((b.sample + beats[i].sample) / 2))).length;
    expect(between / beats.length).toBeLessThan(0.2);
  });

  it('the first decoded sample of every signal equals the header initial value', () => {
    for (const r of [
      '100',
      '100_3chan',
      'a103l',
      'binformats',
      'test01_00s',
      'v102s',
      's0010_re',
      'p10143',
      '3000003_0003',
      '310derive',
      '311derive',
    ]) {
      const { header, adc } = readWfdbAdc(join(d.dir, r));
      expect(
        adc.map((s) => s[0]),
        r,
      ).toEqual(header.signals.map((s) => s.initValue));
    }
  });

  it('derives the length from the file size when the header has none', () => {
    const a = readWfdbRecord(join(d.dir, '100'));
    const b = readWfdbRecord(join(d.dir, '100-no-len'));
    expect(b.nSamples).toBe(650000);
    // Byte comparison: vitest's deep equality is slow on 650000-element arrays.
    expect(Buffer.compare(Buffer.from(b.signals[1].buffer), Buffer.from(a.signals[1].buffer))).toBe(
      0,
    );
    expect(readWfdbRecord(join(d.dir, 'a103l-no-len')).nSamples).toBe(82500);
  });

  it("keeps the header's base time and date as the record's start time", () => {
    expect(readWfdbRecord(join(d.dir, '100')).startTime).toBeUndefined();
    const timed = copyRecord('100', ['100.hea', '100.dat'], (h) =>
      h.replace(/^100 2 360 650000/m, '100 2 360 650000 23:15:07 31/12/1999'),
    );
    expect(readWfdbRecord(timed).startTime).toEqual({
      secondsOfDay: 23 * 3600 + 15 * 60 + 7,
      date: '1999-12-31',
    });
  });

  // Every one of these reads only if each signal's 16-bit sum matches the header checksum.
  it.each([
    ['binformats', 200, 499, 10], // formats 8, 16, 61, 80, 160, 212, 310, 311, 24, 32
    ['310derive', 250, 1026, 2],
    ['310derive_2', 360, 1020, 1],
    ['310derive_3', 360, 1018, 1], // 310 ending inside a 4-byte group
    ['311derive', 250, 1026, 1],
    ['311derive_2', 360, 1020, 1],
    ['311derive_3', 360, 1019, 1],
    ['311derive_4', 360, 1018, 1],
    ['3000003_0003', 125, 1028, 2], // format 80
    ['a103l', 250, 82500, 3], // format 16 with byte offset 24
    ['test01_00s', 500, 4000, 4],
    ['100_3chan', 360, 999, 3], // 212 with an odd number of samples
    ['v102s', 250, 75000, 4], // gain 0 in adcResolution column
    ['p10143', 500, 450000, 2], // format 61
    ['s0010_re', 1000, 38400, 15], // two signal files
  ])('%s: %d Hz, %d samples × %d signals, checksums match', (name, fs, nSamples, nLeads) => {
    const rec = readWfdbRecord(join(d.dir, name));
    expect([rec.fs, rec.nSamples, rec.signals.length]).toEqual([fs, nSamples, nLeads]);
    for (const s of rec.signals) expect(s.length).toBe(nSamples);
  });

  it('decodes the binformats ramps consistently across formats', () => {
    const { adc } = readWfdbAdc(join(d.dir, 'binformats'));
    // Signals 1 (fmt 16), 2 (61) and 4 (160) hold the same 16-bit ramp shifted by a constant;
    // signals 6 (310) and 7 (311) the same 10-bit ramp within rounding.
    const diff = (a: Int32Array, b: Int32Array): Set<number> => new Set(a.map((v, i) => v - b[i]));
    expect(diff(adc[2], adc[1])).toEqual(new Set([1]));
    expect(diff(adc[4], adc[1])).toEqual(new Set([3]));
    const diff10 = new Set(Array.from(diff(adc[7], adc[6])).map((v) => ((v % 1024) + 1024) % 1024));
    expect([...diff10].every((v) => v === 1 || v === 2)).toBe(true); // rounded independently
    // Format 8 is integrated differences starting at the initial value: it stays in 12 bits.
    expect(adc[0].every((v) => v >= -2048 && v <= 2047)).toBe(true);
  });

  it('310derive and 3000003_0003 (format 80) hold the same samples', () => {
    const a = readWfdbAdc(join(d.dir, '310derive')).adc;
    const b = readWfdbAdc(join(d.dir, '3000003_0003')).adc;
    expect(Array.from(a[0])).toEqual(Array.from(b[0].subarray(0, 1026)));
    expect(Array.from(a[1])).toEqual(Array.from(b[1].subarray(0, 1026)));
  });

  it('reads multi-frequency frames as raw ADC and rejects them as an EcgRecord', () => {
    const { adc } = readWfdbAdc(join(d.dir, 'test01_00s_frame'));
    expect(adc.map((s) => s.length)).toEqual([4000, 8000, 4000]);
    expectBeatlensError(
      () => readWfdbRecord(join(d.dir, 'test01_00s_frame')),
      'wfdb-multifrequency',
      /test01_00s_frame\.hea: signals are sampled at different rates/,
    );
  });

  it('rejects unsupported records with clear one-line errors', () => {
    expectBeatlensError(
      () => readWfdbRecord(join(d.dir, '100skew')),
      'wfdb-skew-unsupported',
      /100skew\.hea: signal 1 is skewed by 3/,
    );
    expectBeatlensError(
      () => readWfdbRecord(join(d.dir, 'flacformats')),
      'wfdb-format-unsupported',
      /FLAC-compressed format 508/,
    );
    expectBeatlensError(
      () => readWfdbRecord(join(d.dir, 'multi-segment/041s/041s')),
      'wfdb-multisegment',
      /041s\.hea: multi-segment record/,
    );
    expectBeatlensError(
      () => readWfdbRecord(join(d.dir, '12726')),
      'wfdb-missing-file',
      /12726\.dat: signal file named by 12726\.hea not found/,
    );
    expectBeatlensError(
      () => readWfdbRecord(join(d.dir, 'nope')),
      'wfdb-missing-file',
      /nope\.hea: header file not found/,
    );
  });

  it('rejects a missing .dat, a truncated .dat, a lying header, an unknown format and a corrupt byte', () => {
    const files = ['100.hea', '100.dat'];
    const noDat = copyRecord('100', ['100.hea']);
    expectBeatlensError(
      () => readWfdbRecord(noDat),
      'wfdb-missing-file',
      /100\.dat: signal file named by 100\.hea not found/,
    );

    const truncated = copyRecord('100', files);
    writeFileSync(`${truncated}.dat`, readFileSync(`${truncated}.dat`).subarray(0, 1_000_000));
    expectBeatlensError(
      () => readWfdbRecord(truncated),
      'wfdb-truncated',
      /100\.dat: truncated .* says 650000 samples .* holds only 333333/,
    );

    const lying = copyRecord('100', files, (h) =>
      h.replace('100 2 360 650000', '100 2 360 650001'),
    );
    expectBeatlensError(() => readWfdbRecord(lying), 'wfdb-truncated', /says 650001 samples/);

    const shorter = copyRecord('100', files, (h) =>
      h.replace('100 2 360 650000', '100 2 360 649000'),
    );
    expectBeatlensError(
      () => readWfdbRecord(shorter),
      'wfdb-checksum',
      /100\.dat: checksum mismatch for signal 0 \(MLII\): 100\.hea says -22131/,
    );

    const unknown = copyRecord('100', files, (h) => h.replace(/100\.dat 212/g, '100.dat 999'));
    expectBeatlensError(
      () => readWfdbRecord(unknown),
      'wfdb-format-unknown',
      /signal 0 has unknown storage format 999/,
    );

    const corrupt = copyRecord('100', files);
    const bytes = readFileSync(`${corrupt}.dat`);
    bytes[300_001] ^= 0x10; // high nibble of byte 1 of a 212 group: signal 1 only
    writeFileSync(`${corrupt}.dat`, bytes);
    expectBeatlensError(
      () => readWfdbRecord(corrupt),
      'wfdb-checksum',
      /checksum mismatch for signal 1 \(V5\)/,
    );
  });
});
