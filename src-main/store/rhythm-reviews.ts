/**
 * Rhythm review of whole-record scans, beside the beat review (beat-reviews.ts) and shaped like
 * it. A scan's rhythm episodes as the machine found them (`ecg/rhythm-episodes.ts` over the
 * scan's machine labels) are stored once and never changed; the reviewer's version of an episode
 * (confirmed, relabelled, its edges moved, or deleted) lives beside it, one row per reviewed
 * episode. Each decision is one committed transaction that appends to the rhythm decision log
 * (with the episode's reviewer row before and after) and updates the reviewer's row, so a killed
 * process loses nothing that was answered; undo and redo are decisions too, and the stacks are
 * replayed from the log, so a reload keeps both.
 */
import type Database from 'better-sqlite3';
import type { RhythmKind } from '../ecg/rhythm-episodes';
import { BeatlensError } from '../errors';
import type { BeatReviewRepository, ReviewHistory } from './beat-reviews';

/** A reviewer's rhythm: the machine's kinds, and atrial flutter ('AF' of the machine is AF or flutter). */
export const REVIEW_RHYTHMS = [
  'AF',
  'AFL',
  'pause',
  'bradycardia',
  'tachycardia',
  'VT',
  'SVT',
  'bigeminy',
  'trigeminy',
] as const;
export type ReviewRhythm = (typeof REVIEW_RHYTHMS)[number];

/** One machine episode as stored (samples at the scan's fs). */
export interface MachineEpisode {
  rhythm: RhythmKind;
  startSample: number;
  endSample: number;
  meanRateBpm: number | null;
  maxRateBpm: number | null;
  nBeats: number;
}

/** The reviewer's version of an episode. */
export interface ReviewerEpisode {
  deleted: boolean;
  rhythm: ReviewRhythm;
  startSample: number;
  endSample: number;
}

/** 'machine': not reviewed; 'confirmed': the reviewer kept the machine's; 'changed'; 'deleted'. */
export type EpisodeReviewState = 'machine' | 'confirmed' | 'changed' | 'deleted';

export interface StoredEpisode {
  /** The episode's index in the scan's machine episodes (by start): its key with the scan id. */
  episode: number;
  machine: MachineEpisode;
  reviewer: ReviewerEpisode | null;
  state: EpisodeReviewState;
}

export interface ScanRhythmInfo {
  /** False when the scan had too few beats for an AF verdict. */
  verdict: boolean;
  /** False for scans stored before excluded stretches were kept (episodes from every beat). */
  excludedKnown: boolean;
}

export type RhythmChange =
  | { action: 'confirm' }
  | { action: 'delete' }
  | { action: 'relabel'; rhythm: ReviewRhythm }
  | { action: 'edges'; startSample: number; endSample: number };

/** What one rhythm decision did: the episode it changed (null: nothing changed) and the history. */
export interface RhythmStep {
  decisionId: number | null;
  episode: number | null;
  history: ReviewHistory;
}

interface ReviewerRow {
  deleted: number | null;
  rhythm: ReviewRhythm | null;
  start: number | null;
  end: number | null;
}

function invalid(message: string): never {
  throw new BeatlensError('store-invalid', message);
}

export function isReviewRhythm(x: unknown): x is ReviewRhythm {
  return typeof x === 'string' && (REVIEW_RHYTHMS as readonly string[]).includes(x);
}

/** The state an episode's reviewer version gives it against the machine's. */
export function episodeState(
  machine: MachineEpisode,
  reviewer: ReviewerEpisode | null,
): EpisodeReviewState {
  if (!reviewer) return 'machine';
  if (reviewer.deleted) return 'deleted';
  return reviewer.rhythm === machine.rhythm &&
    reviewer.startSample === machine.startSample &&
    reviewer.endSample === machine.endSample
    ? 'confirmed'
    : 'changed';
}

const toReviewer = (r: ReviewerRow): ReviewerEpisode | null =>
  r.rhythm === null || r.start === null || r.end === null
    ? null
    : { deleted: r.deleted === 1, rhythm: r.rhythm, startSample: r.start, endSample: r.end };

export class RhythmReviewRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly beatReviews: BeatReviewRepository,
  ) {}

  /** Stores a scan's machine episodes (one transaction, once per scan). */
  storeEpisodes(scanId: number, info: ScanRhythmInfo, episodes: readonly MachineEpisode[]): void {
    const sorted = [...episodes].sort(
      (a, b) => a.startSample - b.startSample || a.endSample - b.endSample,
    );
    sorted.forEach((e, i) => {
      if (
        !Number.isInteger(e.startSample) ||
        e.startSample < 0 ||
        !(e.endSample >= e.startSample)
      ) {
        invalid(
          `scan ${scanId} episode ${i}: samples ${e.startSample}..${e.endSample} are not a stretch`,
        );
      }
    });
    this.db
      .transaction(() => {
        this.beatReviews.requireScan(scanId);
        if (this.info(scanId)) {
          throw new BeatlensError(
            'store-invalid',
            `scan ${scanId}: its rhythm episodes are stored already`,
          );
        }
        this.db
          .prepare(
            'INSERT INTO scan_rhythm (scan_id, verdict, excluded_known, created_at) VALUES (?, ?, ?, ?)',
          )
          .run(scanId, info.verdict ? 1 : 0, info.excludedKnown ? 1 : 0, new Date().toISOString());
        const put = this.db.prepare(
          `INSERT INTO scan_episodes (scan_id, episode, rhythm, start_sample, end_sample, mean_rate_bpm, max_rate_bpm, n_beats)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        sorted.forEach((e, i) =>
          put.run(
            scanId,
            i,
            e.rhythm,
            e.startSample,
            e.endSample,
            e.meanRateBpm,
            e.maxRateBpm,
            e.nBeats,
          ),
        );
      })
      .immediate();
  }

  /** Whether (and how) the scan's episodes were stored; null when they were not. */
  info(scanId: number): ScanRhythmInfo | null {
    const r = this.db
      .prepare('SELECT verdict, excluded_known AS excludedKnown FROM scan_rhythm WHERE scan_id = ?')
      .get(scanId) as { verdict: number; excludedKnown: number } | undefined;
    return r ? { verdict: r.verdict === 1, excludedKnown: r.excludedKnown === 1 } : null;
  }

  /** Every machine episode of a scan by start, with the reviewer's version and its state. */
  episodes(scanId: number): StoredEpisode[] {
    const rows = this.db
      .prepare(
        `SELECT e.episode, e.rhythm, e.start_sample AS startSample, e.end_sample AS endSample,
           e.mean_rate_bpm AS meanRateBpm, e.max_rate_bpm AS maxRateBpm, e.n_beats AS nBeats,
           r.deleted, r.rhythm AS rRhythm, r.start_sample AS rStart, r.end_sample AS rEnd
         FROM scan_episodes e LEFT JOIN rhythm_reviews r
           ON r.scan_id = e.scan_id AND r.episode = e.episode
         WHERE e.scan_id = ? ORDER BY e.episode`,
      )
      .all(scanId) as Array<
      MachineEpisode & {
        episode: number;
        deleted: number | null;
        rRhythm: ReviewRhythm | null;
        rStart: number | null;
        rEnd: number | null;
      }
    >;
    return rows.map(({ episode, deleted, rRhythm, rStart, rEnd, ...machine }) => {
      const reviewer = toReviewer({ deleted, rhythm: rRhythm, start: rStart, end: rEnd });
      return { episode, machine, reviewer, state: episodeState(machine, reviewer) };
    });
  }

  /**
   * One reviewer decision on one episode: confirm (keep the machine's, or the reviewer's version
   * as it stands; a deleted episode comes back), relabel, move its edges (to R peaks of the scan)
   * or delete. Nothing is logged when the decision changes nothing.
   */
  revise(
    scanId: number,
    episode: number,
    change: RhythmChange,
    reviewer: string | null = null,
  ): RhythmStep {
    if (change.action === 'relabel' && !isReviewRhythm(change.rhythm)) {
      invalid(`rhythm '${String(change.rhythm)}' is not one of ${REVIEW_RHYTHMS.join(', ')}`);
    }
    if (
      change.action === 'edges' &&
      !(
        Number.isInteger(change.startSample) &&
        Number.isInteger(change.endSample) &&
        change.startSample >= 0 &&
        change.endSample > change.startSample
      )
    ) {
      invalid(
        `episode edges ${change.startSample}..${change.endSample}: the start must be a sample before the end`,
      );
    }
    return this.db
      .transaction((): RhythmStep => {
        this.beatReviews.requireScan(scanId);
        const ep = this.episodes(scanId).find((e) => e.episode === episode);
        if (!ep) {
          throw new BeatlensError(
            'review-episode',
            `scan ${scanId} has no rhythm episode ${episode}`,
          );
        }
        const base: ReviewerEpisode = ep.reviewer ?? {
          deleted: false,
          rhythm: ep.machine.rhythm,
          startSample: ep.machine.startSample,
          endSample: ep.machine.endSample,
        };
        let after: ReviewerEpisode;
        if (change.action === 'confirm') after = { ...base, deleted: false };
        else if (change.action === 'delete') after = { ...base, deleted: true };
        else if (change.action === 'relabel')
          after = { ...base, deleted: false, rhythm: change.rhythm };
        else {
          const beat = this.db.prepare(
            'SELECT 1 FROM scan_beats WHERE scan_id = ? AND beat_sample = ?',
          );
          for (const s of [change.startSample, change.endSample]) {
            if (beat.get(scanId, s) === undefined) {
              throw new BeatlensError(
                'review-episode',
                `scan ${scanId} has no beat at sample ${s}: episode edges are R peaks`,
              );
            }
          }
          after = {
            ...base,
            deleted: false,
            startSample: change.startSample,
            endSample: change.endSample,
          };
        }
        const same =
          ep.reviewer !== null &&
          ep.reviewer.deleted === after.deleted &&
          ep.reviewer.rhythm === after.rhythm &&
          ep.reviewer.startSample === after.startSample &&
          ep.reviewer.endSample === after.endSample;
        if (same) return { decisionId: null, episode: null, history: this.historyOf(scanId) };
        const id = this.append(scanId, episode, change.action, null, ep.reviewer, after, reviewer);
        this.apply(scanId, episode, after, id);
        return { decisionId: id, episode, history: this.historyOf(scanId) };
      })
      .immediate();
  }

  /** Undoes the latest rhythm decision not undone yet (logged as an 'undo' decision). */
  undo(scanId: number, reviewer: string | null = null): RhythmStep {
    return this.step(scanId, 'undo', reviewer);
  }

  /** Redoes the latest undone rhythm decision (logged as a 'redo' decision). */
  redo(scanId: number, reviewer: string | null = null): RhythmStep {
    return this.step(scanId, 'redo', reviewer);
  }

  history(scanId: number): ReviewHistory {
    this.beatReviews.requireScan(scanId);
    return this.historyOf(scanId);
  }

  private step(scanId: number, action: 'undo' | 'redo', reviewer: string | null): RhythmStep {
    return this.db
      .transaction((): RhythmStep => {
        this.beatReviews.requireScan(scanId);
        const { done, undone } = this.stacks(scanId);
        const target = action === 'undo' ? done.at(-1) : undone.at(-1);
        if (target === undefined)
          return { decisionId: null, episode: null, history: this.historyOf(scanId) };
        const t = this.db
          .prepare(
            `SELECT episode, before_deleted AS bd, before_rhythm AS br, before_start AS bs, before_end AS be,
               after_deleted AS ad, after_rhythm AS ar, after_start AS as_, after_end AS ae
             FROM rhythm_decisions WHERE id = ?`,
          )
          .get(target) as {
          episode: number;
          bd: number | null;
          br: ReviewRhythm | null;
          bs: number | null;
          be: number | null;
          ad: number | null;
          ar: ReviewRhythm | null;
          as_: number | null;
          ae: number | null;
        };
        const before = toReviewer({ deleted: t.bd, rhythm: t.br, start: t.bs, end: t.be });
        const after = toReviewer({ deleted: t.ad, rhythm: t.ar, start: t.as_, end: t.ae });
        const [from, to] = action === 'undo' ? [after, before] : [before, after];
        const id = this.append(scanId, t.episode, action, target, from, to, reviewer);
        this.apply(scanId, t.episode, to, id);
        return { decisionId: id, episode: t.episode, history: this.historyOf(scanId) };
      })
      .immediate();
  }

  private append(
    scanId: number,
    episode: number,
    action: RhythmChange['action'] | 'undo' | 'redo',
    targetId: number | null,
    before: ReviewerEpisode | null,
    after: ReviewerEpisode | null,
    reviewer: string | null,
  ): number {
    const cols = (e: ReviewerEpisode | null) =>
      e ? [e.deleted ? 1 : 0, e.rhythm, e.startSample, e.endSample] : [null, null, null, null];
    return Number(
      this.db
        .prepare(
          `INSERT INTO rhythm_decisions (scan_id, episode, action, target_id,
             before_deleted, before_rhythm, before_start, before_end,
             after_deleted, after_rhythm, after_start, after_end, reviewer, decided_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          scanId,
          episode,
          action,
          targetId,
          ...cols(before),
          ...cols(after),
          reviewer,
          new Date().toISOString(),
        ).lastInsertRowid,
    );
  }

  /** Writes the reviewer's version of an episode (null removes it: back to the machine's). */
  private apply(
    scanId: number,
    episode: number,
    e: ReviewerEpisode | null,
    decisionId: number,
  ): void {
    if (e === null) {
      this.db
        .prepare('DELETE FROM rhythm_reviews WHERE scan_id = ? AND episode = ?')
        .run(scanId, episode);
      return;
    }
    this.db
      .prepare(
        `INSERT INTO rhythm_reviews (scan_id, episode, deleted, rhythm, start_sample, end_sample, decision_id)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (scan_id, episode) DO UPDATE SET deleted = excluded.deleted, rhythm = excluded.rhythm,
           start_sample = excluded.start_sample, end_sample = excluded.end_sample, decision_id = excluded.decision_id`,
      )
      .run(scanId, episode, e.deleted ? 1 : 0, e.rhythm, e.startSample, e.endSample, decisionId);
  }

  /** Replays the log: decisions still in force (undo stack) and undone ones (redo stack). */
  private stacks(scanId: number): { done: number[]; undone: number[]; n: number } {
    const rows = this.db
      .prepare('SELECT id, action FROM rhythm_decisions WHERE scan_id = ? ORDER BY id')
      .all(scanId) as Array<{ id: number; action: string }>;
    const done: number[] = [];
    let undone: number[] = [];
    for (const r of rows) {
      if (r.action === 'undo') {
        const d = done.pop();
        if (d !== undefined) undone.push(d);
      } else if (r.action === 'redo') {
        const d = undone.pop();
        if (d !== undefined) done.push(d);
      } else {
        done.push(r.id);
        undone = [];
      }
    }
    return { done, undone, n: rows.length };
  }

  private historyOf(scanId: number): ReviewHistory {
    const { done, undone, n } = this.stacks(scanId);
    return { canUndo: done.length > 0, canRedo: undone.length > 0, nDecisions: n };
  }
}

/** An episode as downstream uses it: the reviewer's version where present, else the machine's. */
export interface EffectiveEpisode {
  episode: number;
  rhythm: ReviewRhythm;
  startSample: number;
  endSample: number;
  state: EpisodeReviewState;
}

/** A scan's episodes now, by start: the reviewer's version where reviewed, deleted ones left out. */
export function effectiveEpisodes(episodes: readonly StoredEpisode[]): EffectiveEpisode[] {
  return episodes
    .filter((e) => e.state !== 'deleted')
    .map((e) => {
      const v = e.reviewer ?? e.machine;
      return {
        episode: e.episode,
        rhythm: v.rhythm,
        startSample: v.startSample,
        endSample: v.endSample,
        state: e.state,
      };
    })
    .sort((a, b) => a.startSample - b.startSample || a.episode - b.episode);
}
