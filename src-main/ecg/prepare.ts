/**
 * Databases → the paper's segments.
 * - MIT-BIH Arrhythmia → PVC/APB segments: read each record and its reference beat annotations
 *   (.atr), validate, preprocess (band-pass + per-lead z-score), run the segment builder, and
 *   count what was kept and discarded per record.
 * - A user's folder of 12-lead records plus a labels CSV → PVC-origin segments (LVOT/RVOT) of
 *   5000 samples at 500 Hz (`prepareOriginDataset`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { formatCsv } from '../csv';
import { BeatlensError } from '../errors';
import { IMPORT_EXTENSIONS, loadRecordFile } from './import/load';
import { STANDARD_12_LEADS, standardLeadOrder } from './leads';
import { preprocessRecord, type PreprocessConfig } from './preprocess';
import { resampleBeats } from './resample';
import { segmentRecord, type NormalBeatRule } from './segments';
import { validateRecord } from './validate';
import { readBeats } from './wfdb/annotations';
import { readWfdbRecord } from './wfdb/record';
import type { Beat, EcgRecord, Segment } from './types';

/** The segment tasks MIT-BIH can be prepared for. */
export type MitdbTask = 'pvc-apb' | 'normal-apb-pvc';
export const MITDB_TASKS: MitdbTask[] = ['pvc-apb', 'normal-apb-pvc'];

/** MIT-BIH records with paced beats ('/', 'f'); AAMI EC57 excludes them from evaluations. */
export const MITDB_PACED_RECORDS = ['102', '104', '107', '217'] as const;

export interface PreparedRecordSummary {
  recordId: string;
  patientId: string;
  /** The record's leads as the model sees them (MLII first), or [] when the record was skipped. */
  leads: string[];
  /** Why the record gave no segments at all (e.g. no MLII lead), or null. */
  skipped: string | null;
  /** Annotated beats walked. */
  nBeats: number;
  nPvcSegments: number;
  nApbSegments: number;
  /** Segments of normal beats only kept as 'NORMAL' (task normal-apb-pvc; 0 for pvc-apb). */
  nNormalSegments: number;
  /** Candidate segments rejected by the rule (all normal, mixed or other beat types). */
  nDiscarded: number;
  /** Of the discarded, segments of only normal beats. */
  nAllNormal: number;
  /** Candidate segments formed before the rule. */
  nCandidates: number;
  /** Beats longer than maxSamples on their own (never in a segment). */
  nBeatsTooLong: number;
}

type CountKey = Exclude<
  keyof PreparedRecordSummary,
  'recordId' | 'patientId' | 'leads' | 'skipped'
>;

export interface PreparedDatabase {
  segments: Segment[];
  perRecord: PreparedRecordSummary[];
  totals: Record<CountKey, number> & { nRecords: number; nSkipped: number };
}

function emptySummary(recordId: string, patientId: string): PreparedRecordSummary {
  return {
    recordId,
    patientId,
    leads: [],
    skipped: null,
    nBeats: 0,
    nPvcSegments: 0,
    nApbSegments: 0,
    nNormalSegments: 0,
    nDiscarded: 0,
    nAllNormal: 0,
    nCandidates: 0,
    nBeatsTooLong: 0,
  };
}

export interface PrepareOptions {
  /** Record names to use; default the RECORDS file, else every *.hea with a .atr beside it. */
  records?: string[];
  /** Segment length in samples. Default 2000 (at MIT-BIH's 360 Hz). */
  maxSamples?: number;
  preprocess?: PreprocessConfig;
  /** 'pvc-apb' (the paper's, default) or 'normal-apb-pvc' (all-normal segments kept too). */
  task?: MitdbTask;
  /** What counts as a normal beat; default 'symbol' (only 'N'). */
  normal?: NormalBeatRule;
  /** Leave out the paced records 102, 104, 107, 217. Default false (the paper does not say). */
  excludePaced?: boolean;
  /** Annotator extension. Default 'atr'. */
  annotator?: string;
  onProgress?(done: number, total: number, recordId: string): void;
}

/** Second leads in order of preference (MIT-BIH's upper trace is MLII in 45 of 48 records). */
export const MITDB_SECOND_LEADS = ['V1', 'V2', 'V4', 'V5'] as const;

/**
 * Which of a MIT-BIH record's leads feed the model, in the fixed order [MLII, second]: MLII
 * (wherever it is in the file; record 114 stores V5 first) then the first of V1/V2/V4/V5.
 * Returns null when the record has no MLII (records 102 and 104: V5 and V2). A model sees leads
 * by position, so such records are left out rather than fed V5 in MLII's place; both are paced
 * records, which AAMI EC57 excludes from evaluations anyway.
 */
export function mitdbLeadOrder(leadNames: readonly string[]): number[] | null {
  const norm = leadNames.map((n) => n.trim().toUpperCase());
  const mlii = norm.indexOf('MLII');
  if (mlii < 0) return null;
  for (const name of MITDB_SECOND_LEADS) {
    const i = norm.indexOf(name);
    if (i >= 0 && i !== mlii) return [mlii, i];
  }
  return [mlii];
}

/** MIT-BIH records 201 and 202 come from the same patient; every other record is its own. */
export function mitdbPatientId(recordId: string): string {
  return recordId === '202' ? '201' : recordId;
}

/** Record names in `dir`: its RECORDS file, else the *.hea files that have annotations. */
export function listWfdbRecords(dir: string, annotator = 'atr'): string[] {
  if (!existsSync(dir)) {
    throw new BeatlensError('prepare-missing-dir', `${dir}: folder not found`);
  }
  if (!statSync(dir).isDirectory()) {
    throw new BeatlensError(
      'prepare-missing-dir',
      `${dir}: not a folder (give the folder holding the records)`,
    );
  }
  const recordsFile = join(dir, 'RECORDS');
  if (existsSync(recordsFile)) {
    return readFileSync(recordsFile, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('#'));
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.hea'))
    .map((f) => f.slice(0, -4))
    .filter((r) => existsSync(join(dir, `${r}.${annotator}`)))
    .sort();
}

/** Prepare the PVC/APB segments of a MIT-BIH folder (see PrepareOptions). */
export function prepareMitdb(dir: string, opts: PrepareOptions = {}): PreparedDatabase {
  const maxSamples = opts.maxSamples ?? 2000;
  const annotator = opts.annotator ?? 'atr';
  let records = opts.records ?? listWfdbRecords(dir, annotator);
  if (opts.excludePaced) {
    records = records.filter((r) => !(MITDB_PACED_RECORDS as readonly string[]).includes(r));
  }
  if (records.length === 0) {
    throw new BeatlensError(
      'prepare-no-records',
      `${dir}: no annotated WFDB records (no RECORDS file and no *.hea with a .${annotator} beside it)`,
    );
  }
  const segments: Segment[] = [];
  const perRecord: PreparedRecordSummary[] = [];
  records.forEach((recordId, i) => {
    const base = join(dir, recordId);
    if (!existsSync(`${base}.${annotator}`)) {
      throw new BeatlensError(
        'prepare-missing-annotations',
        `${base}.${annotator}: annotation file not found (record ${recordId} cannot be segmented without beat labels)`,
      );
    }
    const patientId = mitdbPatientId(recordId);
    const fileRecord = readWfdbRecord(base, { patientId });
    const order = mitdbLeadOrder(fileRecord.leadNames);
    if (!order || order.length < 2) {
      const why = order
        ? `only one usable lead (${fileRecord.leadNames.join(', ')})`
        : `no MLII lead (${fileRecord.leadNames.join(', ')})`;
      perRecord.push({ ...emptySummary(recordId, patientId), skipped: why });
      opts.onProgress?.(i + 1, records.length, recordId);
      return;
    }
    const raw: EcgRecord = {
      ...fileRecord,
      leadNames: order.map((k) => fileRecord.leadNames[k]),
      units: order.map((k) => fileRecord.units[k]),
      signals: order.map((k) => fileRecord.signals[k]),
    };
    validateRecord(raw, { minSamples: maxSamples, expectedBy: 'the segment builder' });
    const beats = readBeats(base, annotator);
    const record = preprocessRecord(raw, opts.preprocess);
    // Beat samples are at the raw fs; move them if preprocessing resampled.
    const scale = record.fs / raw.fs;
    const beatsAtFs =
      scale === 1 ? beats : beats.map((b) => ({ ...b, sample: Math.round(b.sample * scale) }));
    const report = segmentRecord(record, beatsAtFs, {
      maxSamples,
      task: opts.task ?? 'pvc-apb',
      normal: opts.normal,
    });
    segments.push(...report.segments);
    perRecord.push({
      recordId: record.id,
      patientId,
      leads: raw.leadNames,
      skipped: null,
      nBeats: report.nBeats,
      nPvcSegments: report.counts.PVC ?? 0,
      nApbSegments: report.counts.APB ?? 0,
      nNormalSegments: report.counts.NORMAL ?? 0,
      nDiscarded: report.nDiscarded,
      nAllNormal: report.nAllNormal,
      nCandidates: report.nCandidates,
      nBeatsTooLong: report.nBeatsTooLong,
    });
    opts.onProgress?.(i + 1, records.length, recordId);
  });
  const sum = (k: CountKey) => perRecord.reduce((s, r) => s + r[k], 0);
  return {
    segments,
    perRecord,
    totals: {
      nRecords: perRecord.length,
      nSkipped: perRecord.filter((r) => r.skipped !== null).length,
      nBeats: sum('nBeats'),
      nPvcSegments: sum('nPvcSegments'),
      nApbSegments: sum('nApbSegments'),
      nNormalSegments: sum('nNormalSegments'),
      nDiscarded: sum('nDiscarded'),
      nAllNormal: sum('nAllNormal'),
      nCandidates: sum('nCandidates'),
      nBeatsTooLong: sum('nBeatsTooLong'),
    },
  };
}

/** The per-record counts as CSV (`beatlens prepare mitdb --counts-csv`; the committed table). */
export function preparedCountsCsv(db: PreparedDatabase): string {
  return formatCsv(
    [
      'record',
      'patient',
      'leads',
      'beats',
      'pvc',
      'apb',
      'normal',
      'discarded',
      'all_normal',
      'skipped',
    ],
    db.perRecord.map((r) => [
      r.recordId,
      r.patientId,
      r.leads.join('+'),
      ...countCells(r),
      r.skipped ?? '',
    ]),
  );
}

/** The counts both tables show, in their column order. */
const countCells = (r: Record<CountKey, number>): number[] => [
  r.nBeats,
  r.nPvcSegments,
  r.nApbSegments,
  r.nNormalSegments,
  r.nDiscarded,
  r.nAllNormal,
];

/** A plain-text table of the per-record and total counts (what `beatlens prepare` prints). */
export function formatPreparedCounts(db: PreparedDatabase): string {
  const header = [
    'record',
    'patient',
    'leads',
    'beats',
    'PVC',
    'APB',
    'NORMAL',
    'discarded',
    'allNormal',
    'note',
  ];
  const rows: Array<Array<string | number>> = db.perRecord.map((r) => [
    r.recordId,
    r.patientId,
    r.leads.join('+') || '-',
    ...countCells(r),
    r.skipped ? `skipped: ${r.skipped}` : '',
  ]);
  const t = db.totals;
  rows.push([
    `total (${t.nRecords})`,
    '',
    '',
    ...countCells(t),
    t.nSkipped ? `${t.nSkipped} skipped` : '',
  ]);
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  return all.map((r) => r.map((v, c) => v.padStart(widths[c])).join('  ')).join('\n');
}

/* ------------------------------------------------------------------------------------------ */
/* The paper's second data set: 12-lead PVC segments labelled by origin (LVOT / RVOT).         */
/* ------------------------------------------------------------------------------------------ */

/** Segment rate and length of the paper's origin data set: 10 s at 500 Hz. */
export const ORIGIN_FS = 500;
export const ORIGIN_SAMPLES = 5000;

/** One row of a labels CSV. */
export interface OriginLabel {
  recordId: string;
  /** The record's PVC origin, e.g. 'LVOT' or 'RVOT' (or 'LV' / 'RV'). */
  label: string;
  /** Patient id; absent → the record id (each record its own patient). */
  patientId?: string;
  /** 1-based line in the CSV, for messages. */
  line: number;
}

const LABEL_PATTERN = /^[A-Za-z][A-Za-z0-9_+.-]{0,39}$/;
const LABELS_FORMAT = "expected 'record,label[,patient]' rows, e.g. 'p017,RVOT,patient-9'";

function labelsError(where: string, problem: string): never {
  throw new BeatlensError('origin-labels', `${where}: ${problem}`);
}

/**
 * Reads a labels CSV: one row per record, `record,label[,patient]`. A first row with a cell
 * 'record' is a header (its columns may then come in any order). Blank lines and lines
 * starting with '#' are skipped; cells may be quoted.
 */
export function readOriginLabels(path: string): OriginLabel[] {
  if (!existsSync(path)) labelsError(path, 'labels file not found');
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.includes('\uFFFD')) labelsError(path, 'is not UTF-8 text');
  const lines = text.split(/\r?\n/);
  const cells = (l: string) =>
    l.split(',').map((c) =>
      c
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim(),
    );
  let cols = { record: 0, label: 1, patient: 2 as number | -1 };
  const rows: OriginLabel[] = [];
  const firstLine = new Map<string, number>();
  let sawHeader = false;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const where = `${path}:${line}`;
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    const c = cells(raw);
    if (!sawHeader && rows.length === 0 && c.some((x) => x.toLowerCase() === 'record')) {
      sawHeader = true;
      const at = (name: string) => c.findIndex((x) => x.toLowerCase() === name);
      if (at('label') < 0) labelsError(where, `header has no 'label' column; ${LABELS_FORMAT}`);
      cols = { record: at('record'), label: at('label'), patient: at('patient') };
      return;
    }
    const recordId = c[cols.record] ?? '';
    const label = c[cols.label] ?? '';
    const patientId = cols.patient >= 0 ? c[cols.patient] || undefined : undefined;
    if (!recordId || !label) labelsError(where, `'${raw.trim()}': ${LABELS_FORMAT}`);
    if (!LABEL_PATTERN.test(label)) {
      labelsError(
        where,
        `label '${label}' of record ${recordId} must be a short name (letters, digits, _ + . -), e.g. LVOT`,
      );
    }
    const seen = firstLine.get(recordId);
    if (seen !== undefined)
      labelsError(where, `record ${recordId} is labelled again (first on line ${seen})`);
    firstLine.set(recordId, line);
    rows.push({ recordId, label, patientId, line });
  });
  if (rows.length === 0) labelsError(path, `no label rows; ${LABELS_FORMAT}`);
  return rows;
}

/** Record files in `dir` by record name (file name without extension). */
function recordFilesIn(dir: string): Map<string, string[]> {
  if (!existsSync(dir)) throw new BeatlensError('prepare-missing-dir', `${dir}: folder not found`);
  const byName = new Map<string, string[]>();
  for (const f of readdirSync(dir).sort()) {
    const ext = extname(f).toLowerCase();
    if (!(IMPORT_EXTENSIONS as readonly string[]).includes(ext)) continue;
    const name = f.slice(0, -ext.length);
    byName.set(name, [...(byName.get(name) ?? []), join(dir, f)]);
  }
  return byName;
}

/** How a record's leads were mapped to the model's 12 inputs. */
export type LeadMapping = 'standard' | 'file-order';

/**
 * The record's 12 leads in standard order (I, II, III, aVR, aVL, aVF, V1–V6). Leads found by
 * name are reordered and any extra leads (PTB's Frank vx, vy, vz) dropped; a file with exactly
 * 12 leads whose names are not all standard keeps its own order. Anything else is refused.
 */
export function standard12Leads(
  record: EcgRecord,
  file: string,
): { record: EcgRecord; mapping: LeadMapping } {
  const order = standardLeadOrder(record.leadNames);
  if (order) {
    return {
      record: {
        ...record,
        leadNames: [...STANDARD_12_LEADS],
        units: order.map((i) => record.units[i]),
        signals: order.map((i) => record.signals[i]),
      },
      mapping: 'standard',
    };
  }
  if (record.signals.length === 12) return { record, mapping: 'file-order' };
  const names = record.leadNames.join(', ');
  throw new BeatlensError(
    'lead-count-mismatch',
    `${file}: record ${record.id} has ${record.signals.length} leads (${names}); the pvc-origin task needs the 12 standard leads I, II, III, aVR, aVL, aVF, V1–V6`,
  );
}

/** Fixed windows for records without beat annotations (see prepareOriginDataset). */
function windowSegments(record: EcgRecord, label: string, nSamples: number): Segment[] {
  const out: Segment[] = [];
  const nLeads = record.signals.length;
  for (let offset = 0; offset < record.nSamples; offset += nSamples) {
    const length = Math.min(nSamples, record.nSamples - offset);
    if (length < nSamples / 2) break;
    const data = new Float32Array(nLeads * nSamples);
    for (let l = 0; l < nLeads; l++) {
      data.set(record.signals[l].subarray(offset, offset + length), l * nSamples);
    }
    out.push({
      recordId: record.id,
      patientId: record.patientId,
      offset,
      length,
      nLeads,
      nSamples,
      fs: record.fs,
      label,
      beats: [],
      data,
    });
  }
  return out;
}

export interface OriginPrepareOptions {
  /** Sampling frequency of CSV records in Hz (WFDB and EDF files carry their own). */
  csvFs?: number;
  /** Segment rate in Hz; records at another rate are resampled. Default 500. */
  fs?: number;
  /** Segment length in samples. Default 5000 (10 s at 500 Hz). */
  nSamples?: number;
  preprocess?: PreprocessConfig;
  /** What counts as a normal beat in annotated records; default 'symbol' (only 'N'). */
  normal?: NormalBeatRule;
  onProgress?(done: number, total: number, recordId: string): void;
}

export interface OriginRecordSummary {
  recordId: string;
  patientId: string;
  label: string;
  file: string;
  /** The file's sampling frequency and lead count, before resampling and lead selection. */
  fsIn: number;
  nLeadsIn: number;
  leads: LeadMapping;
  /** Annotated beats (null: the file has none, so the record was cut into fixed windows). */
  nBeats: number | null;
  mode: 'beats' | 'windows';
  nSegments: number;
}

export interface PreparedOriginDataset {
  fs: number;
  nSamples: number;
  /** Distinct labels of the labels CSV, sorted: the dataset's classes. */
  classes: string[];
  segments: Segment[];
  /**
   * The records as read (file's fs, raw values) with the 12 standard leads in order and the
   * patient id from the labels CSV: what the store keeps beside the segments.
   */
  records: Array<{ record: EcgRecord; beats: Beat[] | null; file: string }>;
  perRecord: OriginRecordSummary[];
  /** Record files in the folder that the labels CSV does not mention (not used). */
  unlabelled: string[];
  counts: Record<string, number>;
}

/**
 * A folder of 12-lead records (WFDB .hea, CSV, EDF) plus a labels CSV (`record,label[,patient]`)
 * → the paper's origin segments: `nSamples` (5000) samples at `fs` (500 Hz), labelled with the
 * record's PVC origin.
 * - Each record is read with `loadRecordFile`, its 12 standard leads put in order
 *   (`standard12Leads`), validated (NaN, flat leads, at least half a segment long), resampled to
 *   `fs` when its rate differs, band-passed and z-scored (the MIT-BIH chain).
 * - Records with beat annotations (WFDB .atr) go through the paper's segment builder with task
 *   'pvc-origin': only segments of normal beats plus ≥ 1 PVC are kept.
 * - Records without annotations (typical 10 s 12-lead ECGs) are cut into consecutive windows of
 *   `nSamples`; a last window of at least half that is kept, zero-padded. Their beat tables are
 *   empty: the labels CSV vouches that the record shows the PVCs.
 * Every labelled record is read and checked before anything is returned, so a bad file or row
 * fails with one line naming it.
 */
export function prepareOriginDataset(
  dir: string,
  labelsCsvPath: string,
  opts: OriginPrepareOptions = {},
): PreparedOriginDataset {
  const fs = opts.fs ?? ORIGIN_FS;
  const nSamples = opts.nSamples ?? Math.round((ORIGIN_SAMPLES * fs) / ORIGIN_FS);
  const labels = readOriginLabels(labelsCsvPath);
  const files = recordFilesIn(dir);
  const labelled = new Set(labels.map((l) => l.recordId));
  const prepared: PreparedOriginDataset = {
    fs,
    nSamples,
    classes: [...new Set(labels.map((l) => l.label))].sort(),
    segments: [],
    records: [],
    perRecord: [],
    unlabelled: [...files.keys()].filter((name) => !labelled.has(name)),
    counts: {},
  };
  // Name every unknown record before reading any signal.
  for (const row of labels) {
    const found = files.get(row.recordId) ?? [];
    const where = `${labelsCsvPath}:${row.line}`;
    if (found.length === 0) {
      labelsError(
        where,
        `record ${row.recordId} has no file in ${dir} (looked for ${row.recordId}${IMPORT_EXTENSIONS.join(`, ${row.recordId}`)})`,
      );
    }
    if (found.length > 1) {
      labelsError(
        where,
        `record ${row.recordId} is ambiguous: ${found.map((f) => basename(f)).join(' and ')}`,
      );
    }
  }
  labels.forEach((row, i) => {
    const file = (files.get(row.recordId) as string[])[0];
    const isCsv = extname(file).toLowerCase() === '.csv';
    if (isCsv && opts.csvFs === undefined) {
      throw new BeatlensError(
        'csv-fs',
        `${file}: a CSV file does not record its sampling frequency; give it (--fs HZ)`,
      );
    }
    const loaded = loadRecordFile(file, isCsv ? { fs: opts.csvFs } : {});
    const patientId = row.patientId ?? row.recordId;
    const named: EcgRecord = { ...loaded.record, id: row.recordId, patientId };
    const { record: raw, mapping } = standard12Leads(named, file);
    const minSeconds = nSamples / fs / 2;
    if (raw.nSamples / raw.fs < minSeconds) {
      throw new BeatlensError(
        'record-too-short',
        `${file}: record ${raw.id} is ${(raw.nSamples / raw.fs).toFixed(2)} s long; the pvc-origin task needs at least ${minSeconds} s (half a ${nSamples}-sample segment at ${fs} Hz)`,
      );
    }
    validateRecord(raw, { expectedBy: 'the pvc-origin task' });
    const record = preprocessRecord(raw, { ...opts.preprocess, fs });
    const beats = loaded.beats && loaded.beats.length > 0 ? loaded.beats : null;
    let segments: Segment[];
    if (beats) {
      segments = segmentRecord(record, resampleBeats(beats, raw.fs, record.fs), {
        maxSamples: nSamples,
        task: 'pvc-origin',
        recordLabel: row.label,
        normal: opts.normal,
      }).segments;
    } else {
      segments = windowSegments(record, row.label, nSamples);
    }
    prepared.segments.push(...segments);
    prepared.records.push({ record: raw, beats, file });
    prepared.counts[row.label] = (prepared.counts[row.label] ?? 0) + segments.length;
    prepared.perRecord.push({
      recordId: raw.id,
      patientId,
      label: row.label,
      file,
      fsIn: raw.fs,
      nLeadsIn: loaded.record.signals.length,
      leads: mapping,
      nBeats: beats ? beats.length : null,
      mode: beats ? 'beats' : 'windows',
      nSegments: segments.length,
    });
    opts.onProgress?.(i + 1, labels.length, row.recordId);
  });
  return prepared;
}

/** A plain-text table of what `prepareOriginDataset` built (what `beatlens prepare origin` prints). */
export function formatOriginCounts(prepared: PreparedOriginDataset): string {
  const header = ['record', 'patient', 'label', 'fs', 'leads', 'beats', 'mode', 'segments'];
  const rows = prepared.perRecord.map((r) => [
    r.recordId,
    r.patientId,
    r.label,
    String(r.fsIn),
    r.leads === 'standard' ? `${r.nLeadsIn}→12` : '12 (file order)',
    r.nBeats === null ? '-' : String(r.nBeats),
    r.mode,
    String(r.nSegments),
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  return all
    .map((r) =>
      r
        .map((v, c) => v.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
