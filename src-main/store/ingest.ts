/**
 * Getting ECG data into the store: files a clinic has (WFDB, CSV, EDF), the MIT-BIH paper
 * segments, the 12-lead PVC-origin segments and the built-in synthetic demo. Shared by the CLI and the app. Every path reads and
 * validates all its inputs before the first write, so bad input leaves the store untouched.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { BeatlensError } from '../errors';
import { loadRecordFile } from '../ecg/import/load';
import { MITDB_RECORDS } from '../ecg/download';
import { mitdbPatientId, type PreparedDatabase, type PreparedOriginDataset } from '../ecg/prepare';
import { synthesizeStudy, type SyntheticTask } from '../ecg/synthetic';
import type { EcgRecord, Segment } from '../ecg/types';
import { validateRecord as validateSignal } from '../ecg/validate';
import { readBeats } from '../ecg/wfdb/annotations';
import { readWfdbHeader } from '../ecg/wfdb/header';
import { readWfdbRecord, wfdbRecordBase } from '../ecg/wfdb/record';
import { sha256Files, sha256Float32 } from './checksum';
import type { RecordFormat, RecordImport, StoredRecord } from './records';
import type { Store } from './store';

/** The segment task `prepare` builds (H2's paper task 1). */
export const PAPER_TASK = 'pvc-apb';
/** The paper's MIT-BIH segment counts (N+PVC and N+APB segments of ≤ 2000 samples). */
export const PAPER_COUNTS = { PVC: 2627, APB: 356 } as const;

const FORMAT_BY_EXT: Record<string, RecordFormat> = {
  '.hea': 'wfdb',
  '.csv': 'csv',
  '.edf': 'edf',
};

/**
 * Expands import arguments to record files: a file as is, a folder to its WFDB records (its
 * RECORDS file, else every *.hea), and a WFDB record path without extension to its .hea.
 */
export function expandImportPaths(paths: readonly string[]): string[] {
  if (paths.length === 0)
    throw new BeatlensError('import-no-paths', 'no files to import were given');
  const out: string[] = [];
  for (const raw of paths) {
    const p = resolve(raw);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      const recordsFile = join(p, 'RECORDS');
      const names = existsSync(recordsFile)
        ? readFileSync(recordsFile, 'utf8')
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter((l) => l && !l.startsWith('#'))
        : readdirSync(p)
            .filter((f) => f.toLowerCase().endsWith('.hea'))
            .map((f) => f.slice(0, -4))
            .sort();
      if (names.length === 0) {
        throw new BeatlensError('import-empty-dir', `${p}: folder holds no WFDB records (*.hea)`);
      }
      out.push(...names.map((n) => join(p, `${n}.hea`)));
    } else if (st?.isFile()) {
      out.push(p);
    } else if (existsSync(`${p}.hea`)) {
      out.push(`${p}.hea`);
    } else {
      throw new BeatlensError('import-missing-file', `${p}: no such file or folder`);
    }
  }
  return out;
}

/** The files a WFDB record is made of: header, distinct signal files, and .atr when present. */
export function wfdbSourceFiles(headerPath: string): string[] {
  const header = readWfdbHeader(headerPath);
  const dir = dirname(headerPath);
  const files = [headerPath, ...new Set(header.signals.map((s) => join(dir, s.fileName)))];
  const atr = `${wfdbRecordBase(headerPath)}.atr`;
  if (existsSync(atr)) files.push(atr);
  return files;
}

export interface LoadImportOptions {
  /** Sampling frequency for CSV files (Hz); checked against WFDB/EDF files when given. */
  fs?: number;
  /** Patient id for every imported record (default: the reader's, usually the record id). */
  patientId?: string;
}

/**
 * Reads and validates every file (signals: NaN, flat leads; beats; duplicate ids within the
 * batch) without touching a store. Throws on the first bad file.
 */
export function loadImports(
  files: readonly string[],
  opts: LoadImportOptions = {},
): RecordImport[] {
  const seen = new Map<string, string>();
  return files.map((file) => {
    const format = FORMAT_BY_EXT[extname(file).toLowerCase()];
    const { record: read, beats } = loadRecordFile(file, { fs: opts.fs });
    const record: EcgRecord = opts.patientId ? { ...read, patientId: opts.patientId } : read;
    validateSignal(record, { expectedBy: 'import' });
    const other = seen.get(record.id);
    if (other !== undefined) {
      throw new BeatlensError(
        'import-duplicate-id',
        `${file}: record id ${record.id} is also the id of ${other}; import them separately`,
      );
    }
    seen.set(record.id, file);
    const sources = format === 'wfdb' ? wfdbSourceFiles(file) : [file];
    return { record, beats, format: format ?? 'other', checksum: sha256Files(sources) };
  });
}

/**
 * Writes loaded imports, one transaction per record, after checking all of them against the
 * store (duplicate ids unless `replace`, records in use): a conflict writes nothing.
 */
export function importRecords(
  store: Store,
  imports: readonly RecordImport[],
  opts: { replace?: boolean; onRecord?(stored: StoredRecord): void } = {},
): StoredRecord[] {
  for (const input of imports) store.records.checkImport(input, opts);
  return imports.map((input) => {
    const stored = store.records.import(input, opts);
    opts.onRecord?.(stored);
    return stored;
  });
}

export type PrepareAction = 'new' | 'replaced' | 'segments';

/** A prepared record waiting to be stored: its segments now, its raw record on demand. */
interface PreparedEntry {
  id: string;
  patientId: string;
  /** sha256 of the source files: equal → the stored record is the same data. */
  checksum: string;
  segments: Segment[];
  /** The record as read, with its beats (called only for records written anew). */
  load(): Pick<RecordImport, 'record' | 'beats' | 'format'>;
}

/**
 * Stores prepared records with their `task` segments, each record in one transaction, after
 * checking every conflict first (nothing is written when one fails). Re-running is idempotent:
 * a record already stored from the same files for the same patient keeps its row and gets its
 * `task` segments rebuilt ('segments'); one stored from other files or for another patient needs
 * `replace`. Returns the action taken per record id.
 */
function storePrepared(
  store: Store,
  task: string,
  entries: readonly PreparedEntry[],
  opts: { replace?: boolean },
): Record<string, PrepareAction> {
  const actions: Record<string, PrepareAction> = {};
  for (const e of entries) {
    const existing = store.records.get(e.id);
    if (!existing) {
      actions[e.id] = 'new';
    } else if (existing.checksum === e.checksum && existing.patientId === e.patientId) {
      actions[e.id] = 'segments';
      store.segments.assertReplaceable(e.id, task);
    } else if (opts.replace) {
      actions[e.id] = 'replaced';
      store.records.assertDeletable(e.id, 'replaced');
    } else {
      const why =
        existing.checksum === e.checksum
          ? `for patient ${existing.patientId}, not ${e.patientId}`
          : `from different files (${existing.source})`;
      throw new BeatlensError(
        'store-duplicate-record',
        `record ${e.id} is already in the store ${why}; use --replace to overwrite it`,
      );
    }
  }
  for (const e of entries) {
    if (actions[e.id] === 'segments') {
      store.segments.replaceForRecord(e.id, task, e.segments);
      continue;
    }
    store.records.import(
      { ...e.load(), checksum: e.checksum, segments: { task, items: e.segments } },
      { replace: actions[e.id] === 'replaced' },
    );
  }
  return actions;
}

function segmentsByRecord(ids: readonly string[], segments: readonly Segment[]) {
  const of = new Map<string, Segment[]>(ids.map((id) => [id, []]));
  for (const s of segments) of.get(s.recordId)?.push(s);
  return of;
}

/**
 * Stores what H2's `prepareMitdb(dir)` built (it reads and validates every record first): each
 * record with its raw signals, beats and paper segments in one transaction (see storePrepared
 * for conflicts and re-runs).
 */
export function storePreparedMitdb(
  store: Store,
  dir: string,
  prepared: PreparedDatabase,
  opts: { replace?: boolean } = {},
): Record<string, PrepareAction> {
  const ids = prepared.perRecord.map((r) => r.recordId);
  const segmentsOf = segmentsByRecord(ids, prepared.segments);
  const entries = ids.map((id): PreparedEntry => {
    const base = join(dir, id);
    return {
      id,
      patientId: mitdbPatientId(id),
      checksum: sha256Files(wfdbSourceFiles(`${base}.hea`)),
      segments: segmentsOf.get(id) ?? [],
      load: () => ({
        record: readWfdbRecord(base, { patientId: mitdbPatientId(id) }),
        beats: readBeats(base, 'atr'),
        format: 'wfdb',
      }),
    };
  });
  return storePrepared(store, PAPER_TASK, entries, opts);
}

/** The task `prepare origin` stores its segments under. */
export const ORIGIN_TASK = 'pvc-origin';

/**
 * Stores what `prepareOriginDataset` built: each labelled record (its 12 standard leads as read,
 * patient from the labels CSV) with its beats, if any, and its origin segments.
 */
export function storePreparedOrigin(
  store: Store,
  prepared: PreparedOriginDataset,
  opts: { replace?: boolean } = {},
): Record<string, PrepareAction> {
  const ids = prepared.records.map((r) => r.record.id);
  const segmentsOf = segmentsByRecord(ids, prepared.segments);
  const entries = prepared.records.map(({ record, beats, file }): PreparedEntry => {
    const format = FORMAT_BY_EXT[extname(file).toLowerCase()] ?? 'other';
    return {
      id: record.id,
      patientId: record.patientId,
      checksum: sha256Files(format === 'wfdb' ? wfdbSourceFiles(file) : [file]),
      segments: segmentsOf.get(record.id) ?? [],
      load: () => ({ record, beats, format }),
    };
  });
  return storePrepared(store, ORIGIN_TASK, entries, opts);
}

/** How this run's counts compare with the paper's, or why they cannot be compared. */
export function comparePaperCounts(prepared: PreparedDatabase): string {
  const t = prepared.totals;
  const ids = new Set(prepared.perRecord.map((r) => r.recordId));
  const all = MITDB_RECORDS.every((r) => ids.has(r));
  if (!all) {
    return `comparison with the paper (${PAPER_COUNTS.PVC} PVC / ${PAPER_COUNTS.APB} APB segments) needs all ${MITDB_RECORDS.length} MIT-BIH records; this run used ${t.nRecords}`;
  }
  const pct = (x: number, ref: number) =>
    `${x - ref >= 0 ? '+' : ''}${(((x - ref) / ref) * 100).toFixed(1)}%`;
  return (
    `paper: ${PAPER_COUNTS.PVC} PVC / ${PAPER_COUNTS.APB} APB segments; ` +
    `here: ${t.nPvcSegments} PVC (${pct(t.nPvcSegments, PAPER_COUNTS.PVC)}) / ${t.nApbSegments} APB (${pct(t.nApbSegments, PAPER_COUNTS.APB)})`
  );
}

export interface SyntheticStudyOptions {
  seed: number;
  /** Segments wanted in total, half of each class. */
  nSegments: number;
  /** 'pvc-apb' (default: PVC vs APB, 2 leads at 360 Hz) or 'pvc-origin' (LVOT vs RVOT, 12 leads at 500 Hz). */
  task?: SyntheticTask;
  fs?: number;
  nLeads?: number;
  replace?: boolean;
}

/**
 * The built-in demo study: `synthesizeStudy`'s records (one synthetic patient each, abnormal
 * beats at known positions), each stored raw with its beats and its preprocessed segments (task
 * 'pvc-apb' or 'pvc-origin') in one transaction, so the app can show whole records and review
 * flagged beats.
 */
export function prepareSyntheticIntoStore(
  store: Store,
  opts: SyntheticStudyOptions,
): StoredRecord[] {
  if (!Number.isInteger(opts.seed)) {
    throw new BeatlensError(
      'synthetic-config',
      `synthetic study: seed=${opts.seed} is not an integer`,
    );
  }
  if (!Number.isInteger(opts.nSegments) || opts.nSegments < 1) {
    throw new BeatlensError(
      'synthetic-config',
      `synthetic study: nSegments=${opts.nSegments} must be a positive integer`,
    );
  }
  const study = synthesizeStudy(opts);
  const segmentsOf = segmentsByRecord(
    study.records.map((r) => r.record.id),
    study.segments,
  );
  const imports: RecordImport[] = study.records.map(({ record, beats }) => ({
    record,
    beats,
    format: 'synthetic',
    checksum: sha256Float32(record.signals),
    segments: { task: study.task, items: segmentsOf.get(record.id) ?? [] },
  }));
  return importRecords(store, imports, { replace: opts.replace });
}
