/**
 * MIT-BIH Arrhythmia → the paper's PVC/APB segments: read each record and its reference beat
 * annotations (.atr), validate, preprocess (band-pass + per-lead z-score), run the segment
 * builder, and count what was kept and discarded per record.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BeatlensError } from '../errors';
import { preprocessRecord, type PreprocessConfig } from './preprocess';
import { segmentRecord, type NormalBeatRule } from './segments';
import { validateRecord } from './validate';
import { readBeats } from './wfdb/annotations';
import { readWfdbRecord } from './wfdb/record';
import type { Segment } from './types';

/** MIT-BIH records with paced beats ('/', 'f'); AAMI EC57 excludes them from evaluations. */
export const MITDB_PACED_RECORDS = ['102', '104', '107', '217'] as const;

export interface PreparedRecordSummary {
  recordId: string;
  patientId: string;
  /** Annotated beats walked. */
  nBeats: number;
  nPvcSegments: number;
  nApbSegments: number;
  /** Candidate segments rejected by the rule (all normal, mixed or other beat types). */
  nDiscarded: number;
  /** Of the discarded, segments of only normal beats. */
  nAllNormal: number;
  /** Candidate segments formed before the rule. */
  nCandidates: number;
  /** Beats longer than maxSamples on their own (never in a segment). */
  nBeatsTooLong: number;
}

export interface PreparedDatabase {
  segments: Segment[];
  perRecord: PreparedRecordSummary[];
  totals: Omit<PreparedRecordSummary, 'recordId' | 'patientId'> & { nRecords: number };
}

export interface PrepareOptions {
  /** Record names to use; default the RECORDS file, else every *.hea with a .atr beside it. */
  records?: string[];
  /** Segment length in samples. Default 2000 (at MIT-BIH's 360 Hz). */
  maxSamples?: number;
  preprocess?: PreprocessConfig;
  /** What counts as a normal beat; default 'symbol' (only 'N'). */
  normal?: NormalBeatRule;
  /** Leave out the paced records 102, 104, 107, 217. Default false (the paper does not say). */
  excludePaced?: boolean;
  /** Annotator extension. Default 'atr'. */
  annotator?: string;
  onProgress?(done: number, total: number, recordId: string): void;
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
    const raw = readWfdbRecord(base, { patientId });
    validateRecord(raw, { minSamples: maxSamples, expectedBy: 'the segment builder' });
    const beats = readBeats(base, annotator);
    const record = preprocessRecord(raw, opts.preprocess);
    // Beat samples are at the raw fs; move them if preprocessing resampled.
    const scale = record.fs / raw.fs;
    const beatsAtFs =
      scale === 1 ? beats : beats.map((b) => ({ ...b, sample: Math.round(b.sample * scale) }));
    const report = segmentRecord(record, beatsAtFs, {
      maxSamples,
      task: 'pvc-apb',
      normal: opts.normal,
    });
    segments.push(...report.segments);
    perRecord.push({
      recordId: record.id,
      patientId,
      nBeats: report.nBeats,
      nPvcSegments: report.counts.PVC ?? 0,
      nApbSegments: report.counts.APB ?? 0,
      nDiscarded: report.nDiscarded,
      nAllNormal: report.nAllNormal,
      nCandidates: report.nCandidates,
      nBeatsTooLong: report.nBeatsTooLong,
    });
    opts.onProgress?.(i + 1, records.length, recordId);
  });
  const sum = (k: keyof Omit<PreparedRecordSummary, 'recordId' | 'patientId'>) =>
    perRecord.reduce((s, r) => s + r[k], 0);
  return {
    segments,
    perRecord,
    totals: {
      nRecords: perRecord.length,
      nBeats: sum('nBeats'),
      nPvcSegments: sum('nPvcSegments'),
      nApbSegments: sum('nApbSegments'),
      nDiscarded: sum('nDiscarded'),
      nAllNormal: sum('nAllNormal'),
      nCandidates: sum('nCandidates'),
      nBeatsTooLong: sum('nBeatsTooLong'),
    },
  };
}

/** A plain-text table of the per-record and total counts (what `beatlens prepare` prints). */
export function formatPreparedCounts(db: PreparedDatabase): string {
  const header = ['record', 'patient', 'beats', 'PVC', 'APB', 'discarded', 'allNormal'];
  const rows = db.perRecord.map((r) => [
    r.recordId,
    r.patientId,
    r.nBeats,
    r.nPvcSegments,
    r.nApbSegments,
    r.nDiscarded,
    r.nAllNormal,
  ]);
  const t = db.totals;
  rows.push([
    `total (${t.nRecords})`,
    '',
    t.nBeats,
    t.nPvcSegments,
    t.nApbSegments,
    t.nDiscarded,
    t.nAllNormal,
  ]);
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  return all.map((r) => r.map((v, c) => v.padStart(widths[c])).join('  ')).join('\n');
}
