/**
 * Sign-offs of Holter reports (migration 007): one committed, never-changed row per sign-off,
 * holding the report as it was signed. The latest row of a scan is its current sign-off.
 */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';

export interface SignoffInput {
  scanId: number;
  reviewer: string;
  /** Rows in the scan's review decision log when it was signed. */
  nDecisions: number;
  pvcCount: number;
  totalBeats: number;
  burdenPercent: number | null;
  /** The report as signed (JSON text). */
  reportJson: string;
  /** ISO time of the sign-off (default now); the report JSON should carry the same. */
  signedAt?: string;
}

export interface StoredSignoff extends Omit<SignoffInput, 'reportJson' | 'signedAt'> {
  id: number;
  signedAt: string;
}

/** A reviewer's name as shown and printed: one line, 1 to 200 characters, no control characters. */
export function checkReviewerName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 200 || /\p{Cc}/u.test(trimmed)) {
    throw new BeatlensError(
      'report-reviewer',
      `the reviewer's name must be one line of 1 to 200 characters (got ${JSON.stringify(name.slice(0, 40))})`,
    );
  }
  return trimmed;
}

const COLUMNS = `id, scan_id AS scanId, reviewer, signed_at AS signedAt, n_decisions AS nDecisions,
  pvc_count AS pvcCount, total_beats AS totalBeats, burden_percent AS burdenPercent`;

export class ReportSignoffRepository {
  constructor(private readonly db: Database.Database) {}

  /** Records a sign-off (one committed row) and returns it. */
  add(input: SignoffInput): StoredSignoff {
    const reviewer = checkReviewerName(input.reviewer);
    if (this.db.prepare('SELECT 1 FROM scans WHERE id = ?').get(input.scanId) === undefined) {
      throw new BeatlensError(
        'store-missing',
        `report sign-off: scan ${input.scanId} is not in the store`,
      );
    }
    const signedAt = input.signedAt ?? new Date().toISOString();
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO report_signoffs (scan_id, reviewer, signed_at, n_decisions, pvc_count, total_beats, burden_percent, report_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.scanId,
        reviewer,
        signedAt,
        input.nDecisions,
        input.pvcCount,
        input.totalBeats,
        input.burdenPercent,
        input.reportJson,
      );
    return this.get(Number(lastInsertRowid))!;
  }

  get(id: number): StoredSignoff | null {
    return (
      (this.db.prepare(`SELECT ${COLUMNS} FROM report_signoffs WHERE id = ?`).get(id) as
        StoredSignoff | undefined) ?? null
    );
  }

  /** A scan's sign-offs, oldest first. */
  list(scanId: number): StoredSignoff[] {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM report_signoffs WHERE scan_id = ? ORDER BY id`)
      .all(scanId) as StoredSignoff[];
  }

  /** The report JSON a sign-off signed. */
  signedReport(id: number): string | null {
    const row = this.db
      .prepare('SELECT report_json AS j FROM report_signoffs WHERE id = ?')
      .get(id) as { j: string } | undefined;
    return row?.j ?? null;
  }
}
