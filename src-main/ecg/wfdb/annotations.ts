/**
 * WFDB annotation files in MIT format (PhysioNet `annot(5)`): a stream of 16-bit little-endian
 * words, each `code << 10 | timeIncrement`. Pseudo-codes modify the stream:
 *   SKIP (59): the next 4 bytes are a 32-bit time jump (PDP-11 order: high word first);
 *   NUM (60), SUB (61), CHN (62): set num / subtype / chan of the annotation just read;
 *   AUX (63): the increment field is a byte count of auxiliary text that follows (padded to even);
 *   code 0 with increment 0: end of file; code 0 with an increment only advances the time.
 * NUM and CHN carry over to later annotations until changed (as in WFDB's getann); SUB does not.
 */
import { BeatlensError } from '../../errors';
import { readBytes } from '../import/files';
import type { AamiClass, Beat } from '../types';
import { wfdbRecordBase } from './record';

export interface WfdbAnnotation {
  /** Sample index (frame number) the annotation refers to. */
  sample: number;
  /** Mnemonic, e.g. 'N', 'V', '+'. */
  symbol: string;
  /** WFDB annotation code (1..49 in standard use). */
  code: number;
  subtype: number;
  chan: number;
  num: number;
  /** Auxiliary text (e.g. rhythm '(AFIB'), '' when absent. */
  aux: string;
}

const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;

/** WFDB's ecgcodes.h mnemonics, indexed by code. Unassigned codes print as `[code]`. */
const SYMBOLS: readonly string[] = (() => {
  const table = new Array<string>(64).fill('');
  // prettier-ignore
  const assigned: Record<number, string> = {
    0: ' ', 1: 'N', 2: 'L', 3: 'R', 4: 'a', 5: 'V', 6: 'F', 7: 'J', 8: 'A', 9: 'S', 10: 'E',
    11: 'j', 12: '/', 13: 'Q', 14: '~', 16: '|', 18: 's', 19: 'T', 20: '*', 21: 'D', 22: '"',
    23: '=', 24: 'p', 25: 'B', 26: '^', 27: 't', 28: '+', 29: 'u', 30: '?', 31: '!', 32: '[',
    33: ']', 34: 'e', 35: 'n', 36: '@', 37: 'x', 38: 'f', 39: '(', 40: ')', 41: 'r',
  };
  for (let c = 0; c < 64; c++) table[c] = assigned[c] ?? `[${c}]`;
  return table;
})();

/** Annotation mnemonic for a WFDB code. */
export function annotationSymbol(code: number): string {
  return SYMBOLS[code] ?? `[${code}]`;
}

/** AAMI EC57 beat classes of the MIT-BIH beat symbols; non-beat annotations are absent. */
// prettier-ignore
const AAMI: Readonly<Record<string, AamiClass>> = {
  N: 'N', L: 'N', R: 'N', e: 'N', j: 'N',
  A: 'S', a: 'S', J: 'S', S: 'S',
  V: 'V', E: 'V',
  F: 'F',
  '/': 'Q', f: 'Q', Q: 'Q',
};

/** AAMI class of a beat symbol, or null for non-beat annotations (rhythm, noise, comments…). */
export function aamiClass(symbol: string): AamiClass | null {
  return Object.prototype.hasOwnProperty.call(AAMI, symbol) ? AAMI[symbol] : null;
}

/** Reads `<recordPath>.<ext>`; recordPath as for readWfdbRecord ('.hea' suffix accepted). */
export function readWfdbAnnotations(recordPath: string, ext = 'atr'): WfdbAnnotation[] {
  const path = `${wfdbRecordBase(recordPath)}.${ext}`;
  const bytes = readBytes(path, 'annotation file', 'wfdb-missing-file');
  return parseMitAnnotations(bytes, path);
}

/** Parses MIT-format annotation bytes; `path` names the file in errors. */
export function parseMitAnnotations(bytes: Uint8Array, path: string): WfdbAnnotation[] {
  const corrupt = (offset: number, what: string): never => {
    throw new BeatlensError(
      'wfdb-annotation-corrupt',
      `${path}: corrupt annotation file at byte ${offset}: ${what}`,
    );
  };
  const out: WfdbAnnotation[] = [];
  const n = bytes.length;
  let pos = 0;
  let time = 0;
  let chan = 0;
  let num = 0;
  let current: WfdbAnnotation | null = null;
  while (pos + 1 < n) {
    const word = bytes[pos] | (bytes[pos + 1] << 8);
    const code = word >> 10;
    const value = word & 0x3ff;
    const at = pos;
    pos += 2;
    if (code === 0 && value === 0) {
      return out; // end-of-file marker
    }
    switch (code) {
      case SKIP: {
        if (pos + 4 > n) corrupt(at, 'SKIP without its 4-byte interval');
        const high = bytes[pos] | (bytes[pos + 1] << 8);
        const low = bytes[pos + 2] | (bytes[pos + 3] << 8);
        pos += 4;
        // Signed 32-bit interval; WFDB writers use SKIP -1 then a code-0 step of +1 to reach
        // time 0 again, so a negative running time is only an error when an annotation lands there.
        time += ((high << 16) | low) >> 0;
        break;
      }
      case NUM:
        if (!current) corrupt(at, 'NUM field before any annotation');
        num = value >= 512 ? value - 1024 : value;
        current!.num = num;
        break;
      case SUB:
        if (!current) corrupt(at, 'SUB field before any annotation');
        current!.subtype = value >= 512 ? value - 1024 : value;
        break;
      case CHN:
        if (!current) corrupt(at, 'CHN field before any annotation');
        chan = value;
        current!.chan = chan;
        break;
      case AUX: {
        if (!current) corrupt(at, 'AUX field before any annotation');
        if (pos + value > n)
          corrupt(at, `AUX text of ${value} bytes runs past the end of the file`);
        current!.aux = auxText(bytes.subarray(pos, pos + value));
        pos += value + (value & 1);
        break;
      }
      case 0:
        // NOTQRS with an increment: a pure time step (see SKIP), not an annotation.
        time += value;
        break;
      default: {
        time += value;
        if (time < 0) corrupt(at, `annotation at negative sample ${time}`);
        current = { sample: time, symbol: SYMBOLS[code], code, subtype: 0, chan, num, aux: '' };
        out.push(current);
      }
    }
  }
  if (pos < n) corrupt(pos, 'file ends in the middle of a 16-bit word');
  return out;
}

/** AUX text is usually ASCII, often NUL-terminated; keep it printable and never throw on it. */
function auxText(bytes: Uint8Array): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  return Buffer.from(bytes.subarray(0, end)).toString('latin1');
}

/**
 * Beat annotations only (those with an AAMI class), in file order.
 * `recordPath` as for readWfdbRecord; `ext` is the annotator ('atr' for the reference labels).
 */
export function readBeats(recordPath: string, ext = 'atr'): Beat[] {
  const beats: Beat[] = [];
  for (const a of readWfdbAnnotations(recordPath, ext)) {
    const aami = aamiClass(a.symbol);
    if (aami !== null) beats.push({ sample: a.sample, symbol: a.symbol, aami });
  }
  return beats;
}
