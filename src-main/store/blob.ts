/**
 * Float32Array ↔ SQLite BLOB. Blobs hold raw IEEE-754 float32 values in little-endian byte order
 * (the order of every machine we ship to), so a store file moves between machines unchanged.
 */
import { endianness } from 'node:os';
import { BeatlensError } from '../errors';

const littleEndian = endianness() === 'LE';

/** Copies a Float32Array into a Buffer suitable for a BLOB column. */
export function float32ToBlob(values: Float32Array): Buffer {
  const out = Buffer.alloc(values.byteLength);
  if (littleEndian) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  } else {
    for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i], i * 4);
  }
  return out;
}

/**
 * Reads a BLOB written by `float32ToBlob`. Copies, because better-sqlite3 may hand back a Buffer
 * whose offset is not 4-byte aligned (a Float32Array view over it would throw).
 * `what` names the value in the error when the blob is corrupt.
 */
export function blobToFloat32(blob: Buffer | Uint8Array | null, what = 'blob'): Float32Array {
  if (blob === null || blob === undefined) {
    throw new BeatlensError('store-corrupt', `${what} is missing (NULL blob)`);
  }
  if (blob.byteLength % 4 !== 0) {
    throw new BeatlensError(
      'store-corrupt',
      `${what} has ${blob.byteLength} bytes, not a whole number of float32 values`,
    );
  }
  const out = new Float32Array(blob.byteLength / 4);
  if (littleEndian) {
    new Uint8Array(out.buffer).set(blob);
  } else {
    const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  }
  return out;
}
