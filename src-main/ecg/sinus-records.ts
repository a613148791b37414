/**
 * All-normal segments from other recorders: the 12-lead records of LUDB and the CinC 2021 sample
 * whose diagnoses say sinus rhythm without ectopy, cut by the paper's segment builder into NORMAL
 * segments on a seeded random ordered pair of their leads (the record's 12 leads are kept beside
 * each segment as its lead pool, for the augmentation's pair draws).
 *
 * Diagnoses (`recordDiagnoses`):
 * - LUDB (ludb.csv): Rhythms is sinus rhythm / bradycardia / tachycardia / arrhythmia,
 *   Extrasystolies is empty, Cardiac pacing is empty. Beats: the lead-II QRS marks (`<n>.ii`).
 * - CinC 2021 sample (labels.csv): dx has one of NSR, SB, STach, SA and otherwise only findings
 *   that do not touch the rhythm (LAE, LAA, TAb, TInv, NSIVCB, LVHV, LVH, LQT, RBBB), PVC = 0,
 *   PAC = 0, no pacing code in the header. Beats: beatlens's QRS detector on all 12 leads.
 *
 * Patient-disjoint split (`sinusRecordSplit`), fixed so training and evaluation agree: LUDB odd
 * record numbers train, even ones test (one record per patient); CinC by the FNV-1a hash of the
 * record id, even hash train, odd test. Test records are never returned for training.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvParseRows } from 'd3';
import { BeatlensError } from '../errors';
import { createRng } from '../random';
import { loadRecordFile } from './import/load';
import { standardLeadOrder } from './leads';
import { preprocessRecord } from './preprocess';
import { detectQrs } from './qrs';
import { resampleBeats } from './resample';
import { segmentRecord } from './segments';
import type { Beat, EcgRecord, Segment } from './types';
import { readBeats } from './wfdb/annotations';

export type SinusDatabase = 'ludb' | 'cinc2021-sample';
export const SINUS_DATABASES: SinusDatabase[] = ['ludb', 'cinc2021-sample'];

/** A record of a database without beat types, with what its diagnoses say. */
export interface RecordDiagnosis {
  database: SinusDatabase;
  record: string;
  /** The record's WFDB header. */
  header: string;
  /** Sinus rhythm (any rate) and no extrasystole or other arrhythmia named. */
  sinusClean: boolean;
  pvc: boolean;
  pac: boolean;
  /** Why it is left out of everything (pacing), or null. */
  leftOut: string | null;
}

/** The `--extra-normal` list: known database names, comma-separated. */
export function parseSinusDatabases(list: string): SinusDatabase[] {
  const names = list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(SINUS_DATABASES as string[]).includes(n)) {
      throw new BeatlensError(
        'extra-normal',
        `--extra-normal ${n}: unknown database; use ${SINUS_DATABASES.join(', ')}`,
      );
    }
  }
  if (names.length === 0) {
    throw new BeatlensError('extra-normal', `--extra-normal '${list}' names no database`);
  }
  return [...new Set(names)] as SinusDatabase[];
}

function table(path: string): { col(name: string): number; rows: string[][] } {
  const rows = csvParseRows(readFileSync(path, 'utf8'));
  const head = rows[0] ?? [];
  return {
    col(name) {
      const i = head.indexOf(name);
      if (i < 0) throw new BeatlensError('extra-normal', `${path}: no column '${name}'`);
      return i;
    },
    rows: rows.slice(1).filter((r) => r.length > 1),
  };
}

const SINUS_CINC = new Set(['NSR', 'SB', 'STach', 'SA']);
const NOT_RHYTHM_CINC = new Set([
  'LAE',
  'LAA',
  'TAb',
  'TInv',
  'NSIVCB',
  'LVHV',
  'LVH',
  'LQT',
  'RBBB',
]);

/** Every record of `dir` (a staged LUDB or CinC-sample folder) with its diagnoses. */
export function recordDiagnoses(database: SinusDatabase, dir: string): RecordDiagnosis[] {
  if (database === 'ludb') {
    const t = table(join(dir, 'ludb.csv'));
    const [id, rhythms, extra, pacing] = ['ID', 'Rhythms', 'Extrasystolies', 'Cardiac pacing'].map(
      (c) => t.col(c),
    );
    return t.rows.map((cells) => {
      const record = cells[id].trim();
      const ex = cells[extra].trim();
      const pace = cells[pacing].trim();
      return {
        database,
        record,
        header: join(dir, 'data', `${record}.hea`),
        sinusClean:
          /^(sinus rhythm|sinus bradycardia|sinus tachycardia|sinus arrhythmia)$/i.test(
            cells[rhythms].trim(),
          ) && ex === '',
        pvc: /ventricular extrasystole/i.test(ex),
        pac: /atrial extrasystole/i.test(ex),
        leftOut: pace !== '' ? `pacing: ${pace.split('\n')[0]}` : null,
      };
    });
  }
  const t = table(join(dir, 'labels.csv'));
  const [rec, dxCol, pvc, pac] = ['record', 'dx_abbr', 'PVC', 'PAC'].map((c) => t.col(c));
  return t.rows.map((cells) => {
    const record = cells[rec];
    const dx = cells[dxCol].split(';');
    const header = join(dir, `${record}.hea`);
    return {
      database,
      record,
      header,
      sinusClean:
        dx.some((d) => SINUS_CINC.has(d)) &&
        dx.every((d) => SINUS_CINC.has(d) || NOT_RHYTHM_CINC.has(d)) &&
        cells[pvc] === '0' &&
        cells[pac] === '0',
      pvc: cells[pvc] === '1',
      pac: cells[pac] === '1',
      // SNOMED 10370003 pacing rhythm, 251266004 ventricular pacing pattern.
      leftOut: /\b(10370003|251266004)\b/.test(readFileSync(header, 'utf8')) ? 'paced' : null,
    };
  });
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The fixed patient-disjoint split of a record (see the module comment). */
export function sinusRecordSplit(database: SinusDatabase, record: string): 'train' | 'test' {
  if (database === 'ludb') {
    const n = Number(record);
    if (!Number.isInteger(n)) {
      throw new BeatlensError('extra-normal', `LUDB record '${record}' is not a record number`);
    }
    return n % 2 === 1 ? 'train' : 'test';
  }
  return fnv1a(record) % 2 === 0 ? 'train' : 'test';
}

/** The sinus-clean, not-left-out records of one side of the split. */
export function sinusRecords(
  database: SinusDatabase,
  dir: string,
  split: 'train' | 'test',
): RecordDiagnosis[] {
  return recordDiagnoses(database, dir).filter(
    (r) => r.sinusClean && !r.leftOut && sinusRecordSplit(database, r.record) === split,
  );
}

export interface SinusSegmentsOptions {
  /** Segment rate (Hz): records are resampled, band-passed and z-scored as MIT-BIH's are. */
  fs: number;
  /** Segment length in samples (the MIT-BIH dataset's). */
  nSamples: number;
  /** Seed of the per-record lead-pair draw. */
  seed: number;
  /** Only these records (default: every training record). */
  records?: RecordDiagnosis[];
}

/** NORMAL segments (2 leads) and, per segment, its record's 12 leads cut alike (its lead pool). */
export interface SinusSegments {
  segments: Segment[];
  pools: Float32Array[];
  /** Records used, and the leads (standard names) each one's segments carry. */
  records: Array<{ record: string; leads: [string, string]; nSegments: number }>;
}

/**
 * The training side's NORMAL segments of `database` in `dir`. Record and patient ids are
 * prefixed with the database (`ludb:1`), so they never meet MIT-BIH's.
 */
export function sinusSegments(
  database: SinusDatabase,
  dir: string,
  opts: SinusSegmentsOptions,
): SinusSegments {
  const records = opts.records ?? sinusRecords(database, dir, 'train');
  const out: SinusSegments = { segments: [], pools: [], records: [] };
  for (const item of records) {
    if (sinusRecordSplit(database, item.record) !== 'train') {
      throw new BeatlensError(
        'extra-normal',
        `${database} record ${item.record} is a test record; it is never trained on`,
      );
    }
    const { record: file } = loadRecordFile(item.header);
    const order = standardLeadOrder(file.leadNames);
    if (!order) {
      throw new BeatlensError(
        'extra-normal',
        `${item.header}: leads ${file.leadNames.join(', ')} are not the 12 standard leads`,
      );
    }
    const id = `${database}:${item.record}`;
    const raw: EcgRecord = {
      ...file,
      id,
      patientId: id,
      leadNames: order.map((k) => file.leadNames[k]),
      units: order.map((k) => file.units[k]),
      signals: order.map((k) => file.signals[k]),
    };
    const record = preprocessRecord(raw, { fs: opts.fs });
    const beats: Beat[] =
      database === 'ludb'
        ? resampleBeats(readBeats(item.header.slice(0, -4), 'ii'), raw.fs, record.fs)
        : detectQrs(record.signals, record.fs).map((sample) => ({
            sample,
            symbol: 'N',
            aami: 'N' as const,
          }));
    const report = segmentRecord(record, beats, {
      maxSamples: opts.nSamples,
      task: 'normal-apb-pvc',
    });
    const pair = createRng(opts.seed ^ fnv1a(id))
      .shuffle(Array.from({ length: record.signals.length }, (_, k) => k))
      .slice(0, 2);
    const n = opts.nSamples;
    let kept = 0;
    for (const s of report.segments) {
      if (s.label !== 'NORMAL') continue;
      const data = new Float32Array(2 * n);
      pair.forEach((k, j) => data.set(s.data.subarray(k * n, (k + 1) * n), j * n));
      out.segments.push({ ...s, nLeads: 2, data });
      out.pools.push(s.data);
      kept++;
    }
    out.records.push({
      record: item.record,
      leads: [record.leadNames[pair[0]], record.leadNames[pair[1]]],
      nSegments: kept,
    });
  }
  return out;
}
