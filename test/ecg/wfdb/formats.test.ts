import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SUPPORTED_FORMATS,
  decodeStream,
  samplesInBytes,
} from '../../../src-main/ecg/wfdb/formats';
import type { WfdbFormat } from '../../../src-main/ecg/wfdb/formats';

/**
 * Independent encoders written from the format descriptions in PhysioNet's signal(5) page
 * (bit by bit, not by inverting the decoder's expressions).
 */
function encode(format: Exclude<WfdbFormat, 8>, values: number[]): Uint8Array {
  const bytes: number[] = [];
  const u = (v: number, bits: number): number => ((v % 2 ** bits) + 2 ** bits) % 2 ** bits;
  switch (format) {
    case 80:
      values.forEach((v) => bytes.push(v + 128));
      break;
    case 16:
      values.forEach((v) => bytes.push(u(v, 16) & 255, u(v, 16) >> 8));
      break;
    case 61:
      values.forEach((v) => bytes.push(u(v, 16) >> 8, u(v, 16) & 255));
      break;
    case 160:
      values.forEach((v) => bytes.push((v + 32768) & 255, (v + 32768) >> 8));
      break;
    case 24:
      values.forEach((v) => bytes.push(u(v, 24) & 255, (u(v, 24) >> 8) & 255, u(v, 24) >>> 16));
      break;
    case 32:
      values.forEach((v) => {
        const w = u(v, 32);
        bytes.push(
          w % 256,
          Math.floor(w / 256) % 256,
          Math.floor(w / 65536) % 256,
          Math.floor(w / 2 ** 24),
        );
      });
      break;
    case 212:
      // Sample pairs: byte 0 = low 8 bits of s0; byte 1 = high 4 of s0 (low nibble) | high 4 of
      // s1 (high nibble); byte 2 = low 8 bits of s1. An odd last sample uses two bytes.
      for (let i = 0; i < values.length; i += 2) {
        const a = u(values[i], 12);
        const b = i + 1 < values.length ? u(values[i + 1], 12) : 0;
        bytes.push(a & 255, (a >> 8) | ((b >> 8) << 4));
        if (i + 1 < values.length) bytes.push(b & 255);
      }
      break;
    case 310:
      // Per 3 samples, two 16-bit LE words: word0 = s0 << 1 | (s2 low 5 bits) << 11,
      // word1 = s1 << 1 | (s2 high 5 bits) << 11; bit 0 of each word unused.
      for (let i = 0; i < values.length; i += 3) {
        const [a, b, c] = [0, 1, 2].map((k) => (i + k < values.length ? u(values[i + k], 10) : 0));
        const w0 = (a << 1) | ((c & 31) << 11);
        const w1 = (b << 1) | ((c >> 5) << 11);
        bytes.push(w0 & 255, w0 >> 8);
        if (i + 1 < values.length || i + 2 < values.length) bytes.push(w1 & 255, w1 >> 8);
      }
      break;
    case 311: {
      // Per 3 samples, one 32-bit LE word: s0 in bits 0-9, s1 in 10-19, s2 in 20-29.
      for (let i = 0; i < values.length; i += 3) {
        const n = Math.min(3, values.length - i);
        const [a, b, c] = [0, 1, 2].map((k) => (i + k < values.length ? u(values[i + k], 10) : 0));
        const w = a + b * 1024 + c * 1024 * 1024;
        const wb = [
          w % 256,
          Math.floor(w / 256) % 256,
          Math.floor(w / 65536) % 256,
          Math.floor(w / 2 ** 24),
        ];
        bytes.push(...wb.slice(0, n === 3 ? 4 : n === 2 ? 3 : 2));
      }
      break;
    }
  }
  return new Uint8Array(bytes);
}

const RANGE: Record<Exclude<WfdbFormat, 8>, [number, number]> = {
  80: [-128, 127],
  16: [-32768, 32767],
  61: [-32768, 32767],
  160: [-32768, 32767],
  24: [-8388608, 8388607],
  32: [-2147483648, 2147483647],
  212: [-2048, 2047],
  310: [-512, 511],
  311: [-512, 511],
};

describe('WFDB signal formats', () => {
  for (const format of Object.keys(RANGE).map(Number) as Array<Exclude<WfdbFormat, 8>>) {
    it(`format ${format} decodes what an independent encoder wrote`, () => {
      const [lo, hi] = RANGE[format];
      fc.assert(
        fc.property(fc.array(fc.integer({ min: lo, max: hi }), { maxLength: 40 }), (values) => {
          const bytes = encode(format, values);
          // Packed formats can be ambiguous by one sample (310: 2 or 3 samples both need 4 bytes).
          const held = samplesInBytes(format, bytes.length);
          expect(held).toBeGreaterThanOrEqual(values.length);
          expect(held).toBeLessThanOrEqual(values.length + (format === 310 ? 1 : 0));
          const out = new Int32Array(values.length);
          decodeStream(format, bytes, out);
          expect(Array.from(out)).toEqual(values);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('format 212 packs known values as documented', () => {
    // 995 = 0x3E3 and 1011 = 0x3F3 (record 100's first frame): bytes E3 33 F3.
    const out = new Int32Array(2);
    decodeStream(212, new Uint8Array([0xe3, 0x33, 0xf3]), out);
    expect(Array.from(out)).toEqual([995, 1011]);
    decodeStream(212, new Uint8Array([0xff, 0xff, 0x00]), out);
    expect(Array.from(out)).toEqual([-1, -256]);
  });

  it('format 8 yields signed differences', () => {
    const out = new Int32Array(3);
    decodeStream(8, new Uint8Array([1, 0xff, 0x80]), out);
    expect(Array.from(out)).toEqual([1, -1, -128]);
  });

  it('lists the formats it decodes', () => {
    expect([...SUPPORTED_FORMATS].sort((a, b) => a - b)).toEqual([
      8, 16, 24, 32, 61, 80, 160, 212, 310, 311,
    ]);
  });
});
