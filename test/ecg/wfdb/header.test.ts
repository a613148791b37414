import { describe, expect, it } from 'vitest';
import { parseWfdbHeader, readWfdbHeader, wfdbStartTime } from '../../../src-main/ecg/wfdb/header';
import { dataset } from '../../helpers/data';
import { expectBeatlensError as expectError } from './expect-error';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const parse = (s: string) => parseWfdbHeader(enc(s), '/x/rec.hea');

describe('parseWfdbHeader', () => {
  it('reads every record- and signal-line field', () => {
    const h = parse(
      [
        'rec 2 250/24000(12) 1000 10:00:00 01/02/2003',
        'rec.dat 212x2:0+24 200(1000)/uV 12 1024 995 -22131 512 lead II with spaces',
        'other.dat 16 0 16 0',
        '# 69 M 1085 1629 x1',
        '# Aldomet, Inderal',
      ].join('\n'),
    );
    expect(h).toMatchObject({
      recordName: 'rec',
      nSignals: 2,
      fs: 250,
      counterFreq: 24000,
      baseCounter: 12,
      nSamples: 1000,
      baseTime: '10:00:00',
      baseDate: '01/02/2003',
      age: 69,
      sex: 'M',
      comments: ['69 M 1085 1629 x1', 'Aldomet, Inderal'],
    });
    expect(h.signals[0]).toEqual({
      fileName: 'rec.dat',
      format: 212,
      samplesPerFrame: 2,
      skew: 0,
      byteOffset: 24,
      gain: 200,
      baseline: 1000,
      units: 'uV',
      adcResolution: 12,
      adcZero: 1024,
      initValue: 995,
      checksum: -22131,
      blockSize: 512,
      description: 'lead II with spaces',
    });
    // gain 0 means WFDB's default 200; baseline defaults to adcZero; units to mV.
    expect(h.signals[1]).toMatchObject({ gain: 200, baseline: 0, units: 'mV', checksum: null });
    expect(h.signals[1].initValue).toBe(0);
  });

  it('applies WFDB defaults when optional fields are absent', () => {
    const h = parse('r 1\nr.dat 16');
    expect(h.fs).toBe(250);
    expect(h.nSamples).toBeNull();
    expect(h.signals[0]).toMatchObject({ gain: 200, baseline: 0, units: 'mV', description: '' });
  });

  it('accepts exponents, negative gains and comments before the record line', () => {
    const h = parse(
      '# note\nr 2 15.5\nr.dat 16 1.052e+04/mV 16 0 9127\nr.dat 16 -19.3(3064)/degC 11 2048 2461',
    );
    expect(h.fs).toBe(15.5);
    expect(h.signals[0].gain).toBeCloseTo(10520);
    expect(h.signals[1]).toMatchObject({ gain: -19.3, baseline: 3064, units: 'degC' });
  });

  it('parses <age>/<sex> style comments', () => {
    const h = parse('r 1 500\nr.dat 16\n# <age>: 25  <sex>: F  <diagnoses>: (none)');
    expect(h.age).toBe(25);
    expect(h.sex).toBe('F');
  });

  it('rejects bad headers with one-line errors naming the file', () => {
    expectError(() => parse(''), 'wfdb-header', /rec\.hea: header has no record line/);
    expectError(() => parse('r/3 2 360'), 'wfdb-multisegment', /multi-segment/);
    expectError(() => parse('r two 360'), 'wfdb-header', /line 1: number of signals 'two'/);
    expectError(() => parse('r 2 360 650000\nr.dat 212'), 'wfdb-header', /says 2 signals but 1/);
    expectError(() => parse('r 1 abc'), 'wfdb-header', /sampling frequency/);
    expectError(() => parse('r 1 0'), 'wfdb-header', /must be positive/);
    expectError(() => parse('r 1 360 -5\nr.dat 16'), 'wfdb-header', /negative/);
    expectError(() => parse('r 1 360\nr.dat 16q'), 'wfdb-header', /form format/);
    expectError(() => parse('r 1 360\nr.dat 16 20x'), 'wfdb-header', /gain/);
    expectError(() => parse('r 1 360\nr.dat 16 200 12 0 1.5'), 'wfdb-header', /initial value/);
    expectError(
      () => parseWfdbHeader(new Uint8Array([0x72, 0x20, 0x31, 0x20, 0xb5, 0x0a]), '/x/bad.hea'),
      'wfdb-header-encoding',
      /bad\.hea: not valid UTF-8 text \(byte 4\)/,
    );
  });
});

const sample = dataset('wfdb-sample-data', '100.hea');

describe.skipIf(!sample.present)(
  `readWfdbHeader on wfdb-sample-data (${sample.skipReason})`,
  () => {
    it('reads MIT-BIH record 100', () => {
      const h = readWfdbHeader(`${sample.dir}/100.hea`);
      expect(h).toMatchObject({ recordName: '100', nSignals: 2, fs: 360, nSamples: 650000 });
      expect(h.age).toBe(69);
      expect(h.sex).toBe('M');
      expect(h.signals.map((s) => s.description)).toEqual(['MLII', 'V5']);
      expect(h.signals.map((s) => [s.format, s.gain, s.baseline, s.adcZero, s.checksum])).toEqual([
        [212, 200, 1024, 1024, -22131],
        [212, 200, 1024, 1024, 20052],
      ]);
    });

    it('reads a header without a length and one with counter frequency', () => {
      expect(readWfdbHeader(`${sample.dir}/100-no-len.hea`).nSamples).toBeNull();
      const h = readWfdbHeader(`${sample.dir}/12726.hea`);
      expect(h).toMatchObject({ fs: 250, counterFreq: 24000, age: 28, sex: 'M' });
    });

    it('reports the non-UTF-8 byte of test_generator_2.hea', () => {
      expectError(
        () => readWfdbHeader(`${sample.dir}/test_generator_2.hea`),
        'wfdb-header-encoding',
        /test_generator_2\.hea: not valid UTF-8 text \(byte \d+\)/,
      );
    });

    it('names a missing header', () => {
      expectError(
        () => readWfdbHeader(`${sample.dir}/nope.hea`),
        'wfdb-missing-file',
        /nope\.hea: header file not found/,
      );
    });
  },
);

describe('wfdbStartTime', () => {
  it('reads [[HH:]MM:]SS[.sss] and DD/MM/YYYY as WFDB does', () => {
    expect(wfdbStartTime('10:00:00', '01/02/2003')).toEqual({
      secondsOfDay: 36000,
      date: '2003-02-01',
    });
    expect(wfdbStartTime('8:05:30.5', null)).toEqual({ secondsOfDay: 29130.5, date: null });
    expect(wfdbStartTime('05:30', null)).toEqual({ secondsOfDay: 330, date: null });
    expect(wfdbStartTime('42', null)).toEqual({ secondsOfDay: 42, date: null });
  });

  it('gives null for an absent or malformed time and drops an impossible date', () => {
    expect(wfdbStartTime(null, null)).toBeNull();
    expect(wfdbStartTime('25:00:00', null)).toBeNull();
    expect(wfdbStartTime('10:61:00', null)).toBeNull();
    expect(wfdbStartTime('<script>', '01/02/2003')).toBeNull();
    expect(wfdbStartTime('10:00:00', '31/02/2003')).toEqual({ secondsOfDay: 36000, date: null });
  });
});
