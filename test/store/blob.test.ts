import { describe, expect, it } from 'vitest';
import { blobToFloat32, float32ToBlob } from '../../src-main/store/blob';

describe('float32 blobs', () => {
  it('round-trips values exactly, including subarrays at odd offsets', () => {
    const all = new Float32Array([0, -1.5, 3.25, 1e-30, -0, Math.PI, 65504, -7]);
    const sub = all.subarray(3, 7);
    const blob = float32ToBlob(sub);
    expect(blob.byteLength).toBe(16);
    expect(Array.from(blobToFloat32(blob))).toEqual(Array.from(sub));
  });

  it('writes little-endian IEEE-754 bytes', () => {
    expect([...float32ToBlob(new Float32Array([1]))]).toEqual([0x00, 0x00, 0x80, 0x3f]);
  });

  it('reads a blob whose buffer offset is not 4-byte aligned', () => {
    const backing = Buffer.alloc(9);
    const unaligned = backing.subarray(1);
    float32ToBlob(new Float32Array([2.5, -4])).copy(unaligned);
    expect(Array.from(blobToFloat32(unaligned))).toEqual([2.5, -4]);
  });

  it('rejects a blob that is not whole float32 values, naming it', () => {
    expect(() => blobToFloat32(Buffer.alloc(7), 'lead 0 of record 100')).toThrow(
      /lead 0 of record 100 has 7 bytes/,
    );
  });
});
