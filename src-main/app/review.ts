/**
 * Beat review of whole-record scans for the app and the CLI: a finished scan goes into the store
 * with every beat (machine labels kept, reference symbols matched), the review screen reads and
 * relabels beats (one committed decision each, undo/redo from the log), the template view
 * clusters the beats of one label, and the exports (WFDB annotation file, CSV, JSON) write the
 * effective labels. A scan's rhythm episodes are stored with it and reviewed beside the beats
 * (rhythm-review.ts); the WFDB and JSON exports carry the episodes in force.
 */
import type { Beat, EcgRecord } from '../ecg/types';
import { clusterBeats } from '../ecg/templates';
import {
  annotationCode,
  formatMitAnnotations,
  type WfdbAnnotationOut,
} from '../ecg/wfdb/annotation-writer';
import { mergeAnnotations, rhythmAnnotations } from '../ecg/wfdb/rhythm-annotations';
import { formatCsv } from '../csv';
import { BeatlensError } from '../errors';
import type {
  FileExport,
  ReviewBeatRow,
  EpisodeRevision,
  ReviewBeats,
  ReviewEpisodes,
  ReviewLabel,
  ReviewUpdate,
  ScanSummary,
  TemplateView,
} from '../ipc/contract';
import { effectiveLabels, type ReviewStep, type Store, type StoredScan } from '../store/index';
import type { ScannedBeat } from './job-protocol';
import {
  exportedEpisodes,
  reviewEpisodes,
  storeMachineEpisodes,
  storedEpisodes,
} from './rhythm-review';

/** A scanned beat and a reference annotation are the same beat within this (EC57's window). */
const MATCH_SECONDS = 0.15;

/** The WFDB annotation symbol of each label: the AAMI class letters, and '|' (artefact) for artefacts. */
export const WFDB_SYMBOL_OF: Readonly<Record<ReviewLabel, string>> = {
  N: 'N',
  S: 'S',
  V: 'V',
  F: 'F',
  Q: 'Q',
  artefact: '|',
};

/** The WFDB annotator (file extension) of exported reviews: `<record>.rev` beside the record. */
export const REVIEW_ANNOTATOR = 'rev';

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

function summary(s: StoredScan): ScanSummary {
  return {
    id: s.id,
    recordId: s.recordId,
    model: s.modelName,
    beatSource: s.beatSource,
    fs: s.fs,
    minProbability: s.minProbability,
    createdAt: s.createdAt,
    nBeats: s.nBeats,
    nReviewed: s.nReviewed,
  };
}

/** The reference symbol of each beat: the nearest annotated beat within MATCH_SECONDS. */
export function matchReference(
  samples: readonly number[],
  reference: readonly Beat[] | null,
  fs: number,
): Array<string | null> {
  if (!reference || reference.length === 0) return samples.map(() => null);
  const ref = [...reference].sort((a, b) => a.sample - b.sample);
  const tol = MATCH_SECONDS * fs;
  let j = 0;
  return samples.map((s) => {
    while (j + 1 < ref.length && ref[j + 1].sample <= s) j++;
    let best: Beat | null = null;
    for (const k of [j, j + 1]) {
      const r = ref[k];
      if (
        r &&
        Math.abs(r.sample - s) <= tol &&
        (!best || Math.abs(r.sample - s) < Math.abs(best.sample - s))
      )
        best = r;
    }
    return best ? best.symbol : null;
  });
}

export class ReviewService {
  constructor(
    private readonly store: Store,
    /** The record's signals and annotations (the template view reads one lead). */
    private readonly recordOf: (recordId: string) => { record: EcgRecord; beats: Beat[] | null },
  ) {}

  /**
   * Stores a finished scan of `recordId` with every beat and its machine rhythm episodes (one
   * transaction); returns it. `excluded`: the scan's noise / lead-off stretches, left out of the
   * episodes.
   */
  saveScan(
    recordId: string,
    scan: {
      beats: readonly ScannedBeat[];
      beatSource: 'annotations' | 'detector';
      excluded?: ReadonlyArray<{ start: number; end: number }>;
    },
    opts: { modelName: string | null; minProbability: number },
  ): ScanSummary {
    const { record, beats: reference } = this.recordOf(recordId);
    const beats = [...scan.beats].sort((a, b) => a.sample - b.sample);
    const symbols = matchReference(
      beats.map((b) => b.sample),
      reference,
      record.fs,
    );
    const id = this.store.transaction(() => {
      const scanId = this.store.beatReviews.createScan({
        recordId,
        modelName: opts.modelName,
        beatSource: scan.beatSource,
        fs: record.fs,
        minProbability: opts.minProbability,
        beats: beats.map((b, i) => ({
          beatSample: b.sample,
          machineLabel: b.label,
          score: b.score,
          correlation: b.correlation,
          segmentLabel: b.segmentLabel,
          segmentProbability: b.segmentProbability,
          referenceSymbol: b.symbol ?? symbols[i],
        })),
      });
      storeMachineEpisodes(
        this.store,
        this.store.beatReviews.requireScan(scanId),
        scan.excluded ?? [],
      );
      return scanId;
    });
    return summary(this.store.beatReviews.requireScan(id));
  }

  scans(recordId: string): ScanSummary[] {
    return this.store.beatReviews.scans(recordId).map(summary);
  }

  beats(scanId: number): ReviewBeats {
    const scan = this.store.beatReviews.requireScan(scanId);
    const beats = beatRows(this.store, scan);
    return {
      scan: summary(scan),
      beats,
      history: this.store.beatReviews.history(scanId),
      hasReference: beats.some((b) => b.reference !== null),
    };
  }

  label(scanId: number, samples: readonly number[], label: ReviewLabel): ReviewUpdate {
    return this.update(scanId, this.store.beatReviews.label(scanId, samples, label));
  }

  undo(scanId: number): ReviewUpdate {
    return this.update(scanId, this.store.beatReviews.undo(scanId));
  }

  redo(scanId: number): ReviewUpdate {
    return this.update(scanId, this.store.beatReviews.redo(scanId));
  }

  private update(scanId: number, step: ReviewStep): ReviewUpdate {
    const changed = new Set(step.samples);
    return {
      changed: this.store.beatReviews
        .beats(scanId)
        .filter((b) => changed.has(b.beatSample))
        .map((b) => ({ sample: b.beatSample, reviewerLabel: b.reviewerLabel })),
      history: step.history,
    };
  }

  /** The scan's rhythm episodes (machine's and reviewer's) and the rhythm decision history. */
  episodes(scanId: number): ReviewEpisodes {
    return reviewEpisodes(this.store, this.store.beatReviews.requireScan(scanId));
  }

  /** One reviewer decision on one episode: confirm, relabel, move its edges or delete it. */
  reviseEpisode(scanId: number, episode: number, revision: EpisodeRevision): ReviewEpisodes {
    const scan = this.store.beatReviews.requireScan(scanId);
    storedEpisodes(this.store, scan);
    const step = this.store.rhythmReviews.revise(scanId, episode, revision);
    return reviewEpisodes(this.store, scan, step.episode);
  }

  undoEpisode(scanId: number): ReviewEpisodes {
    return this.episodeStep(scanId, 'undo');
  }

  redoEpisode(scanId: number): ReviewEpisodes {
    return this.episodeStep(scanId, 'redo');
  }

  private episodeStep(scanId: number, kind: 'undo' | 'redo'): ReviewEpisodes {
    const scan = this.store.beatReviews.requireScan(scanId);
    const step =
      kind === 'undo'
        ? this.store.rhythmReviews.undo(scanId)
        : this.store.rhythmReviews.redo(scanId);
    return reviewEpisodes(this.store, scan, step.episode);
  }

  /** The beats whose effective label is `label`, on the record's first lead, clustered. */
  templates(scanId: number, label: ReviewLabel): TemplateView {
    const scan = this.store.beatReviews.requireScan(scanId);
    const samples = effectiveLabels(this.store, scanId)
      .filter((b) => b.label === label)
      .map((b) => b.sample);
    const { record } = this.recordOf(scan.recordId);
    const { clusters, halfWindow } = clusterBeats(record.signals[0], record.fs, samples);
    const arr = (x: Float32Array): number[] => Array.from(x, round4);
    return {
      scanId,
      label,
      lead: record.leadNames[0] ?? 'lead 1',
      unit: record.units[0] ?? '',
      fs: record.fs,
      halfWindow,
      nBeats: samples.length,
      clusters: clusters.map((c) => ({
        size: c.members.length,
        odd: c.odd,
        meanCorrelation: round4(c.meanCorrelation),
        samples: c.members.map((i) => samples[i]),
        mean: arr(c.mean),
        traces: c.traces.map(arr),
      })),
    };
  }

  /** The scan's effective labels as a file: WFDB annotations (`<record>.rev`), CSV or JSON. */
  export(scanId: number, format: 'wfdb' | 'csv' | 'json'): FileExport {
    const scan = this.store.beatReviews.requireScan(scanId);
    return formatReviewExport(this.store, scan, format);
  }
}

/** Every beat of a scan as the review screen and the exports show it. */
function beatRows(store: Store, scan: StoredScan): ReviewBeatRow[] {
  return store.beatReviews.beats(scan.id).map((b) => ({
    sample: b.beatSample,
    machineLabel: b.machineLabel,
    reviewerLabel: b.reviewerLabel,
    score: b.score === null ? null : round4(b.score),
    segmentLabel: b.segmentLabel,
    segmentProbability: round4(b.segmentProbability),
    reference: b.referenceSymbol,
    flagged: b.machineLabel !== 'N' && b.segmentProbability >= scan.minProbability,
  }));
}

/** What the exports hold: every beat with its machine, reviewer and effective label. */
export function formatReviewExport(
  store: Store,
  scan: StoredScan,
  format: 'wfdb' | 'csv' | 'json',
): FileExport {
  const labels = effectiveLabels(store, scan.id);
  const base = `${scan.recordId}`;
  if (format === 'wfdb') {
    const bytes = formatMitAnnotations(reviewExportAnnotations(store, scan));
    return {
      fileName: `${base}.${REVIEW_ANNOTATOR}`,
      mimeType: 'application/octet-stream',
      text: null,
      base64: Buffer.from(bytes).toString('base64'),
    };
  }
  const rows = beatRows(store, scan).map(({ flagged: _flagged, sample, ...b }, i) => ({
    sample,
    timeSeconds: round4(sample / scan.fs),
    label: labels[i].label,
    ...b,
  }));
  if (format === 'json') {
    const { nReviewed, ...info } = scan;
    const rhythm = reviewEpisodes(store, scan);
    const episodes = rhythm.episodes.map((e) => ({
      ...e,
      startSeconds: round4(e.startSeconds),
      endSeconds: round4(e.endSeconds),
      durationSeconds: round4(e.durationSeconds),
    }));
    return {
      fileName: `review-${base}-scan${scan.id}.json`,
      mimeType: 'application/json',
      text: JSON.stringify(
        { scan: { ...info, nReviewed }, beats: rows, episodes, episodesNote: rhythm.note },
        null,
        2,
      ),
      base64: null,
    };
  }
  return {
    fileName: `review-${base}-scan${scan.id}.csv`,
    mimeType: 'text/csv',
    text: formatCsv(
      [
        'sample',
        'time_s',
        'label',
        'machine_label',
        'reviewer_label',
        'score',
        'segment_label',
        'segment_probability',
        'reference',
      ],
      rows.map((r) => [
        r.sample,
        r.timeSeconds.toFixed(3),
        r.label,
        r.machineLabel,
        r.reviewerLabel,
        r.score,
        r.segmentLabel,
        r.segmentProbability,
        r.reference,
      ]),
    ),
    base64: null,
  };
}

/** WFDB annotations of effective labels (artefacts as '|'), for the annotation writer. */
export function reviewAnnotations(
  labels: ReadonlyArray<{ sample: number; label: ReviewLabel }>,
): WfdbAnnotationOut[] {
  return labels.map((b) => {
    const code = annotationCode(WFDB_SYMBOL_OF[b.label]);
    if (code === null) {
      throw new BeatlensError('review-export', `label '${b.label}' has no WFDB annotation code`);
    }
    return { sample: b.sample, code };
  });
}

/**
 * What a scan's WFDB annotation file holds: the effective label of every beat, the rhythm
 * episodes in force as `+` rhythm annotations and pauses as comments (rhythm-annotations.ts).
 */
export function reviewExportAnnotations(store: Store, scan: StoredScan): WfdbAnnotationOut[] {
  return mergeAnnotations(
    reviewAnnotations(effectiveLabels(store, scan.id)),
    rhythmAnnotations(exportedEpisodes(store, scan), scan.fs),
  );
}
