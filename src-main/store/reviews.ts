/** Flagged-beat reviews: a reviewer accepts or rejects a beat the model highlighted in a record. */
import type Database from 'better-sqlite3';
import { BeatlensError } from '../errors';

export type ReviewDecision = 'accept' | 'reject';

export interface BeatReviewInput {
  recordId: string;
  beatSample: number;
  attentionScore: number;
  decision: ReviewDecision;
  modelId?: number | null;
  reviewer?: string | null;
}

export interface StoredBeatReview extends Required<BeatReviewInput> {
  id: number;
  reviewedAt: string;
}

export class ReviewRepository {
  constructor(private readonly db: Database.Database) {}

  add(input: BeatReviewInput): number {
    if (input.decision !== 'accept' && input.decision !== 'reject') {
      throw new BeatlensError(
        'store-invalid',
        `review decision '${String(input.decision)}' is not accept or reject`,
      );
    }
    if (!Number.isInteger(input.beatSample) || input.beatSample < 0) {
      throw new BeatlensError(
        'store-invalid',
        `review: beat sample ${input.beatSample} is not a sample index`,
      );
    }
    if (!Number.isFinite(input.attentionScore)) {
      throw new BeatlensError(
        'store-invalid',
        `review: attention score ${input.attentionScore} is not finite`,
      );
    }
    if (this.db.prepare('SELECT 1 FROM records WHERE id = ?').get(input.recordId) === undefined) {
      throw new BeatlensError(
        'store-missing',
        `review: record ${input.recordId} is not in the store`,
      );
    }
    return Number(
      this.db
        .prepare(
          `INSERT INTO beat_reviews (record_id, beat_sample, attention_score, decision, model_id, reviewer, reviewed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.recordId,
          input.beatSample,
          input.attentionScore,
          input.decision,
          input.modelId ?? null,
          input.reviewer ?? null,
          new Date().toISOString(),
        ).lastInsertRowid,
    );
  }

  list(recordId?: string): StoredBeatReview[] {
    const sql = `SELECT id, record_id AS recordId, beat_sample AS beatSample, attention_score AS attentionScore,
      decision, model_id AS modelId, reviewer, reviewed_at AS reviewedAt FROM beat_reviews`;
    return (
      recordId === undefined
        ? this.db.prepare(`${sql} ORDER BY id`).all()
        : this.db.prepare(`${sql} WHERE record_id = ? ORDER BY beat_sample, id`).all(recordId)
    ) as StoredBeatReview[];
  }

  /**
   * Withdraws every decision on one beat (the reviewer set it back to pending); returns how many
   * were removed. Decisions are a log, so this is the only way one disappears.
   */
  withdraw(recordId: string, beatSample: number): number {
    return this.db
      .prepare('DELETE FROM beat_reviews WHERE record_id = ? AND beat_sample = ?')
      .run(recordId, beatSample).changes;
  }
}
