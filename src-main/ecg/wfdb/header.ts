/**
 * WFDB header (.hea) parser. The layout is documented in PhysioNet's `header(5)` manual page:
 *
 *   record line:  name[/nSegments] nSignals [fs[/counterFreq[(baseCounter)]] [nSamples [time [date]]]]
 *   signal line:  file format[xSpf][:skew][+byteOffset] [gain[(baseline)][/units] [adcResolution
 *                 [adcZero [initValue [checksum [blockSize [description]]]]]]]
 *   `#` lines are comments; for MIT-BIH the first comment after the signal lines holds age and sex.
 *
 * Multi-segment records (`name/n`) are rejected: beatlens reads one continuous recording at a time.
 */
import { basename } from 'node:path';
import { BeatlensError } from '../../errors';
import { readBytes, strictUtf8 } from '../import/files';
import { unsafeFileNameReason } from '../file-names';

/** WFDB's default gain (ADC units per physical unit) when a header gives 0 or none. */
export const WFDB_DEFAULT_GAIN = 200;
/** WFDB's default sampling frequency when the record line gives none. */
export const WFDB_DEFAULT_FS = 250;

export interface WfdbSignalSpec {
  /** Signal file name as written in the header: a plain name in the header's folder (no path
   * separator, no '..'; see unsafeFileNameReason), or '~' for a null signal. */
  fileName: string;
  /** Storage format code, e.g. 212, 16, 80. */
  format: number;
  /** Samples of this signal per frame (1 unless the header says `format x spf`). */
  samplesPerFrame: number;
  /** Skew in frames (`format:skew`); beatlens rejects non-zero skews when reading samples. */
  skew: number;
  /** Byte offset of the first sample in the signal file (`format+offset`). */
  byteOffset: number;
  /** ADC units per physical unit; 0 in the file becomes WFDB's default 200. */
  gain: number;
  /** ADC value that corresponds to 0 physical units (defaults to adcZero). */
  baseline: number;
  /** Physical units, default 'mV'. */
  units: string;
  /** ADC resolution in bits (0 when not given). */
  adcResolution: number;
  adcZero: number;
  /** Value of the first sample (used as the start value of difference format 8). */
  initValue: number;
  /** 16-bit sum of all samples of this signal, or null when the header has none. */
  checksum: number | null;
  blockSize: number;
  description: string;
}

export interface WfdbHeader {
  /** Path of the .hea file that was parsed. */
  headerPath: string;
  recordName: string;
  nSignals: number;
  /** Frame frequency in Hz (a signal with samplesPerFrame k is sampled at k × fs). */
  fs: number;
  counterFreq: number | null;
  baseCounter: number | null;
  /** Frames in the record, or null when the header leaves it out (derived from the file size). */
  nSamples: number | null;
  baseTime: string | null;
  baseDate: string | null;
  signals: WfdbSignalSpec[];
  /** Comment lines without the leading '#', in file order. */
  comments: string[];
  /** Age in years when a comment gives it (MIT-BIH: first comment "69 M ..."; others "<age>: 25"). */
  age: number | null;
  sex: 'M' | 'F' | null;
}

/** Reads and parses a header file; every problem is a one-line BeatlensError naming the file. */
export function readWfdbHeader(headerPath: string): WfdbHeader {
  return parseWfdbHeader(readBytes(headerPath, 'header file', 'wfdb-missing-file'), headerPath);
}

/** Parses header bytes; `headerPath` names the file in errors and is kept in the result. */
export function parseWfdbHeader(bytes: Uint8Array, headerPath: string): WfdbHeader {
  const file = basename(headerPath);
  const text = strictUtf8(bytes, headerPath, 'wfdb-header-encoding', '; WFDB headers are ASCII');
  if (text.includes('\0')) {
    throw new BeatlensError(
      'wfdb-header',
      `${headerPath}: header contains NUL bytes (not a text file)`,
    );
  }
  const fail = (lineNo: number, what: string): never => {
    throw new BeatlensError('wfdb-header', `${headerPath}: line ${lineNo}: ${what}`);
  };

  const lines = text.split(/\r?\n|\r/);
  const comments: string[] = [];
  const content: Array<{ no: number; text: string }> = [];
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) comments.push(trimmed.replace(/^#+\s?/, ''));
    else if (trimmed !== '') content.push({ no: i + 1, text: trimmed });
  });
  if (content.length === 0) {
    throw new BeatlensError('wfdb-header', `${headerPath}: header has no record line`);
  }

  const record = content[0];
  const fields = record.text.split(/\s+/);
  const nameField = fields[0];
  if (nameField.includes('/')) {
    throw new BeatlensError(
      'wfdb-multisegment',
      `${headerPath}: multi-segment record '${nameField}' is not supported; read its segments one by one`,
    );
  }
  if (fields.length < 2)
    fail(record.no, `record line '${record.text}' lacks the number of signals`);
  const nSignals = parseIntField(fields[1], 'number of signals', record.no, fail);
  if (nSignals < 0 || nSignals > 4096)
    fail(record.no, `number of signals ${nSignals} out of range`);

  let fs = WFDB_DEFAULT_FS;
  let counterFreq: number | null = null;
  let baseCounter: number | null = null;
  if (fields.length > 2) {
    const m = /^([^/()]+)(?:\/([^()]+)(?:\(([^)]*)\))?)?$/.exec(fields[2]);
    if (!m) fail(record.no, `sampling frequency '${fields[2]}' is not a number`);
    fs = parseFloatField(m![1], 'sampling frequency', record.no, fail);
    if (!(fs > 0)) fail(record.no, `sampling frequency ${m![1]} must be positive`);
    if (m![2] !== undefined)
      counterFreq = parseFloatField(m![2], 'counter frequency', record.no, fail);
    if (m![3] !== undefined) baseCounter = parseFloatField(m![3], 'base counter', record.no, fail);
  }
  let nSamples: number | null = null;
  if (fields.length > 3) {
    nSamples = parseIntField(fields[3], 'number of samples', record.no, fail);
    if (nSamples < 0) fail(record.no, `number of samples ${nSamples} is negative`);
  }
  const baseTime = fields.length > 4 ? fields[4] : null;
  const baseDate = fields.length > 5 ? fields[5] : null;

  const signalLines = content.slice(1);
  if (signalLines.length < nSignals) {
    fail(
      record.no,
      `record line says ${nSignals} signals but ${signalLines.length} signal line(s) follow`,
    );
  }
  const signals = signalLines.slice(0, nSignals).map((line) => {
    const spec = parseSignalLine(line.text, line.no, fail);
    // '~' is WFDB's null signal (no file); every other name must stay in the header's folder.
    const unsafe = spec.fileName === '~' ? null : unsafeFileNameReason(spec.fileName);
    if (unsafe) {
      throw new BeatlensError(
        'wfdb-unsafe-file-name',
        `${headerPath}: line ${line.no}: signal file name '${spec.fileName}' is refused because ${unsafe}; a WFDB signal file must be in the header's folder`,
      );
    }
    return spec;
  });

  const { age, sex } = ageAndSex(comments);
  return {
    headerPath,
    recordName: nameField || file.replace(/\.hea$/i, ''),
    nSignals,
    fs,
    counterFreq,
    baseCounter,
    nSamples,
    baseTime,
    baseDate,
    signals,
    comments,
    age,
    sex,
  };
}

type Fail = (lineNo: number, what: string) => never;

function parseSignalLine(text: string, lineNo: number, fail: Fail): WfdbSignalSpec {
  // The description is everything after the 9th field and may contain spaces.
  const m =
    /^(\S+)\s+(\S+)(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(.*))?$/.exec(
      text,
    );
  if (!m) return fail(lineNo, `signal line '${text}' lacks a format`);
  const [
    ,
    fileName,
    formatField,
    gainField,
    resField,
    zeroField,
    initField,
    sumField,
    blockField,
    desc,
  ] = m;

  const f = /^(\d+)(?:x(\d+))?(?::(-?\d+))?(?:\+(\d+))?$/.exec(formatField);
  if (!f)
    return fail(
      lineNo,
      `signal format '${formatField}' is not of the form format[xspf][:skew][+offset]`,
    );
  const format = Number(f[1]);
  const samplesPerFrame = f[2] !== undefined ? Number(f[2]) : 1;
  if (samplesPerFrame < 1) fail(lineNo, `samples per frame ${f[2]} must be at least 1`);
  const skew = f[3] !== undefined ? Number(f[3]) : 0;
  const byteOffset = f[4] !== undefined ? Number(f[4]) : 0;

  const adcResolution =
    resField !== undefined ? parseIntField(resField, 'ADC resolution', lineNo, fail) : 0;
  const adcZero = zeroField !== undefined ? parseIntField(zeroField, 'ADC zero', lineNo, fail) : 0;
  const initValue =
    initField !== undefined ? parseIntField(initField, 'initial value', lineNo, fail) : adcZero;
  const checksum =
    sumField !== undefined ? parseIntField(sumField, 'checksum', lineNo, fail) : null;
  const blockSize =
    blockField !== undefined ? parseIntField(blockField, 'block size', lineNo, fail) : 0;

  let gain = WFDB_DEFAULT_GAIN;
  let baseline = adcZero;
  let units = 'mV';
  if (gainField !== undefined) {
    const g = /^([^()/]+)(?:\(([^)]*)\))?(?:\/(.*))?$/.exec(gainField);
    if (!g) return fail(lineNo, `gain '${gainField}' is not of the form gain[(baseline)][/units]`);
    gain = parseFloatField(g[1], 'gain', lineNo, fail);
    if (gain === 0) gain = WFDB_DEFAULT_GAIN;
    if (g[2] !== undefined) baseline = parseIntField(g[2], 'baseline', lineNo, fail);
    if (g[3] !== undefined && g[3] !== '') units = g[3];
  }
  return {
    fileName,
    format,
    samplesPerFrame,
    skew,
    byteOffset,
    gain,
    baseline,
    units,
    adcResolution,
    adcZero,
    initValue,
    checksum,
    blockSize,
    description: (desc ?? '').trim(),
  };
}

function parseIntField(s: string, what: string, lineNo: number, fail: Fail): number {
  if (!/^[-+]?\d+$/.test(s)) return fail(lineNo, `${what} '${s}' is not an integer`);
  const v = Number(s);
  if (!Number.isSafeInteger(v)) return fail(lineNo, `${what} '${s}' is out of range`);
  return v;
}

function parseFloatField(s: string, what: string, lineNo: number, fail: Fail): number {
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v)) return fail(lineNo, `${what} '${s}' is not a number`);
  return v;
}

/** MIT-BIH: "69 M 1085 1629 x1"; PTB/CinC style: "<age>: 25 <sex>: M"; PTB: "age: 81", "sex: female". */
function ageAndSex(comments: string[]): { age: number | null; sex: 'M' | 'F' | null } {
  let age: number | null = null;
  let sex: 'M' | 'F' | null = null;
  const toSex = (s: string): 'M' | 'F' | null =>
    /^m(ale)?$/i.test(s) ? 'M' : /^f(emale)?$/i.test(s) ? 'F' : null;
  for (const c of comments) {
    const mit = /^\s*(\d{1,3}|\?+)\s+([MF?])\b/.exec(c);
    if (mit && age === null && sex === null) {
      age = /^\d+$/.test(mit[1]) ? Number(mit[1]) : null;
      sex = toSex(mit[2]);
      break;
    }
    const a = /<?age>?:\s*(\d{1,3})/i.exec(c);
    if (a && age === null) age = Number(a[1]);
    const s = /<?sex>?:\s*([A-Za-z]+)/i.exec(c);
    if (s && sex === null) sex = toSex(s[1]);
  }
  return { age, sex };
}

/**
 * The record's start from the header's base time (`[[HH:]MM:]SS[.sss]`) and base date
 * (`DD/MM/YYYY`), as WFDB's strtim/strdat read them; null when the time is absent or not of
 * that form (a header's free text is never trusted). A date without a valid time is dropped.
 */
export function wfdbStartTime(
  baseTime: string | null,
  baseDate: string | null,
): { secondsOfDay: number; date: string | null } | null {
  if (baseTime === null) return null;
  const t = /^(?:(?:(\d{1,2}):)?(\d{1,2}):)?(\d{1,2}(?:\.\d+)?)$/.exec(baseTime);
  if (!t) return null;
  const [h, m, s] = [Number(t[1] ?? 0), Number(t[2] ?? 0), Number(t[3])];
  if (h > 23 || m > 59 || s >= 60) return null;
  let date: string | null = null;
  const d = baseDate === null ? null : /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(baseDate);
  if (d) {
    const [day, month, year] = [Number(d[1]), Number(d[2]), Number(d[3])];
    const probe = new Date(Date.UTC(year, month - 1, day));
    if (
      probe.getUTCFullYear() === year &&
      probe.getUTCMonth() === month - 1 &&
      probe.getUTCDate() === day
    ) {
      date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    }
  }
  return { secondsOfDay: h * 3600 + m * 60 + s, date };
}
