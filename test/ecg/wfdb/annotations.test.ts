import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  aamiClass,
  parseMitAnnotations,
  readBeats,
  readWfdbAnnotations,
} from '../../../src-main/ecg/wfdb/annotations';
import { dataset } from '../../helpers/data';
import { expectBeatlensError } from './expect-error';

/** Tiny MIT-format writer following annot(5), to build streams with every field type. */
class MitWriter {
  bytes: number[] = [];
  word(code: number, value: number): this {
    const w = (code << 10) | (value & 0x3ff);
    this.bytes.push(w & 255, w >> 8);
    return this;
  }
  skip(interval: number): this {
    const u = interval >>> 0;
    this.word(59, 0);
    const high = u >>> 16;
    const low = u & 0xffff;
    this.bytes.push(high & 255, high >> 8, low & 255, low >> 8);
    return this;
  }
  aux(text: string): this {
    const b = [...Buffer.from(text, 'latin1')];
    this.word(63, b.length);
    this.bytes.push(...b);
    if (b.length % 2) this.bytes.push(0);
    return this;
  }
  end(): Uint8Array {
    return new Uint8Array([...this.bytes, 0, 0]);
  }
}

describe('parseMitAnnotations', () => {
  it('decodes codes, time increments, SKIP, NUM, SUB, CHN and AUX', () => {
    const bytes = new MitWriter()
      .word(28, 18) // '+' at 18
      .aux('(N')
      .word(1, 59) // 'N' at 77
      .word(60, 5) // num 5
      .word(62, 1) // chan 1
      .skip(100_000)
      .word(5, 3) // 'V' at 100080, inherits num 5 / chan 1
      .word(61, 2) // subtype 2 (not inherited)
      .word(8, 10) // 'A' at 100090
      .skip(-1) // WFDB's "back one, then a code-0 step" idiom
      .word(0, 1)
      .word(22, 0) // '"' note at 100090
      .aux('odd')
      .end();
    const anns = parseMitAnnotations(bytes, 'x.atr');
    expect(anns).toEqual([
      { sample: 18, symbol: '+', code: 28, subtype: 0, chan: 0, num: 0, aux: '(N' },
      { sample: 77, symbol: 'N', code: 1, subtype: 0, chan: 1, num: 5, aux: '' },
      { sample: 100080, symbol: 'V', code: 5, subtype: 2, chan: 1, num: 5, aux: '' },
      { sample: 100090, symbol: 'A', code: 8, subtype: 0, chan: 1, num: 5, aux: '' },
      { sample: 100090, symbol: '"', code: 22, subtype: 0, chan: 1, num: 5, aux: 'odd' },
    ]);
  });

  it('tolerates a missing end marker and rejects corrupt streams naming the file', () => {
    expect(parseMitAnnotations(new Uint8Array([0x3b, 0x04]), 'a.atr')).toHaveLength(1);
    const err = (bytes: number[], pattern: RegExp) =>
      expectBeatlensError(
        () => parseMitAnnotations(new Uint8Array(bytes), 'bad.atr'),
        'wfdb-annotation-corrupt',
        pattern,
      );
    err([0x3b, 0x04, 0x01], /bad\.atr: corrupt annotation file at byte 2: file ends in the middle/);
    err([0x00, 0xec, 0x01, 0x00], /SKIP without its 4-byte interval/);
    err([0x05, 0xf0], /NUM field before any annotation/);
    err([0x3b, 0x04, 0x09, 0xfc, 0x41], /AUX text of 9 bytes runs past the end/);
    err([0x00, 0xec, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04], /annotation at negative sample -1/);
  });
});

describe('aamiClass', () => {
  it('maps the MIT-BIH beat symbols to AAMI classes and non-beats to null', () => {
    const table: Record<string, string> = {
      N: 'N',
      L: 'N',
      R: 'N',
      e: 'N',
      j: 'N',
      A: 'S',
      a: 'S',
      J: 'S',
      S: 'S',
      V: 'V',
      E: 'V',
      F: 'F',
      '/': 'Q',
      f: 'Q',
      Q: 'Q',
    };
    for (const [sym, cls] of Object.entries(table)) expect(aamiClass(sym), sym).toBe(cls);
    for (const sym of ['+', '~', '|', '"', 'x', '!', '[', ']', 'toString', ''])
      expect(aamiClass(sym), sym).toBeNull();
  });
});

const d = dataset('wfdb-sample-data', '100.atr');

describe.skipIf(!d.present)(`annotations of wfdb-sample-data (${d.skipReason})`, () => {
  it('100.atr: 2273 beats (2239 N, 33 A, 1 V) and one rhythm annotation', () => {
    const anns = readWfdbAnnotations(join(d.dir, '100'));
    expect(anns).toHaveLength(2274);
    expect(anns[0]).toMatchObject({ sample: 18, symbol: '+', aux: '(N' });
    const beats = readBeats(join(d.dir, '100.hea'));
    expect(beats).toHaveLength(2273);
    const count = (s: string) => beats.filter((b) => b.symbol === s).length;
    expect([count('N'), count('A'), count('V')]).toEqual([2239, 33, 1]);
    expect(beats.filter((b) => b.aami === 'S')).toHaveLength(33);
    expect(beats.every((b, i) => i === 0 || b.sample > beats[i - 1].sample)).toBe(true);
    expect(beats[beats.length - 1].sample).toBeLessThan(650000);
  });

  it('reads other annotators: NUM fields (.qrs), CHN (.anI), notes with SKIP -1 (.gqrsh)', () => {
    const qrs = readWfdbAnnotations(join(d.dir, '100'), 'qrs');
    expect(qrs[0]).toMatchObject({ sample: 0, symbol: '"', aux: 'gqrs -r 100' });
    expect(new Set(qrs.map((a) => a.num)).size).toBeGreaterThan(10);
    expect(readBeats(join(d.dir, '100'), 'qrs')).toHaveLength(2273);
    const anI = readWfdbAnnotations(join(d.dir, '12726'), 'anI');
    expect(anI[0]).toMatchObject({ symbol: '"', chan: 1023, aux: 'Initiate slow tilt up' });
    const gqrsh = readWfdbAnnotations(join(d.dir, '03700181'), 'gqrsh');
    expect(gqrsh[0]).toMatchObject({ sample: 0, aux: '## time resolution: 500' });
    expect(readWfdbAnnotations(join(d.dir, 'huge'), 'qrs')[0].sample).toBe(10_000_000_000);
  });

  it('names a missing annotation file', () => {
    expectBeatlensError(
      () => readWfdbAnnotations(join(d.dir, '100'), 'xyz'),
      'wfdb-missing-file',
      /100\.xyz: annotation file not found/,
    );
  });
});
