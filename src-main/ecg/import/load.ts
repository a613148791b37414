/**
 * One entry point for "open this ECG file": dispatches on the extension so the CLI and the app
 * need not know the formats. WFDB records come with their reference beats when a .atr exists.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { BeatlensError } from '../../errors';
import type { Beat, EcgRecord } from '../types';
import { readBeats } from '../wfdb/annotations';
import { readWfdbRecord, wfdbRecordBase } from '../wfdb/record';
import { readCsvRecord } from './csv';
import { readEdfRecord } from './edf';

export const IMPORT_EXTENSIONS = ['.hea', '.csv', '.edf'] as const;

/**
 * Reads a record file. `opts.fs` is required for CSV (which does not store it); for WFDB and EDF,
 * which do, a given fs must match the file's or the call fails rather than silently mislabel time.
 */
export function loadRecordFile(
  path: string,
  opts: { fs?: number } = {},
): { record: EcgRecord; beats: Beat[] | null } {
  const ext = extname(path).toLowerCase();
  let record: EcgRecord;
  let beats: Beat[] | null = null;
  switch (ext) {
    case '.hea': {
      record = readWfdbRecord(path);
      const base = wfdbRecordBase(path);
      if (existsSync(`${base}.atr`)) beats = readBeats(base, 'atr');
      break;
    }
    case '.csv':
      if (opts.fs === undefined) {
        throw new BeatlensError(
          'csv-fs',
          `${path}: a CSV file does not record its sampling frequency; give fs in Hz`,
        );
      }
      return { record: readCsvRecord(path, { fs: opts.fs }), beats: null };
    case '.edf':
      record = readEdfRecord(path);
      break;
    default:
      throw new BeatlensError(
        'import-unknown-extension',
        `${path}: unknown file type '${ext || '(none)'}'; beatlens reads ${IMPORT_EXTENSIONS.join(', ')}`,
      );
  }
  if (opts.fs !== undefined && Math.abs(opts.fs - record.fs) > 1e-9 * record.fs) {
    throw new BeatlensError(
      'fs-mismatch',
      `${path}: fs=${opts.fs} Hz was given but the file says ${record.fs} Hz`,
    );
  }
  return { record, beats };
}
