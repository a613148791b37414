/**
 * File access shared by all ECG readers (WFDB, CSV, EDF): every failure becomes a one-line
 * BeatlensError naming the file, never a raw ENOENT stack.
 */
import { readFileSync } from 'node:fs';
import { BeatlensError } from '../../errors';

/** Reads a whole file; `what` describes it in the message ('signal file named by 100.hea'). */
export function readBytes(path: string, what: string, code = 'import-missing-file'): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    throw new BeatlensError(
      code,
      errno === 'ENOENT'
        ? `${path}: ${what} not found`
        : `${path}: cannot read ${what} (${errno ?? String(e)})`,
      { cause: e },
    );
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 or throws `code` naming the file and the offset of the first bad byte. */
export function strictUtf8(bytes: Uint8Array, path: string, code: string, hint = ''): string {
  try {
    return utf8.decode(bytes);
  } catch (e) {
    throw new BeatlensError(
      code,
      `${path}: not valid UTF-8 text (byte ${firstInvalidUtf8(bytes)})${hint}`,
      { cause: e },
    );
  }
}

/** Offset of the first byte that breaks UTF-8 (lead byte or continuation), for the error message. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const len =
      c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += len;
  }
  return i;
}
