/**
 * The files of a beat-by-beat comparison: a beats CSV (the algorithm under test) and a WFDB
 * reference annotation file with its header (for fs and the record length). Every problem is a
 * one-line BeatlensError that names the file; the comparison itself is bxb.ts.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { BeatlensError } from '../errors';
import { readBytes, strictUtf8 } from '../ecg/import/files';
import { aamiClass, readBeats, readWfdbAnnotations } from '../ecg/wfdb/annotations';
import { readWfdbHeader } from '../ecg/wfdb/header';
import {
  BXB_DEFAULTS,
  compareBeats,
  learningPeriodSamples,
  matchWindowSamples,
  recordResult,
  referenceEpisodes,
  withoutVfBeats,
  type BxbBeat,
  type BxbRecordResult,
  type ReferenceEpisodes,
} from './bxb';

/** A reference annotation file read for bxb. */
export interface BxbReference {
  /** Record name: the annotation file's name without its extension. */
  record: string;
  annotationPath: string;
  headerPath: string;
  fs: number;
  /** Frames in the record (the end of the comparison), null when the header does not say. */
  nSamples: number | null;
  /** Reference beats in AAMI classes, without those inside VF. */
  beats: BxbBeat[];
  episodes: ReferenceEpisodes;
}

const beatsError = (where: string, problem: string): never => {
  throw new BeatlensError('beats-csv', `${where}: ${problem}`);
};

/**
 * Cells of one CSV line (RFC 4180 quoting, as csv.ts writes it), or null when a quote is left
 * open or followed by something other than a comma.
 */
export function csvLineCells(line: string): string[] | null {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        cell += line.slice(i, q);
        i = q + 1;
        if (line[i] !== '"') break;
        cell += '"';
        i++;
      }
      if (i < line.length && line[i] !== ',') return null;
    } else {
      const comma = line.indexOf(',', i);
      const stop = comma < 0 ? line.length : comma;
      cell = line.slice(i, stop);
      i = stop;
    }
    cells.push(cell.trim());
    if (i >= line.length) return cells;
    i++; // the comma
  }
}

const INTEGER = /^\d+$/;

interface BeatsCsvCheck {
  /** The record's sampling frequency: an `fs` column must agree with it. */
  fs: number;
  /** Frames in the record: a sample at or past it means the CSV counts at another rate. */
  nSamples: number | null;
  /** The header, named in messages about fs. */
  headerPath: string;
}

/**
 * Reads a beats CSV: a header with at least `sample` (integer, at the record's fs) and `label`
 * (an AAMI class N/S/V/F/Q, or an MIT beat symbol mapped by the AAMI table), optionally `fs`;
 * other columns are ignored. Rows may come in any order; they are returned sorted by sample.
 */
export function readBeatsCsv(path: string, check: BeatsCsvCheck): BxbBeat[] {
  const text = strictUtf8(readBytes(path, 'beats CSV'), path, 'beats-csv').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0)
    beatsError(path, "empty file; expected a header with 'sample' and 'label' columns");
  const header = (csvLineCells(lines[first]) ?? []).map((c) => c.toLowerCase());
  const column = (name: string): number => header.indexOf(name);
  for (const name of ['sample', 'label']) {
    if (column(name) < 0) {
      beatsError(path, `no '${name}' column in the header (columns: ${header.join(', ')})`);
    }
  }
  const beats: BxbBeat[] = [];
  for (let i = first + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    beats.push(beatOfRow(lines[i], `${path}:${i + 1}`, column, check));
  }
  return beats.sort((a, b) => a.sample - b.sample);
}

function beatOfRow(
  line: string,
  where: string,
  column: (name: string) => number,
  check: BeatsCsvCheck,
): BxbBeat {
  const cells = csvLineCells(line) ?? beatsError(where, 'a quoted cell is not closed');
  const cell = (name: string): string => cells[column(name)] ?? '';
  const sampleText = cell('sample');
  if (!INTEGER.test(sampleText)) {
    beatsError(where, `sample '${sampleText.slice(0, 40)}' is not a non-negative integer`);
  }
  const sample = Number(sampleText);
  const label = aamiClass(cell('label'));
  if (label === null) {
    beatsError(
      where,
      `label '${cell('label').slice(0, 40)}' is not an AAMI class (N, S, V, F, Q) or an MIT beat symbol`,
    );
  }
  if (column('fs') >= 0 && Number(cell('fs')) !== check.fs) {
    beatsError(
      where,
      `fs ${cell('fs')} Hz but ${basename(check.headerPath)} says ${check.fs} Hz; give samples at the record's own rate`,
    );
  }
  if (check.nSamples !== null && sample >= check.nSamples) {
    beatsError(
      where,
      `sample ${sample} is past the end of the record (${check.nSamples} samples at ${check.fs} Hz in ${basename(check.headerPath)}); are the samples at another rate?`,
    );
  }
  return { sample, label: label! };
}

/**
 * Reads a reference annotation file named with its annotator as extension (`119.atr`) and the
 * header beside it (`119.hea`): beats in AAMI classes, VF and shutdown episodes, fs, length.
 */
export function readBxbReference(
  annotationPath: string,
  matchSeconds: number = BXB_DEFAULTS.matchSeconds,
): BxbReference {
  const ext = extname(annotationPath);
  if (ext.length < 2) {
    throw new BeatlensError(
      'bxb-reference',
      `${annotationPath}: name the annotation file with its annotator as extension, e.g. 119.atr`,
    );
  }
  const base = annotationPath.slice(0, -ext.length);
  const headerPath = `${base}.hea`;
  const header = readWfdbHeader(headerPath);
  const annotator = ext.slice(1);
  const annotations = readWfdbAnnotations(base, annotator);
  const episodes = referenceEpisodes(annotations, matchWindowSamples(header.fs, matchSeconds));
  const beats = readBeats(base, annotator).map((b) => ({ sample: b.sample, label: b.aami }));
  return {
    record: basename(base),
    annotationPath,
    headerPath,
    fs: header.fs,
    nSamples: header.nSamples && header.nSamples > 0 ? header.nSamples : null,
    beats: withoutVfBeats(beats, episodes.vf),
    episodes,
  };
}

export interface BxbFileOptions {
  /** Learning period in minutes (default 5, as bxb). */
  fromMinutes?: number;
}

/** Compares one beats CSV with one reference annotation file. */
export function evaluateBeatFiles(
  csvPath: string,
  annotationPath: string,
  options: BxbFileOptions = {},
): BxbRecordResult {
  const ref = readBxbReference(annotationPath);
  const fromMinutes = options.fromMinutes ?? BXB_DEFAULTS.fromMinutes;
  const start = learningPeriodSamples(ref.fs, fromMinutes);
  if (ref.nSamples !== null && ref.nSamples < start) {
    throw new BeatlensError(
      'bxb-interval',
      `${ref.headerPath}: the record has ${ref.nSamples} samples (${(ref.nSamples / ref.fs / 60).toFixed(2)} min), fewer than the ${fromMinutes}-min learning period; lower --from`,
    );
  }
  return scoreBeats(ref, readBeatsCsv(csvPath, ref), { fromMinutes }, ref.record);
}

/**
 * Compares labelled test beats with a reference read by `readBxbReference` (its length, VF and
 * shutdown episodes), as one record named `record` (default: the reference's).
 */
export function scoreBeats(
  ref: BxbReference,
  test: readonly BxbBeat[],
  options: BxbFileOptions = {},
  record: string = ref.record,
): BxbRecordResult {
  const counts = compareBeats(
    ref.beats,
    test,
    ref.fs,
    { fromMinutes: options.fromMinutes ?? BXB_DEFAULTS.fromMinutes, endSample: ref.nSamples },
    ref.episodes,
  );
  return recordResult(record, counts);
}

/** One comparison: a beats CSV and its reference annotation file. */
export interface BxbSource {
  /** Record name: the annotation file's name without its extension. */
  record: string;
  csv: string;
  reference: string;
}

/** A source from the two paths, resolved. */
export function bxbSource(csv: string, reference: string): BxbSource {
  return {
    record: basename(reference, extname(reference)),
    csv: resolve(csv),
    reference: resolve(reference),
  };
}

export interface BxbDirectoryOptions {
  /** Folder of `<record>.csv` beat files. */
  dir: string;
  /** Folder of the reference records (`<record>.hea` and `<record>.<annotator>`). */
  refDir: string;
  /** Records to compare; default: every `<record>.csv` in `dir`, in natural order. */
  records?: readonly string[];
  /** Reference annotator (file extension), default 'atr'. */
  annotator?: string;
}

const requireDir = (dir: string, what: string): void => {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new BeatlensError('bxb-missing-dir', `${dir}: ${what} not found`);
  }
};

/** The comparisons of a folder of `<record>.csv` files against a folder of reference records. */
export function directorySources(options: BxbDirectoryOptions): BxbSource[] {
  requireDir(options.dir, 'folder of beats CSVs');
  requireDir(options.refDir, 'reference folder');
  const records =
    options.records ??
    readdirSync(options.dir)
      .filter((f) => f.toLowerCase().endsWith('.csv'))
      .map((f) => f.slice(0, -4))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (records.length === 0) {
    throw new BeatlensError('bxb-no-records', `${options.dir}: no <record>.csv beat files`);
  }
  const annotator = options.annotator ?? 'atr';
  return records.map((r) =>
    bxbSource(join(options.dir, `${r}.csv`), join(options.refDir, `${r}.${annotator}`)),
  );
}
