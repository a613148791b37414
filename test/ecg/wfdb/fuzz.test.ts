/**
 * Property/fuzz test of every reader on mutated real data: headers, signal bytes, annotation
 * bytes, EDF and CSV files. Whatever the bytes, a reader either succeeds or throws a one-line
 * BeatlensError naming the file; anything else (TypeError, RangeError, a hang) fails the test.
 * 11,000+ cases in total; small slices of the sample data keep each case well under a millisecond.
 */
import fc from 'fast-check';
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvRecord } from '../../../src-main/ecg/import/csv';
import { readEdfRecord } from '../../../src-main/ecg/import/edf';
import { parseMitAnnotations } from '../../../src-main/ecg/wfdb/annotations';
import { readWfdbAdc, readWfdbRecord } from '../../../src-main/ecg/wfdb/record';
import { isBeatlensError } from '../../../src-main/errors';
import { dataset } from '../../helpers/data';

const d = dataset('wfdb-sample-data', '100.hea');
const RUNS = { header: 4000, signal: 3000, annotation: 3000, edf: 1000, csv: 1000 };

type Op =
  | { kind: 'set'; pos: number; byte: number }
  | { kind: 'delete'; pos: number; len: number }
  | { kind: 'insert'; pos: number; bytes: Uint8Array }
  | { kind: 'token'; index: number; token: string }
  | { kind: 'truncate'; len: number };

const TOKENS = [
  '0',
  '-1',
  '1',
  '65536',
  '99999999999999999999',
  '1e308',
  'NaN',
  'x',
  '',
  '212',
  '16',
  '8',
  '999',
  '16x0',
  '16x3',
  '212:2',
  '16+999999',
  '200(',
  '0/0',
  '/mV',
  '#',
  '~',
  'EDF Annotations',
  '\n',
  '\u00b5',
  '\uFFFD',
];

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    pos: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    pos: fc.nat(),
    len: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    pos: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('token' as const),
    index: fc.nat(),
    token: fc.constantFrom(...TOKENS),
  }),
  fc.record({ kind: fc.constant('truncate' as const), len: fc.nat() }),
);
const ops = fc.array(op, { minLength: 1, maxLength: 4 });

/** Applies mutations; 'token' replaces a whitespace-separated field (meaningful for text). */
function mutate(input: Uint8Array, mutations: Op[]): Uint8Array {
  let b = Buffer.from(input);
  for (const m of mutations) {
    const at = (p: number) => (b.length === 0 ? 0 : p % (b.length + 1));
    if (m.kind === 'set' && b.length > 0) b[m.pos % b.length] = m.byte;
    else if (m.kind === 'delete')
      b = Buffer.concat([b.subarray(0, at(m.pos)), b.subarray(at(m.pos) + m.len)]);
    else if (m.kind === 'insert')
      b = Buffer.concat([b.subarray(0, at(m.pos)), m.bytes, b.subarray(at(m.pos))]);
    else if (m.kind === 'truncate') b = b.subarray(0, at(m.len));
    else if (m.kind === 'token') {
      const parts = b.toString('latin1').split(/( +|\n)/);
      const fields = parts.map((p, i) => [p, i] as const).filter(([p]) => p.trim() !== '');
      if (fields.length > 0) parts[fields[m.index % fields.length][1]] = m.token;
      b = Buffer.from(parts.join(''), 'utf8');
    }
  }
  return b;
}

/** Runs `read`; returns normally on success or a BeatlensError naming `mustName`, else throws. */
function onlyBeatlensErrors(read: () => unknown, mustName: string): void {
  try {
    read();
  } catch (e) {
    if (!isBeatlensError(e)) throw e;
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain(mustName);
  }
}

function ramDir(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

interface Fixture {
  name: string;
  files: Record<string, Uint8Array>;
}

describe.skipIf(!d.present)(`readers never crash on mutated sample data (${d.skipReason})`, () => {
  // Thousands of small rewrites: a RAM-backed folder where there is one (/tmp rewrites cost ms).
  const tmp = mkdtempSync(join(ramDir(), 'beatlens-fuzz-'));
  const fixtures: Fixture[] = [];
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  beforeAll(() => {
    // Small records: the first frames of real records with headers rewritten to that length and
    // the matching checksums, so that unmutated fixtures read cleanly.
    const shrink = (name: string, frames: number, bytesPerFrame: number, offset = 0): Fixture => {
      const full = readWfdbAdc(join(d.dir, name));
      const h = full.header;
      const lines = [`${name} ${h.nSignals} ${h.fs} ${frames}`];
      h.signals.forEach((s, i) => {
        let sum = 0;
        for (let t = 0; t < frames * s.samplesPerFrame; t++) sum += full.adc[i][t];
        const fmt = `${s.format}${s.samplesPerFrame > 1 ? `x${s.samplesPerFrame}` : ''}${s.byteOffset ? `+${s.byteOffset}` : ''}`;
        lines.push(
          `${s.fileName} ${fmt} ${s.gain}(${s.baseline})/${s.units} ${s.adcResolution} ${s.adcZero} ${s.initValue} ${((sum % 65536) + 65536) % 65536} 0 ${s.description}`,
        );
      });
      lines.push('# 69 M 1085 1629 x1');
      const files: Record<string, Uint8Array> = {
        [`${name}.hea`]: Buffer.from(lines.join('\n') + '\n'),
      };
      for (const s of h.signals) {
        files[s.fileName] = readFileSync(join(d.dir, s.fileName)).subarray(
          0,
          offset + frames * bytesPerFrame,
        );
      }
      return { name, files };
    };
    fixtures.push(shrink('100', 200, 3));
    fixtures.push(shrink('a103l', 100, 6, 24));
    fixtures.push(shrink('test01_00s', 100, 8));
    fixtures.push(shrink('3000003_0003', 300, 2));
    fixtures.push(shrink('310derive', 300, 8 / 3));
    fixtures.push(shrink('311derive', 300, 4 / 3));
    fixtures.push(shrink('binformats', 499, 4)); // one file per signal; generous slice
    for (const f of fixtures) {
      const dir = join(tmp, `base-${f.name}`);
      mkdirSync(dir);
      for (const [file, bytes] of Object.entries(f.files)) writeFileSync(join(dir, file), bytes);
      expect(readWfdbRecord(join(dir, f.name)).nSamples).toBeGreaterThan(0);
    }
  });

  /** One folder per fixture and variant, created once; cases overwrite only the mutated file. */
  const dirs = new Map<string, string>();
  const caseDir = (key: string, init: (dir: string) => void): string => {
    let dir = dirs.get(key);
    if (!dir) {
      dir = join(tmp, `case-${key}`);
      mkdirSync(dir);
      init(dir);
      dirs.set(key, dir);
    }
    return dir;
  };

  it(`mutated headers: ${RUNS.header} cases`, () => {
    fc.assert(
      fc.property(fc.nat(), ops, (which, mutations) => {
        const f = fixtures[which % fixtures.length];
        const dir = caseDir(`h-${f.name}`, (dir) => {
          for (const [file, bytes] of Object.entries(f.files))
            writeFileSync(join(dir, file), bytes);
        });
        writeFileSync(join(dir, `${f.name}.hea`), mutate(f.files[`${f.name}.hea`], mutations));
        onlyBeatlensErrors(() => readWfdbRecord(join(dir, f.name)), dir);
      }),
      { numRuns: RUNS.header },
    );
  });

  it(`mutated signal bytes: ${RUNS.signal} cases`, () => {
    fc.assert(
      fc.property(fc.nat(), fc.boolean(), ops, (which, dropChecksums, mutations) => {
        const f = fixtures[which % fixtures.length];
        const dir = caseDir(`s-${f.name}-${dropChecksums}`, (dir) => {
          // Without checksums the reader must still survive whatever the samples are.
          const text = Buffer.from(f.files[`${f.name}.hea`]).toString();
          const noSums = text.replace(/^(\S+ \S+ \S+ \S+ \S+ \S+) \S+ \S+ /gm, '$1 ');
          writeFileSync(join(dir, `${f.name}.hea`), dropChecksums ? noSums : text);
        });
        const byteOps = mutations.filter((m) => m.kind !== 'token');
        for (const [file, bytes] of Object.entries(f.files)) {
          if (!file.endsWith('.hea')) writeFileSync(join(dir, file), mutate(bytes, byteOps));
        }
        onlyBeatlensErrors(() => readWfdbRecord(join(dir, f.name)), dir);
      }),
      { numRuns: RUNS.signal },
    );
  });

  it(`mutated annotation bytes: ${RUNS.annotation} cases`, () => {
    const sources = [
      readFileSync(join(d.dir, '100.atr')).subarray(0, 400),
      readFileSync(join(d.dir, '100.qrs')).subarray(0, 400),
      readFileSync(join(d.dir, '03700181.gqrsh')).subarray(0, 400),
      readFileSync(join(d.dir, '12726.anI')),
      readFileSync(join(d.dir, 'huge.qrs')),
    ];
    fc.assert(
      fc.property(fc.nat(), ops, (which, mutations) => {
        const bytes = mutate(
          sources[which % sources.length],
          mutations.filter((m) => m.kind !== 'token'),
        );
        onlyBeatlensErrors(() => {
          for (const a of parseMitAnnotations(bytes, 'fuzz.atr')) {
            if (!(Number.isSafeInteger(a.sample) && a.sample >= 0))
              throw new Error(`bad sample ${a.sample}`);
          }
        }, 'fuzz.atr');
      }),
      { numRuns: RUNS.annotation },
    );
  });

  it(`mutated EDF files: ${RUNS.edf} cases`, () => {
    // test_generator_2.edf cut to its header and 2 data records (nRecords rewritten to 2).
    const full = readFileSync(join(d.dir, 'test_generator_2.edf'));
    const recordBytes = 2 * (11 * 200 + 51);
    const small = Buffer.from(full.subarray(0, 3328 + 2 * recordBytes));
    small.write('2       ', 236, 'latin1');
    const path = join(tmp, 'fuzz.edf');
    writeFileSync(path, small);
    expect(readEdfRecord(path).nSamples).toBe(400);
    fc.assert(
      fc.property(ops, fc.boolean(), (mutations, headerOnly) => {
        // Most interesting bytes are in the header: aim mutations there half of the time.
        const target = headerOnly ? small.subarray(0, 3328) : small;
        const mutated = mutate(target, mutations);
        writeFileSync(path, headerOnly ? Buffer.concat([mutated, small.subarray(3328)]) : mutated);
        onlyBeatlensErrors(() => readEdfRecord(path), path);
      }),
      { numRuns: RUNS.edf },
    );
  });

  it(`mutated CSV files: ${RUNS.csv} cases`, () => {
    const csv = Buffer.from('MLII,V5\n-0.145,-0.065\n-0.145,-0.065\n-0.15,-0.07\n0.5,1e-3\n');
    const path = join(tmp, 'fuzz.csv');
    fc.assert(
      fc.property(ops, (mutations) => {
        writeFileSync(path, mutate(csv, mutations));
        onlyBeatlensErrors(() => readCsvRecord(path, { fs: 360 }), path);
      }),
      { numRuns: RUNS.csv },
    );
  });
});
