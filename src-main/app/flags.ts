/**
 * Flagged beats of whole-record scans and the reviewer's accept/reject decisions, one JSON file
 * per record (written to a temporary name and renamed), so a review survives restarts.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BeatlensError } from '../errors';
import type { ExportResult, FlaggedBeatRow } from '../ipc/contract';

export class FlagService {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private file(recordId: string): string {
    return join(this.dir, `${encodeURIComponent(recordId)}.json`);
  }

  list(recordId: string): FlaggedBeatRow[] {
    const f = this.file(recordId);
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as FlaggedBeatRow[]) : [];
  }

  private save(recordId: string, rows: FlaggedBeatRow[]): void {
    const f = this.file(recordId);
    writeFileSync(`${f}.tmp`, JSON.stringify(rows));
    renameSync(`${f}.tmp`, f);
  }

  /** Replaces a record's flags with a new scan, keeping decisions on beats flagged again. */
  replace(
    recordId: string,
    flagged: Array<{
      sample: number;
      score: number;
      segmentLabel: string;
      segmentProbability: number;
    }>,
  ): FlaggedBeatRow[] {
    const before = new Map(this.list(recordId).map((r) => [r.sample, r.decision]));
    const rows: FlaggedBeatRow[] = flagged.map((b) => ({
      id: `${recordId}@${b.sample}`,
      recordId,
      sample: b.sample,
      attention: Math.round(b.score * 1000) / 1000,
      segmentLabel: b.segmentLabel,
      probability: Math.round(b.segmentProbability * 1000) / 1000,
      decision: before.get(b.sample) ?? 'pending',
    }));
    this.save(recordId, rows);
    return rows;
  }

  review(recordId: string, flagId: string, decision: FlaggedBeatRow['decision']): FlaggedBeatRow {
    const rows = this.list(recordId);
    const row = rows.find((r) => r.id === flagId);
    if (!row) {
      throw new BeatlensError('flag-not-found', `flag '${flagId}' is not in record ${recordId}`);
    }
    row.decision = decision;
    this.save(recordId, rows);
    return row;
  }

  export(recordId: string, format: 'csv' | 'json', fs: number): ExportResult {
    const rows = this.list(recordId);
    const base = `flagged-${recordId}`;
    if (format === 'json') {
      return {
        fileName: `${base}.json`,
        mimeType: 'application/json',
        text: JSON.stringify(rows, null, 2),
      };
    }
    const lines = ['record,sample,time_s,attention,segment_label,probability,decision'];
    for (const r of rows) {
      lines.push(
        [
          r.recordId,
          r.sample,
          (r.sample / fs).toFixed(3),
          r.attention,
          r.segmentLabel,
          r.probability,
          r.decision,
        ].join(','),
      );
    }
    return { fileName: `${base}.csv`, mimeType: 'text/csv', text: lines.join('\n') + '\n' };
  }
}
