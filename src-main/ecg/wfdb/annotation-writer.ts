/**
 * WFDB annotation files in MIT format, written as the WFDB library's `putann` writes them
 * (`lib/annot.c`; format in PhysioNet `annot(5)`, read back by `annotations.ts`): per annotation
 * a SKIP with the 32-bit interval when the step from the previous one is negative or over 1023
 * samples, the word `code << 10 | step`, then SUB when the subtype is not 0, CHN and NUM when they
 * differ from the previous annotation's, AUX with its NUL-terminated text (the NUL counted in the
 * length, as WFDB's tools write it) padded to an even length; a zero word
 * ends the file. wfdb-python's `rdann`, WAVE and LightWAVE read such files.
 */
import { BeatlensError } from '../../errors';
import { writeFileAtomic } from '../../train/run-info';
import { annotationSymbol, type WfdbAnnotation } from './annotations';
import { wfdbRecordBase } from './record';

export type WfdbAnnotationOut = Pick<WfdbAnnotation, 'sample' | 'code'> &
  Partial<Pick<WfdbAnnotation, 'subtype' | 'chan' | 'num' | 'aux'>>;

const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;
/** Largest time step one annotation word holds (WFDB's MAXRR). */
const MAX_STEP = 1023;
const MAX_SKIP = 0x7fffffff;

/** WFDB code of an annotation mnemonic ('N' → 1, 'V' → 5, '|' → 16); null when none has it. */
export function annotationCode(symbol: string): number | null {
  for (let code = 1; code < SKIP; code++) if (annotationSymbol(code) === symbol) return code;
  return null;
}

function invalid(i: number, what: string): never {
  throw new BeatlensError('wfdb-annotation-invalid', `annotation ${i}: ${what}`);
}

/** The bytes of an MIT-format annotation file holding `annotations` (sorted by sample). */
export function formatMitAnnotations(annotations: readonly WfdbAnnotationOut[]): Uint8Array {
  const out: number[] = [];
  const word = (w: number): void => void out.push(w & 0xff, (w >> 8) & 0xff);
  let time = 0;
  let chan = 0;
  let num = 0;
  annotations.forEach((a, i) => {
    if (!Number.isSafeInteger(a.sample) || a.sample < 0) {
      invalid(i, `sample ${a.sample} is not a sample index`);
    }
    if (a.sample < time) invalid(i, `sample ${a.sample} comes before the previous one (${time})`);
    if (!Number.isInteger(a.code) || a.code < 1 || a.code >= SKIP) {
      invalid(i, `code ${a.code} is not an annotation code (1..${SKIP - 1})`);
    }
    const subtype = a.subtype ?? 0;
    const aChan = a.chan ?? chan;
    const aNum = a.num ?? num;
    for (const [name, v, lo, hi] of [
      ['subtype', subtype, -512, 511],
      ['chan', aChan, 0, 1023],
      ['num', aNum, -512, 511],
    ] as const) {
      if (!Number.isInteger(v) || v < lo || v > hi)
        invalid(i, `${name} ${v} is not in ${lo}..${hi}`);
    }
    // WFDB's C tools count a terminating NUL in the AUX length (MIT-BIH's '(N\0'); so do we.
    const aux = a.aux ? Buffer.from(`${a.aux}\0`, 'latin1') : Buffer.alloc(0);
    if (aux.length > 255) invalid(i, `aux text of ${aux.length - 1} bytes is over 254`);
    let step = a.sample - time;
    // One SKIP holds a signed 32-bit interval: longer steps (past 2^31 samples) take several.
    while (step > MAX_STEP) {
      const interval = Math.min(step, MAX_SKIP);
      word(SKIP << 10);
      word(Math.floor(interval / 0x10000));
      word(interval % 0x10000);
      step -= interval;
    }
    word((a.code << 10) | step);
    if (subtype !== 0) word((SUB << 10) | (subtype & 0x3ff));
    if (aChan !== chan) word((CHN << 10) | (aChan & 0x3ff));
    if (aNum !== num) word((NUM << 10) | (aNum & 0x3ff));
    if (aux.length > 0) {
      word((AUX << 10) | aux.length);
      out.push(...aux);
      if (aux.length & 1) out.push(0);
    }
    [time, chan, num] = [a.sample, aChan, aNum];
  });
  word(0);
  return Uint8Array.from(out);
}

/**
 * Writes `<record>.<ext>` beside the record (recordPath as for readWfdbRecord, '.hea' accepted),
 * through a temporary file renamed into place; returns the path written.
 */
export function writeWfdbAnnotations(
  recordPath: string,
  ext: string,
  annotations: readonly WfdbAnnotationOut[],
): string {
  if (!/^[A-Za-z0-9_]{1,16}$/.test(ext)) {
    throw new BeatlensError(
      'wfdb-annotation-invalid',
      `annotator '${ext}' is not a WFDB annotator name (letters, digits, _)`,
    );
  }
  const bytes = formatMitAnnotations(annotations);
  const path = `${wfdbRecordBase(recordPath)}.${ext}`;
  writeFileAtomic(path, bytes);
  return path;
}
