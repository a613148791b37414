/**
 * Records with their signals and beats. `import` is the unit of crash safety: the record row,
 * every lead's signal blob, every beat and any segments commit together or not at all.
 */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';
import type { Beat, EcgRecord, RecordStartTime, Segment } from '../ecg/types';
import { blobToFloat32, float32ToBlob } from './blob';
import { describeDependents, segmentDependents, type SegmentRepository } from './segments';
import { validateBeats, validateRecord, validateRecordId, validateSegments } from './validate';

export type RecordFormat = 'wfdb' | 'csv' | 'edf' | 'synthetic' | 'other';

export interface RecordImport {
  record: EcgRecord;
  format: RecordFormat;
  /** sha256 of the source files (see `sha256Files`), or of the signal for generated records. */
  checksum: string;
  /** Annotated beats, sorted by sample; null/absent when the source has no annotations. */
  beats?: readonly Beat[] | null;
  /** Segments built from this record, stored under `task`. */
  segments?: { task: string; items: readonly Segment[] };
}

/** Record metadata as listed (no signal data). */
export interface StoredRecord {
  id: string;
  source: string;
  format: RecordFormat;
  fs: number;
  nLeads: number;
  leadNames: string[];
  units: string[];
  nSamples: number;
  patientId: string;
  checksum: string;
  importedAt: string;
  nBeats: number;
  nSegments: number;
  /** Wall-clock start of sample 0 when the file gave one (migration 008), else null. */
  startTime: RecordStartTime | null;
}

interface RecordRow {
  id: string;
  source: string;
  format: RecordFormat;
  fs: number;
  n_leads: number;
  lead_names: string;
  units: string;
  n_samples: number;
  patient_id: string;
  checksum: string;
  imported_at: string;
  n_beats: number;
  n_segments: number;
  start_seconds?: number | null;
  start_date?: string | null;
}

const SELECT = `SELECT r.*,
  (SELECT count(*) FROM beats b WHERE b.record_id = r.id) AS n_beats,
  (SELECT count(*) FROM segments s WHERE s.record_id = r.id) AS n_segments
  FROM records r`;

function toStored(row: RecordRow): StoredRecord {
  return {
    id: row.id,
    source: row.source,
    format: row.format,
    fs: row.fs,
    nLeads: row.n_leads,
    leadNames: JSON.parse(row.lead_names) as string[],
    units: JSON.parse(row.units) as string[],
    nSamples: row.n_samples,
    patientId: row.patient_id,
    checksum: row.checksum,
    importedAt: row.imported_at,
    nBeats: row.n_beats,
    nSegments: row.n_segments,
    // Absent (undefined) on a store before migration 008, NULL when the file gave no start.
    startTime:
      row.start_seconds == null
        ? null
        : { secondsOfDay: row.start_seconds, date: row.start_date ?? null },
  };
}

const FORMATS: ReadonlySet<string> = new Set(['wfdb', 'csv', 'edf', 'synthetic', 'other']);

export class RecordRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly segments: SegmentRepository,
  ) {}

  has(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM records WHERE id = ?').get(id) !== undefined;
  }

  get(id: string): StoredRecord | null {
    const row = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as RecordRow | undefined;
    return row ? toStored(row) : null;
  }

  list(): StoredRecord[] {
    return (this.db.prepare(`${SELECT} ORDER BY r.id`).all() as RecordRow[]).map(toStored);
  }

  /**
   * Every check `import` makes, without writing: shapes, values, beats, segments, duplicate id
   * (unless `replace`) and, for `replace`, rows elsewhere that would lose their segments.
   * Call it on all inputs of a multi-file import first so one bad file writes nothing.
   */
  checkImport(input: RecordImport, opts: { replace?: boolean } = {}): void {
    const { record } = input;
    validateRecord(record);
    if (!FORMATS.has(input.format)) {
      throw new BeatlensError(
        'store-invalid',
        `record ${record.id}: unknown format '${input.format}'`,
      );
    }
    if (typeof input.checksum !== 'string' || input.checksum.length === 0) {
      throw new BeatlensError('store-invalid', `record ${record.id}: checksum is empty`);
    }
    if (input.beats) validateBeats(record, input.beats);
    if (input.segments) {
      validateSegments(
        record.id,
        { nLeads: record.signals.length, nSamples: record.nSamples, fs: record.fs },
        input.segments.task,
        input.segments.items,
      );
    }
    const existing = this.get(record.id);
    if (existing && !opts.replace) {
      throw new BeatlensError(
        'store-duplicate-record',
        `record ${record.id} is already in the store (imported ${existing.importedAt} from ${existing.source}); use --replace to overwrite it`,
      );
    }
    if (existing) this.assertDeletable(record.id, 'replaced');
  }

  /** Validates, then writes the record, its signals, beats and segments in one transaction. */
  import(input: RecordImport, opts: { replace?: boolean } = {}): StoredRecord {
    this.checkImport(input, opts);
    const { record } = input;
    this.db
      .transaction(() => {
        // Re-check inside the write lock: another process may have imported the id meanwhile.
        if (this.has(record.id)) {
          if (!opts.replace) this.checkImport(input, opts);
          this.assertDeletable(record.id, 'replaced');
          this.db.prepare('DELETE FROM records WHERE id = ?').run(record.id);
        }
        this.db
          .prepare(
            `INSERT INTO records (id, source, format, fs, n_leads, lead_names, units, n_samples,
             patient_id, checksum, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            record.id,
            record.source,
            input.format,
            record.fs,
            record.signals.length,
            JSON.stringify(record.leadNames),
            JSON.stringify(record.units),
            record.nSamples,
            record.patientId,
            input.checksum,
            new Date().toISOString(),
          );
        // Its own statement, only for a record with a start: the row insert above stays valid
        // on a store opened at a schema before migration 008.
        if (record.startTime) {
          this.db
            .prepare('UPDATE records SET start_seconds = ?, start_date = ? WHERE id = ?')
            .run(record.startTime.secondsOfDay, record.startTime.date, record.id);
        }
        const sig = this.db.prepare(
          'INSERT INTO record_signals (record_id, lead, data) VALUES (?, ?, ?)',
        );
        record.signals.forEach((s, lead) => sig.run(record.id, lead, float32ToBlob(s)));
        if (input.beats) this.insertBeats(record.id, input.beats);
        if (input.segments) this.segments.insertRows(input.segments.task, input.segments.items);
      })
      .immediate();
    return this.get(record.id) as StoredRecord;
  }

  private insertBeats(recordId: string, beats: readonly Beat[]): void {
    const stmt = this.db.prepare(
      'INSERT INTO beats (record_id, sample, symbol, aami) VALUES (?, ?, ?, ?)',
    );
    for (const b of beats) stmt.run(recordId, b.sample, b.symbol, b.aami);
  }

  /** Throws when rows that must not silently disappear depend on the record. */
  assertDeletable(id: string, verb = 'deleted'): void {
    const deps = {
      ...segmentDependents(this.db, 'record_id = ?', [id]),
      beatReviews: (
        this.db.prepare('SELECT count(*) AS n FROM beat_reviews WHERE record_id = ?').get(id) as {
          n: number;
        }
      ).n,
      // A reviewer's decisions on a scan of the record (a scan alone goes with the record).
      reviewDecisions: (
        this.db
          .prepare(
            'SELECT count(*) AS n FROM review_decisions d JOIN scans s ON s.id = d.scan_id WHERE s.record_id = ?',
          )
          .get(id) as { n: number }
      ).n,
    };
    const what = describeDependents(deps);
    if (what) {
      throw new BeatlensError(
        'store-in-use',
        `record ${id} cannot be ${verb}: its data are used by ${what}`,
      );
    }
  }

  /** Deletes a record with its signals, beats and segments (refused while anything uses them). */
  delete(id: string): void {
    validateRecordId(id);
    this.db
      .transaction(() => {
        if (!this.has(id))
          throw new BeatlensError('store-missing', `record ${id} is not in the store`);
        this.assertDeletable(id, 'deleted');
        this.db.prepare('DELETE FROM records WHERE id = ?').run(id);
      })
      .immediate();
  }

  /** The whole record with signals, as the readers produced it. */
  load(id: string): EcgRecord {
    const meta = this.get(id);
    if (!meta) throw new BeatlensError('store-missing', `record ${id} is not in the store`);
    const rows = this.db
      .prepare('SELECT lead, data FROM record_signals WHERE record_id = ? ORDER BY lead')
      .all(id) as Array<{ lead: number; data: Buffer }>;
    if (rows.length !== meta.nLeads) {
      throw new BeatlensError(
        'store-corrupt',
        `record ${id} has ${rows.length} signal rows for ${meta.nLeads} leads`,
      );
    }
    const signals = rows.map((r) => {
      const s = blobToFloat32(r.data, `lead ${r.lead} of record ${id}`);
      if (s.length !== meta.nSamples) {
        throw new BeatlensError(
          'store-corrupt',
          `lead ${r.lead} of record ${id} has ${s.length} samples, expected ${meta.nSamples}`,
        );
      }
      return s;
    });
    return {
      id: meta.id,
      patientId: meta.patientId,
      fs: meta.fs,
      nSamples: meta.nSamples,
      leadNames: meta.leadNames,
      units: meta.units,
      signals,
      source: meta.source,
      ...(meta.startTime ? { startTime: meta.startTime } : {}),
    };
  }

  /** One lead only, for displays that show a single lead of a long record. */
  loadLead(id: string, lead: number): Float32Array {
    const row = this.db
      .prepare('SELECT data FROM record_signals WHERE record_id = ? AND lead = ?')
      .get(id, lead) as { data: Buffer } | undefined;
    if (!row)
      throw new BeatlensError('store-missing', `record ${id} has no lead ${lead} in the store`);
    return blobToFloat32(row.data, `lead ${lead} of record ${id}`);
  }

  /**
   * Samples [startSample, startSample + nSamples) of one lead, clipped to the record; SQLite cuts
   * the bytes out of the blob so a display window does not copy the whole lead into JS.
   */
  loadWindow(id: string, lead: number, startSample: number, nSamples: number): Float32Array {
    if (
      !Number.isInteger(startSample) ||
      startSample < 0 ||
      !Number.isInteger(nSamples) ||
      nSamples < 0
    ) {
      throw new BeatlensError(
        'store-invalid',
        `window of record ${id}: start ${startSample} and length ${nSamples} must be non-negative integers`,
      );
    }
    const row = this.db
      .prepare(
        'SELECT substr(data, ?, ?) AS data FROM record_signals WHERE record_id = ? AND lead = ?',
      )
      .get(startSample * 4 + 1, nSamples * 4, id, lead) as { data: Buffer | null } | undefined;
    if (!row) {
      throw new BeatlensError('store-missing', `record ${id} has no lead ${lead} in the store`);
    }
    return blobToFloat32(row.data ?? Buffer.alloc(0), `lead ${lead} of record ${id}`);
  }

  beats(id: string, range?: { fromSample: number; toSample: number }): Beat[] {
    if (range) {
      return this.db
        .prepare(
          'SELECT sample, symbol, aami FROM beats WHERE record_id = ? AND sample >= ? AND sample < ? ORDER BY sample, rowid',
        )
        .all(id, range.fromSample, range.toSample) as Beat[];
    }
    return this.db
      .prepare('SELECT sample, symbol, aami FROM beats WHERE record_id = ? ORDER BY sample, rowid')
      .all(id) as Beat[];
  }
}
