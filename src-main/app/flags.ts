/**
 * Flagged beats of whole-record scans and the reviewer's accept/reject decisions, kept in the
 * SQLite store: a scan replaces the record's flagged beats (`store.flaggedBeats`), each decision
 * is one committed row in `store.reviews`, so a review survives restarts and re-scans (a beat
 * flagged again keeps its decision).
 */
import { csvLine } from '../csv';
import { BeatlensError } from '../errors';
import type { ExportResult, FlaggedBeatRow } from '../ipc/contract';
import type { ReviewDecision, Store } from '../store/index';
import { decisionFromStore, decisionToStore, flagIdToIpc, flagSampleFromIpc } from './store-ids';
import type { FlagDecision } from './store-ids';

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export class FlagService {
  constructor(private readonly store: Store) {}

  private requireRecord(recordId: string): void {
    if (!this.store.records.has(recordId)) {
      throw new BeatlensError(
        'flag-record',
        `record ${recordId} is not in the store, so its flagged beats cannot be kept`,
      );
    }
  }

  list(recordId: string): FlaggedBeatRow[] {
    // Reviews are a log in sample then id order: the last decision per beat wins.
    const latest = new Map<number, ReviewDecision>();
    for (const r of this.store.reviews.list(recordId)) latest.set(r.beatSample, r.decision);
    return this.store.flaggedBeats.list(recordId).map((b) => ({
      id: flagIdToIpc(recordId, b.beatSample),
      recordId,
      sample: b.beatSample,
      attention: round3(b.attentionScore),
      segmentLabel: b.segmentLabel,
      probability: round3(b.probability),
      decision: decisionFromStore(latest.get(b.beatSample)),
      model: b.modelName,
    }));
  }

  /**
   * Replaces a record's flags with a new scan by model `modelName`, keeping decisions on beats
   * flagged again.
   */
  replace(
    recordId: string,
    flagged: ReadonlyArray<{
      sample: number;
      score: number;
      segmentLabel: string;
      segmentProbability: number;
    }>,
    modelName: string | null = null,
  ): FlaggedBeatRow[] {
    this.requireRecord(recordId);
    this.store.flaggedBeats.replaceForRecord(
      recordId,
      flagged.map((b) => ({
        beatSample: b.sample,
        attentionScore: b.score,
        segmentLabel: b.segmentLabel,
        probability: b.segmentProbability,
      })),
      { modelName },
    );
    return this.list(recordId);
  }

  review(recordId: string, flagId: string, decision: FlagDecision): FlaggedBeatRow {
    const sample = flagSampleFromIpc(recordId, flagId);
    const flag = this.store.flaggedBeats.list(recordId).find((b) => b.beatSample === sample);
    if (!flag) {
      throw new BeatlensError('flag-not-found', `flag '${flagId}' is not in record ${recordId}`);
    }
    const stored = decisionToStore(decision);
    if (stored === null) this.store.reviews.withdraw(recordId, sample);
    else {
      this.store.reviews.add({
        recordId,
        beatSample: sample,
        attentionScore: flag.attentionScore,
        decision: stored,
        modelId: flag.modelId,
      });
    }
    return this.list(recordId).find((r) => r.sample === sample) as FlaggedBeatRow;
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
    const lines = ['record,sample,time_s,attention,segment_label,probability,decision,model'];
    for (const r of rows) {
      lines.push(
        csvLine([
          r.recordId,
          r.sample,
          (r.sample / fs).toFixed(3),
          r.attention,
          r.segmentLabel,
          r.probability,
          r.decision,
          r.model ?? '',
        ]),
      );
    }
    return { fileName: `${base}.csv`, mimeType: 'text/csv', text: lines.join('\n') + '\n' };
  }
}
