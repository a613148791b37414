/**
 * CSV import: one column per lead, one row per sample, an optional first row of lead names.
 * The file carries no sampling frequency, so the caller gives `fs`; values are taken as mV.
 * A leading column named like a time axis ('time', 'sample', 'index', …) is dropped.
 */
import { basename, extname } from 'node:path';
import { BeatlensError } from '../../errors';
import type { EcgRecord } from '../types';
import { readBytes, strictUtf8 } from './files';

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const TIME_COLUMN = /^(?:time|t|sec|secs|seconds|s|ms|sample|samples|sample\s*#|index|idx)$/i;

export interface CsvImportOptions {
  /** Sampling frequency in Hz (the CSV does not say). */
  fs: number;
  /** Record id; default: the file name without extension. */
  id?: string;
  /** Default: the record id. */
  patientId?: string;
}

export function readCsvRecord(path: string, opts: CsvImportOptions): EcgRecord {
  if (!(typeof opts.fs === 'number' && Number.isFinite(opts.fs) && opts.fs > 0)) {
    throw new BeatlensError(
      'csv-fs',
      `${path}: a CSV file does not record its sampling frequency; give fs in Hz (got ${String(opts.fs)})`,
    );
  }
  const text = strictUtf8(readBytes(path, 'CSV file'), path, 'csv-encoding').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  if (first === lines.length) throw new BeatlensError('csv-empty', `${path}: CSV file is empty`);

  const delimiter = detectDelimiter(lines[first]);
  const split = (line: string): string[] =>
    line.split(delimiter).map((f) =>
      f
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .replace(/^'(.*)'$/, '$1')
        .trim(),
    );

  const firstFields = split(lines[first]);
  const hasHeader = firstFields.some((f) => !NUMBER.test(f));
  const nColumns = firstFields.length;
  const dropTime = hasHeader && nColumns > 1 && TIME_COLUMN.test(firstFields[0]);
  const c0 = dropTime ? 1 : 0;
  const nLeads = nColumns - c0;
  const leadNames = hasHeader
    ? firstFields.slice(c0).map((f, i) => f || `lead ${i + 1}`)
    : Array.from({ length: nLeads }, (_, i) => `lead ${i + 1}`);

  const dataStart = hasHeader ? first + 1 : first;
  // Trailing blank lines are allowed; blank lines inside the data are not (they would shift time).
  let dataEnd = lines.length;
  while (dataEnd > dataStart && lines[dataEnd - 1].trim() === '') dataEnd--;
  const nSamples = dataEnd - dataStart;
  if (nSamples <= 0) {
    throw new BeatlensError('csv-empty', `${path}: CSV file has a header row but no data rows`);
  }
  const signals = Array.from({ length: nLeads }, () => new Float32Array(nSamples));
  for (let r = dataStart; r < dataEnd; r++) {
    const fields = split(lines[r]);
    if (fields.length !== nColumns) {
      throw new BeatlensError(
        'csv-ragged',
        `${path}: line ${r + 1} has ${fields.length} field(s) but line ${first + 1} has ${nColumns}`,
      );
    }
    const t = r - dataStart;
    for (let c = c0; c < nColumns; c++) {
      const f = fields[c];
      if (!NUMBER.test(f)) {
        throw new BeatlensError(
          'csv-value',
          `${path}: line ${r + 1}, column ${c + 1}: '${f.slice(0, 40)}' is not a number`,
        );
      }
      signals[c - c0][t] = Number(f);
    }
  }
  const id = opts.id ?? basename(path, extname(path));
  return {
    id,
    patientId: opts.patientId ?? id,
    fs: opts.fs,
    nSamples,
    leadNames,
    units: leadNames.map(() => 'mV'),
    signals,
    source: path,
  };
}

function detectDelimiter(line: string): string {
  for (const d of [',', ';', '\t']) if (line.includes(d)) return d;
  return ',';
}
