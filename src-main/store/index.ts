/** Public surface of the store: open it, then use its repositories. */
export { defaultStorePath } from '../paths';
export { openStore, BUSY_TIMEOUT_MS, type Store, type OpenStoreOptions } from './store';
export { float32ToBlob, blobToFloat32 } from './blob';
export { sha256Files, sha256Float32 } from './checksum';
export { MIGRATIONS, type Migration } from './migrations/index';
export type { RecordImport, RecordFormat, StoredRecord } from './records';
export type { StoredSegment, StoredSegmentInfo, SegmentFilter } from './segments';
export type { FoldSet, FoldSetInput } from './folds';
export type { ModelInput, StoredModel } from './models';
export type {
  RunInput,
  RunKind,
  RunStatus,
  StoredRun,
  RunDetails,
  Metrics,
  StoredMetrics,
} from './runs';
export type { PredictionInput, StoredPrediction } from './predictions';
export type { Grade, StudyInput, StoredStudy, StudyItem, StoredGrade } from './studies';
export type { BeatReviewInput, ReviewDecision, StoredBeatReview } from './reviews';
export type { FlaggedBeatInput, StoredFlaggedBeat } from './flags';
export {
  effectiveLabels,
  isReviewLabel,
  REVIEW_LABELS,
  type EffectiveLabel,
  type ReviewHistory,
  type ReviewLabel,
  type ReviewStep,
  type ScanBeatInput,
  type ScanInput,
  type StoredDecision,
  type StoredScan,
  type StoredScanBeat,
} from './beat-reviews';
export {
  effectiveEpisodes,
  episodeState,
  isReviewRhythm,
  REVIEW_RHYTHMS,
  type EffectiveEpisode,
  type EpisodeReviewState,
  type MachineEpisode,
  type ReviewerEpisode,
  type ReviewRhythm,
  type RhythmChange,
  type RhythmStep,
  type ScanRhythmInfo,
  type StoredEpisode,
} from './rhythm-reviews';
