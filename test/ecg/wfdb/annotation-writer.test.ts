/**
 * The MIT-format annotation writer against the reader and against real files: PhysioNet's own
 * annotation files (MIT-BIH reference labels, gqrs output) are rewritten byte for byte from what
 * the reader made of them, and every annotation file at hand reads back the same after a rewrite.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMitAnnotations, readWfdbAnnotations } from '../../../src-main/ecg/wfdb/annotations';
import {
  annotationCode,
  formatMitAnnotations,
  writeWfdbAnnotations,
} from '../../../src-main/ecg/wfdb/annotation-writer';
import { dataset } from '../../helpers/data';
import { tempDir } from '../../store/fixtures';
import { expectBeatlensError } from './expect-error';

const sample = dataset('wfdb-sample-data', '100.atr');
const mitdb = dataset('mitdb', '100.atr');
const ANNOTATION_FILE = /\.(atr|qrs|sqrs|gqrsh|gqrsl|anI|wabp|wqrs)$/;

function rewrite(path: string): { bytes: Buffer; again: Uint8Array } {
  const bytes = readFileSync(path);
  return { bytes, again: formatMitAnnotations(parseMitAnnotations(bytes, path)) };
}

describe('formatMitAnnotations', () => {
  it('round-trips codes, steps over 1023 (SKIP), SUB, CHN, NUM and AUX through the reader', () => {
    const anns = [
      { sample: 0, code: 28, aux: '(N' },
      { sample: 18, code: 1 },
      { sample: 5000, code: 5, chan: 1, num: 3 },
      { sample: 5000, code: 16, subtype: -1, chan: 1, num: 3 },
      { sample: 70_000_000, code: 8, aux: 'odd' },
      { sample: 10_000_000_000, code: 1 },
    ];
    const back = parseMitAnnotations(formatMitAnnotations(anns), 'x.rev');
    expect(back.map((a) => [a.sample, a.symbol, a.subtype, a.chan, a.num, a.aux])).toEqual([
      [0, '+', 0, 0, 0, '(N'],
      [18, 'N', 0, 0, 0, ''],
      [5000, 'V', 0, 1, 3, ''],
      [5000, '|', -1, 1, 3, ''],
      [70_000_000, 'A', 0, 1, 3, 'odd'],
      [10_000_000_000, 'N', 0, 1, 3, ''],
    ]);
    expect([...formatMitAnnotations([])]).toEqual([0, 0]);
  });

  it('maps mnemonics to codes as the reader does', () => {
    expect(['N', 'S', 'V', 'F', 'Q', '|', '+'].map(annotationCode)).toEqual([
      1, 9, 5, 6, 13, 16, 28,
    ]);
    expect(annotationCode('artefact')).toBeNull();
  });

  it('refuses unsorted, negative or out-of-range annotations in one line', () => {
    expectBeatlensError(
      () =>
        formatMitAnnotations([
          { sample: 10, code: 1 },
          { sample: 9, code: 1 },
        ]),
      'wfdb-annotation-invalid',
      /annotation 1: sample 9 comes before the previous one \(10\)/,
    );
    expectBeatlensError(
      () => formatMitAnnotations([{ sample: -1, code: 1 }]),
      'wfdb-annotation-invalid',
      /sample -1/,
    );
    expectBeatlensError(
      () => formatMitAnnotations([{ sample: 1, code: 60 }]),
      'wfdb-annotation-invalid',
      /code 60/,
    );
    expectBeatlensError(
      () => formatMitAnnotations([{ sample: 1, code: 1, aux: 'x'.repeat(300) }]),
      'wfdb-annotation-invalid',
      /aux text of 300 bytes/,
    );
  });

  it('writes <record>.<ext> beside the record through a temporary file', () => {
    const tmp = tempDir('beatlens-ann-');
    try {
      const path = writeWfdbAnnotations(join(tmp.dir, 'r1.hea'), 'rev', [{ sample: 3, code: 5 }]);
      expect(path).toBe(join(tmp.dir, 'r1.rev'));
      expect(readWfdbAnnotations(join(tmp.dir, 'r1'), 'rev').map((a) => a.symbol)).toEqual(['V']);
      expect(readdirSync(tmp.dir)).toEqual(['r1.rev']);
      expectBeatlensError(
        () => writeWfdbAnnotations(join(tmp.dir, 'r1'), '../x', []),
        'wfdb-annotation-invalid',
        /annotator/,
      );
    } finally {
      tmp.cleanup();
    }
  });
});

describe.skipIf(!sample.present)('PhysioNet annotation files (wfdb-sample-data)', () => {
  it.each(['100.atr', '100.qrs', '03700181.gqrsl'])('rewrites %s byte for byte', (name) => {
    const { bytes, again } = rewrite(join(sample.dir, name));
    expect(Buffer.from(again).equals(bytes)).toBe(true);
  });

  it('reads every annotation file back the same after a rewrite', () => {
    const files = readdirSync(sample.dir).filter((f) => ANNOTATION_FILE.test(f));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const path = join(sample.dir, f);
      const { bytes, again } = rewrite(path);
      expect(parseMitAnnotations(again, f), f).toEqual(parseMitAnnotations(bytes, path));
    }
  });
});

describe.skipIf(!mitdb.present)('MIT-BIH reference annotations (mitdb)', () => {
  it('rewrites the reference labels of most records byte for byte and all of them faithfully', () => {
    const files = readdirSync(mitdb.dir).filter((f) => f.endsWith('.atr'));
    const identical: string[] = [];
    for (const f of files) {
      const path = join(mitdb.dir, f);
      const { bytes, again } = rewrite(path);
      expect(parseMitAnnotations(again, f), f).toEqual(parseMitAnnotations(bytes, path));
      if (Buffer.from(again).equals(bytes)) identical.push(f.replace('.atr', ''));
    }
    // The others carry AUX text written without its terminating NUL, which we always add.
    for (const r of ['100', '119', '200', '203', '208', '233']) expect(identical).toContain(r);
    expect(identical.length).toBeGreaterThan(files.length * 0.8);
  });
});
