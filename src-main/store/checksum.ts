/** Content checksums that tie a stored record to the files (or samples) it came from. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * sha256 over the base names and bytes of `paths`, in the order given, so the same source
 * files produce the same checksum wherever they live.
 */
export function sha256Files(paths: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of paths) {
    h.update(`${basename(p)}\0`);
    h.update(readFileSync(p));
  }
  return h.digest('hex');
}

/** sha256 of float32 samples (for generated records, which have no source file). */
export function sha256Float32(arrays: readonly Float32Array[]): string {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}
