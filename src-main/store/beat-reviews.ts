/**
 * Beat review of whole-record scans. A scan stores every beat with the machine's label, which is
 * never overwritten; the reviewer's label lives beside it (`beat_labels`). Each decision is one
 * committed transaction that appends to the decision log and updates the reviewer's labels, so a
 * killed process loses nothing that was answered.
 *
 * Undo and redo are decisions too (appended, never erasing): replaying the log gives the undo
 * stack (label decisions not undone) and the redo stack (undone ones not yet redone; a new label
 * decision clears it, as editors do). Because the stacks are derived from the stored log, a
 * reload or a restart keeps both.
 */
import type Database from 'better-sqlite3';
import type { AamiClass } from '../ecg/types';
import { BeatlensError } from '../errors';

export const MACHINE_LABELS: readonly AamiClass[] = ['N', 'S', 'V', 'F', 'Q'];
export const REVIEW_LABELS = ['N', 'S', 'V', 'F', 'Q', 'artefact'] as const;
/** A reviewer's label: an AAMI class, or 'artefact' (not a beat). */
export type ReviewLabel = (typeof REVIEW_LABELS)[number];

export interface ScanBeatInput {
  beatSample: number;
  machineLabel: AamiClass;
  /** The beat's map score (0..1 of its segment's top beat); null when the map gives none. */
  score: number | null;
  /** QRS correlation with the record's dominant beat (null when unknown). */
  correlation: number | null;
  segmentLabel: string;
  segmentProbability: number;
  /** The record's own annotation symbol at this beat, null where it has none. */
  referenceSymbol: string | null;
}

export interface ScanInput {
  recordId: string;
  modelName: string | null;
  modelId?: number | null;
  beatSource: 'annotations' | 'detector';
  fs: number;
  /** Beats count as flagged when not N and their segment's probability reaches this. */
  minProbability: number;
  beats: readonly ScanBeatInput[];
}

export interface StoredScan extends Omit<ScanInput, 'beats' | 'modelId'> {
  id: number;
  modelId: number | null;
  createdAt: string;
  nBeats: number;
  /** Beats that carry a reviewer's label now. */
  nReviewed: number;
}

export interface StoredScanBeat extends ScanBeatInput {
  /** The reviewer's label, null where the reviewer has not labelled the beat. */
  reviewerLabel: ReviewLabel | null;
}

export interface ReviewHistory {
  canUndo: boolean;
  canRedo: boolean;
  /** Rows in the decision log (label, undo and redo decisions). */
  nDecisions: number;
}

/** What one decision changed: the beats whose reviewer label it set, and the history after it. */
export interface ReviewStep {
  /** The appended log row, null when nothing changed (nothing to undo, or the labels held). */
  decisionId: number | null;
  samples: number[];
  history: ReviewHistory;
}

export interface StoredDecision {
  id: number;
  action: 'label' | 'undo' | 'redo';
  label: ReviewLabel | null;
  targetId: number | null;
  reviewer: string | null;
  decidedAt: string;
  nBeats: number;
}

/** A beat's label for downstream use: the reviewer's where present, else the machine's. */
export interface EffectiveLabel {
  sample: number;
  label: ReviewLabel;
  machineLabel: AamiClass;
  source: 'reviewer' | 'machine';
}

function invalid(message: string): never {
  throw new BeatlensError('store-invalid', message);
}

export function isReviewLabel(x: unknown): x is ReviewLabel {
  return typeof x === 'string' && (REVIEW_LABELS as readonly string[]).includes(x);
}

export class BeatReviewRepository {
  constructor(private readonly db: Database.Database) {}

  /** Stores a scan and all its beats (one transaction); returns its id. */
  createScan(input: ScanInput): number {
    if (!(input.fs > 0)) invalid(`scan: fs ${input.fs} is not positive`);
    if (!(input.minProbability >= 0 && input.minProbability <= 1)) {
      invalid(`scan: min probability ${input.minProbability} is not in 0..1`);
    }
    const seen = new Set<number>();
    input.beats.forEach((b, i) => {
      if (!Number.isInteger(b.beatSample) || b.beatSample < 0) {
        invalid(`scan beat ${i}: sample ${b.beatSample} is not a sample index`);
      }
      if (seen.has(b.beatSample)) invalid(`scan beat ${i}: sample ${b.beatSample} twice`);
      seen.add(b.beatSample);
      if (!MACHINE_LABELS.includes(b.machineLabel)) {
        invalid(`scan beat ${i}: label '${String(b.machineLabel)}' is not one of N, S, V, F, Q`);
      }
    });
    return this.db
      .transaction(() => {
        if (
          this.db.prepare('SELECT 1 FROM records WHERE id = ?').get(input.recordId) === undefined
        ) {
          throw new BeatlensError(
            'store-missing',
            `scan: record ${input.recordId} is not in the store`,
          );
        }
        const id = Number(
          this.db
            .prepare(
              `INSERT INTO scans (record_id, model_name, model_id, beat_source, fs, min_probability, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              input.recordId,
              input.modelName,
              input.modelId ?? null,
              input.beatSource,
              input.fs,
              input.minProbability,
              new Date().toISOString(),
            ).lastInsertRowid,
        );
        const insert = this.db.prepare(
          `INSERT INTO scan_beats (scan_id, beat_sample, machine_label, score, correlation, segment_label, segment_probability, reference_symbol)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const b of input.beats) {
          insert.run(
            id,
            b.beatSample,
            b.machineLabel,
            b.score !== null && Number.isFinite(b.score) ? b.score : null,
            b.correlation !== null && Number.isFinite(b.correlation) ? b.correlation : null,
            b.segmentLabel,
            b.segmentProbability,
            b.referenceSymbol,
          );
        }
        return id;
      })
      .immediate();
  }

  /** Scans, newest first; of one record when `recordId` is given. */
  scans(recordId?: string): StoredScan[] {
    const sql = `SELECT s.id, s.record_id AS recordId, s.model_name AS modelName, s.model_id AS modelId,
        s.beat_source AS beatSource, s.fs, s.min_probability AS minProbability, s.created_at AS createdAt,
        (SELECT count(*) FROM scan_beats b WHERE b.scan_id = s.id) AS nBeats,
        (SELECT count(*) FROM beat_labels l WHERE l.scan_id = s.id) AS nReviewed
      FROM scans s`;
    return (
      recordId === undefined
        ? this.db.prepare(`${sql} ORDER BY s.id DESC`).all()
        : this.db.prepare(`${sql} WHERE s.record_id = ? ORDER BY s.id DESC`).all(recordId)
    ) as StoredScan[];
  }

  scan(scanId: number): StoredScan | null {
    return this.scans().find((s) => s.id === scanId) ?? null;
  }

  /** The scan or a one-line error naming it. */
  requireScan(scanId: number): StoredScan {
    const s = this.scan(scanId);
    if (!s) throw new BeatlensError('scan-not-found', `scan ${scanId} is not in the store`);
    return s;
  }

  /** Every beat of a scan in sample order, with the machine's and the reviewer's label. */
  beats(scanId: number): StoredScanBeat[] {
    return this.db
      .prepare(
        `SELECT b.beat_sample AS beatSample, b.machine_label AS machineLabel, b.score, b.correlation,
           b.segment_label AS segmentLabel, b.segment_probability AS segmentProbability,
           b.reference_symbol AS referenceSymbol, l.label AS reviewerLabel
         FROM scan_beats b LEFT JOIN beat_labels l
           ON l.scan_id = b.scan_id AND l.beat_sample = b.beat_sample
         WHERE b.scan_id = ? ORDER BY b.beat_sample`,
      )
      .all(scanId) as StoredScanBeat[];
  }

  /**
   * Sets the reviewer's label of `samples` (one beat, a range or a cluster) as one decision.
   * Beats that already carry `label` are left out; when none is left nothing is logged.
   */
  label(
    scanId: number,
    samples: readonly number[],
    label: ReviewLabel,
    reviewer: string | null = null,
  ): ReviewStep {
    if (!isReviewLabel(label)) {
      invalid(`review label '${String(label)}' is not one of ${REVIEW_LABELS.join(', ')}`);
    }
    if (samples.length === 0) invalid('review: no beats to label');
    return this.db
      .transaction((): ReviewStep => {
        this.requireScan(scanId);
        const current = this.db.prepare(
          `SELECT b.beat_sample AS sample, l.label AS label FROM scan_beats b
           LEFT JOIN beat_labels l ON l.scan_id = b.scan_id AND l.beat_sample = b.beat_sample
           WHERE b.scan_id = ? AND b.beat_sample = ?`,
        );
        const changes: Array<{ sample: number; before: ReviewLabel | null }> = [];
        for (const sample of new Set(samples)) {
          const row = current.get(scanId, sample) as
            { sample: number; label: ReviewLabel | null } | undefined;
          if (!row) {
            throw new BeatlensError(
              'review-beat',
              `scan ${scanId} has no beat at sample ${sample}`,
            );
          }
          if (row.label !== label) changes.push({ sample, before: row.label });
        }
        if (changes.length === 0)
          return { decisionId: null, samples: [], history: this.historyOf(scanId) };
        const id = this.append(scanId, 'label', label, null, reviewer);
        const change = this.db.prepare(
          'INSERT INTO review_changes (decision_id, beat_sample, before_label) VALUES (?, ?, ?)',
        );
        for (const c of changes) change.run(id, c.sample, c.before);
        this.apply(
          scanId,
          id,
          changes.map((c) => ({ sample: c.sample, label })),
        );
        return {
          decisionId: id,
          samples: changes.map((c) => c.sample).sort((a, b) => a - b),
          history: this.historyOf(scanId),
        };
      })
      .immediate();
  }

  /** Undoes the latest label decision not undone yet (logged as an 'undo' decision). */
  undo(scanId: number, reviewer: string | null = null): ReviewStep {
    return this.step(scanId, 'undo', reviewer);
  }

  /** Redoes the latest undone decision (logged as a 'redo' decision). */
  redo(scanId: number, reviewer: string | null = null): ReviewStep {
    return this.step(scanId, 'redo', reviewer);
  }

  history(scanId: number): ReviewHistory {
    this.requireScan(scanId);
    return this.historyOf(scanId);
  }

  /** The decision log of a scan, oldest first. */
  decisions(scanId: number): StoredDecision[] {
    return this.db
      .prepare(
        `SELECT d.id, d.action, d.label, d.target_id AS targetId, d.reviewer, d.decided_at AS decidedAt,
           (SELECT count(*) FROM review_changes c WHERE c.decision_id = coalesce(d.target_id, d.id)) AS nBeats
         FROM review_decisions d WHERE d.scan_id = ? ORDER BY d.id`,
      )
      .all(scanId) as StoredDecision[];
  }

  private step(scanId: number, action: 'undo' | 'redo', reviewer: string | null): ReviewStep {
    return this.db
      .transaction((): ReviewStep => {
        this.requireScan(scanId);
        const { done, undone } = this.stacks(scanId);
        const target = action === 'undo' ? done.at(-1) : undone.at(-1);
        if (target === undefined)
          return { decisionId: null, samples: [], history: this.historyOf(scanId) };
        const { label } = this.db
          .prepare('SELECT label FROM review_decisions WHERE id = ?')
          .get(target) as {
          label: ReviewLabel;
        };
        const changes = this.db
          .prepare(
            'SELECT beat_sample AS sample, before_label AS before FROM review_changes WHERE decision_id = ? ORDER BY beat_sample',
          )
          .all(target) as Array<{ sample: number; before: ReviewLabel | null }>;
        const id = this.append(scanId, action, null, target, reviewer);
        this.apply(
          scanId,
          id,
          changes.map((c) => ({ sample: c.sample, label: action === 'undo' ? c.before : label })),
        );
        return {
          decisionId: id,
          samples: changes.map((c) => c.sample),
          history: this.historyOf(scanId),
        };
      })
      .immediate();
  }

  private append(
    scanId: number,
    action: 'label' | 'undo' | 'redo',
    label: ReviewLabel | null,
    targetId: number | null,
    reviewer: string | null,
  ): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO review_decisions (scan_id, action, label, target_id, reviewer, decided_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(scanId, action, label, targetId, reviewer, new Date().toISOString()).lastInsertRowid,
    );
  }

  /** Writes reviewer labels (null removes the beat's reviewer label). */
  private apply(
    scanId: number,
    decisionId: number,
    labels: ReadonlyArray<{ sample: number; label: ReviewLabel | null }>,
  ): void {
    const put = this.db.prepare(
      `INSERT INTO beat_labels (scan_id, beat_sample, label, decision_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (scan_id, beat_sample) DO UPDATE SET label = excluded.label, decision_id = excluded.decision_id`,
    );
    const drop = this.db.prepare('DELETE FROM beat_labels WHERE scan_id = ? AND beat_sample = ?');
    for (const { sample, label } of labels) {
      if (label === null) drop.run(scanId, sample);
      else put.run(scanId, sample, label, decisionId);
    }
  }

  /** Replays the log: label decisions still in force (undo stack) and undone ones (redo stack). */
  private stacks(scanId: number): { done: number[]; undone: number[]; n: number } {
    const rows = this.db
      .prepare('SELECT id, action FROM review_decisions WHERE scan_id = ? ORDER BY id')
      .all(scanId) as Array<{ id: number; action: 'label' | 'undo' | 'redo' }>;
    const done: number[] = [];
    let undone: number[] = [];
    for (const r of rows) {
      if (r.action === 'label') {
        done.push(r.id);
        undone = [];
      } else if (r.action === 'undo') {
        const d = done.pop();
        if (d !== undefined) undone.push(d);
      } else {
        const d = undone.pop();
        if (d !== undefined) done.push(d);
      }
    }
    return { done, undone, n: rows.length };
  }

  private historyOf(scanId: number): ReviewHistory {
    const { done, undone, n } = this.stacks(scanId);
    return { canUndo: done.length > 0, canRedo: undone.length > 0, nDecisions: n };
  }
}

/**
 * The labels a scan's beats carry now, in sample order: the reviewer's where present, else the
 * machine's. What the burden report, the exports and the template view count.
 */
export function effectiveLabels(
  store: { readonly beatReviews: BeatReviewRepository },
  scanId: number,
): EffectiveLabel[] {
  store.beatReviews.requireScan(scanId);
  return store.beatReviews.beats(scanId).map((b) => ({
    sample: b.beatSample,
    label: b.reviewerLabel ?? b.machineLabel,
    machineLabel: b.machineLabel,
    source: b.reviewerLabel === null ? 'machine' : 'reviewer',
  }));
}
