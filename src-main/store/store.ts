/**
 * The beatlens store: one SQLite file (better-sqlite3) shared by the app and the CLI.
 *
 * Settings and why:
 * - WAL: readers (the app's views) never block the writer (an import or a training run).
 * - synchronous=FULL: a commit is fsynced before it returns, so "committed" survives a power
 *   loss as well as a killed process; our writes are few and large, so the cost is small.
 * - foreign_keys=ON: SQLite leaves them off per connection by default.
 * - busy_timeout: a second process (app + CLI) waits for the write lock instead of failing.
 */
import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BeatlensError } from '../errors';
import { applyMigrations, schemaVersion } from './migrate';
import { MIGRATIONS, type Migration } from './migrations/index';
import { BeatReviewRepository } from './beat-reviews';
import { ReportSignoffRepository } from './report-signoffs';
import { RhythmReviewRepository } from './rhythm-reviews';
import { FlaggedBeatRepository } from './flags';
import { FoldRepository } from './folds';
import { ModelRepository } from './models';
import { PredictionRepository } from './predictions';
import { RecordRepository } from './records';
import { ReviewRepository } from './reviews';
import { RunRepository } from './runs';
import { SegmentRepository } from './segments';
import { SettingsRepository } from './settings';
import { StudyRepository } from './studies';

export const BUSY_TIMEOUT_MS = 5000;

export interface Store {
  readonly path: string;
  /** Schema version after migrations. */
  readonly version: number;
  readonly db: Database.Database;
  readonly records: RecordRepository;
  readonly segments: SegmentRepository;
  readonly folds: FoldRepository;
  readonly models: ModelRepository;
  readonly runs: RunRepository;
  readonly predictions: PredictionRepository;
  readonly studies: StudyRepository;
  readonly reviews: ReviewRepository;
  readonly flaggedBeats: FlaggedBeatRepository;
  readonly settings: SettingsRepository;
  /** Whole-record scans: every beat's machine label, the reviewer's labels, the decision log. */
  readonly beatReviews: BeatReviewRepository;
  /** Holter report sign-offs (append-only, the signed report kept). */
  readonly reportSignoffs: ReportSignoffRepository;
  /** Scans' machine rhythm episodes, the reviewer's versions, the rhythm decision log. */
  readonly rhythmReviews: RhythmReviewRepository;
  /** Runs `fn` in one write transaction (for callers that combine repositories). */
  transaction<T>(fn: () => T): T;
  /** Row counts per table, for `beatlens info` and tests. */
  counts(): Record<string, number>;
  close(): void;
}

export interface OpenStoreOptions {
  /** Migrations to apply (tests use a prefix to build an older store). Default: all. */
  migrations?: readonly Migration[];
}

const COUNTED_TABLES = [
  'records',
  'record_signals',
  'beats',
  'segments',
  'fold_sets',
  'fold_assignments',
  'runs',
  'run_fold_metrics',
  'run_epoch_metrics',
  'models',
  'predictions',
  'studies',
  'study_items',
  'raters',
  'study_raters',
  'grades',
  'beat_reviews',
  'flagged_beats',
  'settings',
  'scans',
  'scan_beats',
  'beat_labels',
  'review_decisions',
  'report_signoffs',
  'scan_episodes',
  'rhythm_reviews',
  'rhythm_decisions',
];

/**
 * Opens (creating when absent) the store at `path` and applies pending migrations.
 * Refuses, with one line, a file that is not a beatlens store or comes from a newer beatlens.
 */
export function openStore(path: string, opts: OpenStoreOptions = {}): Store {
  const file = resolve(path);
  let db: Database.Database;
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error('it is a directory');
    }
    mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
  } catch (e) {
    throw new BeatlensError('store-open', `cannot open store ${file}: ${firstLine(e)}`, {
      cause: e,
    });
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, opts.migrations ?? MIGRATIONS, file);
  } catch (e) {
    db.close();
    if (e instanceof BeatlensError) throw e;
    throw new BeatlensError('store-open', `cannot open store ${file}: ${firstLine(e)}`, {
      cause: e,
    });
  }
  const segments = new SegmentRepository(db);
  const beatReviews = new BeatReviewRepository(db);
  const version = schemaVersion(db);
  const present = new Set(
    (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{
        name: string;
      }>
    ).map((r) => r.name),
  );
  return {
    path: file,
    version,
    db,
    segments,
    records: new RecordRepository(db, segments),
    folds: new FoldRepository(db),
    models: new ModelRepository(db),
    runs: new RunRepository(db),
    predictions: new PredictionRepository(db),
    studies: new StudyRepository(db),
    reviews: new ReviewRepository(db),
    flaggedBeats: new FlaggedBeatRepository(db),
    settings: new SettingsRepository(db),
    beatReviews,
    reportSignoffs: new ReportSignoffRepository(db),
    rhythmReviews: new RhythmReviewRepository(db, beatReviews),
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    counts: () =>
      Object.fromEntries(
        COUNTED_TABLES.filter((t) => present.has(t)).map((t) => [
          t,
          (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
        ]),
      ),
    close: () => db.close(),
  };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
