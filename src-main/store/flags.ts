/**
 * Flagged beats of whole-record scans (what a reviewer works through). A scan replaces a record's
 * flagged beats in one transaction; decisions live in `beat_reviews` and are not touched.
 */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';

export interface FlaggedBeatInput {
  beatSample: number;
  attentionScore: number;
  segmentLabel: string;
  /** Probability of `segmentLabel` for the segment the beat lies in (0..1). */
  probability: number;
}

export interface StoredFlaggedBeat extends FlaggedBeatInput {
  recordId: string;
  modelId: number | null;
  /** The model whose scan flagged the beat (null for scans before schema version 5). */
  modelName: string | null;
  scannedAt: string;
}

function invalid(message: string): never {
  throw new BeatlensError('store-invalid', message);
}

export class FlaggedBeatRepository {
  constructor(private readonly db: Database.Database) {}

  /** Replaces every flagged beat of `recordId` with `beats` (one transaction). */
  replaceForRecord(
    recordId: string,
    beats: readonly FlaggedBeatInput[],
    opts: { modelId?: number | null; modelName?: string | null } = {},
  ): void {
    beats.forEach((b, i) => {
      if (!Number.isInteger(b.beatSample) || b.beatSample < 0) {
        invalid(`flagged beat ${i}: sample ${b.beatSample} is not a sample index`);
      }
      if (!Number.isFinite(b.attentionScore)) {
        invalid(`flagged beat ${i}: attention score ${b.attentionScore} is not finite`);
      }
      if (!(b.probability >= 0 && b.probability <= 1)) {
        invalid(`flagged beat ${i}: probability ${b.probability} is not in 0..1`);
      }
    });
    const at = new Date().toISOString();
    this.db
      .transaction(() => {
        if (this.db.prepare('SELECT 1 FROM records WHERE id = ?').get(recordId) === undefined) {
          throw new BeatlensError(
            'store-missing',
            `flagged beats: record ${recordId} is not in the store`,
          );
        }
        this.db.prepare('DELETE FROM flagged_beats WHERE record_id = ?').run(recordId);
        const insert = this.db.prepare(
          `INSERT INTO flagged_beats (record_id, beat_sample, attention_score, segment_label, probability, model_id, model_name, scanned_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const b of beats) {
          insert.run(
            recordId,
            b.beatSample,
            b.attentionScore,
            b.segmentLabel,
            b.probability,
            opts.modelId ?? null,
            opts.modelName ?? null,
            at,
          );
        }
      })
      .immediate();
  }

  /** A record's flagged beats in sample order. */
  list(recordId: string): StoredFlaggedBeat[] {
    return this.db
      .prepare(
        `SELECT record_id AS recordId, beat_sample AS beatSample, attention_score AS attentionScore,
           segment_label AS segmentLabel, probability, model_id AS modelId, model_name AS modelName,
           scanned_at AS scannedAt
         FROM flagged_beats WHERE record_id = ? ORDER BY beat_sample`,
      )
      .all(recordId) as StoredFlaggedBeat[];
  }
}
