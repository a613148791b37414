/**
 * Getting ECG data into the store: files a clinic has (WFDB, CSV, EDF), the MIT-BIH paper
 * segments and the built-in synthetic demo. Shared by the CLI and the app. Every path reads and
 * validates all its inputs before the first write, so bad input leaves the store untouched.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { BeatlensError } from '../errors';
import { loadRecordFile } from '../ecg/import/load';
import { MITDB_RECORDS } from '../ecg/download';
import { mitdbPatientId, type PreparedDatabase } from '../ecg/prepare';
import { preprocessRecord } from '../ecg/preprocess';
import { segmentRecord } from '../ecg/segments';
import { synthesizeRecord } from '../ecg/synthetic';
import type { Beat, EcgRecord, Segment } from '../ecg/types';
import { validateRecord as validateSignal } from '../ecg/validate';
import { readBeats } from '../ecg/wfdb/annotations';
import { readWfdbHeader } from '../ecg/wfdb/header';
import { readWfdbRecord, wfdbRecordBase } from '../ecg/wfdb/record';
import { createRng } from '../random';
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

/**
 * Stores what H2's `prepareMitdb(dir)` built (it reads and validates every record first): each
 * record with its raw signals, beats and paper segments in one transaction. All conflicts are
 * checked before the first write. Re-running is idempotent: a record already stored from the
 * same files keeps its row and gets its segments rebuilt ('segments'); one stored from other
 * files needs `replace`. Returns the action taken per record id.
 */
export function storePreparedMitdb(
  store: Store,
  dir: string,
  prepared: PreparedDatabase,
  opts: { replace?: boolean } = {},
): Record<string, PrepareAction> {
  const ids = prepared.perRecord.map((r) => r.recordId);
  const checksums = new Map(
    ids.map((id) => [id, sha256Files(wfdbSourceFiles(join(dir, `${id}.hea`)))]),
  );
  const segmentsOf = new Map<string, Segment[]>(ids.map((id) => [id, []]));
  for (const s of prepared.segments) segmentsOf.get(s.recordId)?.push(s);

  const actions: Record<string, PrepareAction> = {};
  for (const id of ids) {
    const existing = store.records.get(id);
    if (!existing) {
      actions[id] = 'new';
    } else if (existing.checksum === checksums.get(id)) {
      actions[id] = 'segments';
      store.segments.assertReplaceable(id, PAPER_TASK);
    } else if (opts.replace) {
      actions[id] = 'replaced';
      store.records.assertDeletable(id, 'replaced');
    } else {
      throw new BeatlensError(
        'store-duplicate-record',
        `record ${id} is already in the store from different files (${existing.source}); use --replace to overwrite it`,
      );
    }
  }
  for (const id of ids) {
    const segments = segmentsOf.get(id) ?? [];
    if (actions[id] === 'segments') {
      store.segments.replaceForRecord(id, PAPER_TASK, segments);
      continue;
    }
    const base = join(dir, id);
    const record = readWfdbRecord(base, { patientId: mitdbPatientId(id) });
    const beats: Beat[] = readBeats(base, 'atr');
    store.records.import(
      {
        record,
        beats,
        format: 'wfdb',
        checksum: checksums.get(id) as string,
        segments: { task: PAPER_TASK, items: segments },
      },
      { replace: actions[id] === 'replaced' },
    );
  }
  return actions;
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
  /** Segments wanted in total, about half PVC and half APB. */
  nSegments: number;
  fs?: number;
  nLeads?: number;
  replace?: boolean;
}

/**
 * The built-in demo study: synthetic records (one synthetic patient each, with PVC-like or
 * APB-like beats at known positions), preprocessed and segmented like MIT-BIH, each stored
 * with its beats and segments in one transaction. Unlike `synthesizeDataset` (segments only,
 * in memory) it keeps whole records so the app can show them and review flagged beats.
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
  const fs = opts.fs ?? 360;
  const maxSamples = Math.round((2000 * fs) / 360);
  const rng = createRng(opts.seed);
  const want = { PVC: Math.ceil(opts.nSegments / 2), APB: Math.floor(opts.nSegments / 2) };
  const imports: RecordImport[] = [];
  for (let k = 0; k < 10 * opts.nSegments + 10 && (want.PVC > 0 || want.APB > 0); k++) {
    const label: 'PVC' | 'APB' = want.PVC >= want.APB ? 'PVC' : 'APB';
    const id = `syn-${opts.seed}-${k}`;
    const rate = 0.12 + 0.13 * rng.next();
    const { record, beats } = synthesizeRecord({
      seed: Math.floor(rng.next() * 2 ** 31),
      fs,
      nLeads: opts.nLeads ?? 2,
      durationSeconds: Math.max(20, (4.2 * maxSamples) / fs),
      pvcRate: label === 'PVC' ? rate : 0,
      apbRate: label === 'APB' ? rate : 0,
      id,
      patientId: id,
    });
    const { segments } = segmentRecord(preprocessRecord(record), beats, {
      maxSamples,
      task: PAPER_TASK,
    });
    const kept = segments.filter((s) => s.label === label).slice(0, want[label]);
    if (kept.length === 0) continue;
    want[label] -= kept.length;
    imports.push({
      record,
      beats,
      format: 'synthetic',
      checksum: sha256Float32(record.signals),
      segments: { task: PAPER_TASK, items: kept },
    });
  }
  if (want.PVC > 0 || want.APB > 0) {
    throw new BeatlensError(
      'synthetic-config',
      `synthetic study: could not build ${opts.nSegments} segments`,
    );
  }
  return importRecords(store, imports, { replace: opts.replace });
}
