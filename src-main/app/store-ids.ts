/**
 * The one place where the IPC contract's identifiers meet the store's: study ids are the store's
 * integer ids written as decimal strings, a flagged beat is `recordId@sample`, and review
 * decisions are 'accepted' / 'rejected' on screen but 'accept' / 'reject' in `beat_reviews`.
 */
import { BeatlensError } from '../errors';
import type { FlaggedBeatRow } from '../ipc/contract';
import type { ReviewDecision } from '../store/index';

export function studyIdToIpc(id: number): string {
  return String(id);
}

/** The store id of an IPC study id; an id that cannot be one is reported as not found. */
export function studyIdFromIpc(studyId: string): number {
  if (!/^[1-9]\d{0,14}$/.test(studyId)) {
    throw new BeatlensError('study-not-found', `study '${studyId}' does not exist`);
  }
  return Number(studyId);
}

export function flagIdToIpc(recordId: string, beatSample: number): string {
  return `${recordId}@${beatSample}`;
}

/** The beat sample of a flag id of `recordId` (the id must name that record). */
export function flagSampleFromIpc(recordId: string, flagId: string): number {
  const prefix = `${recordId}@`;
  const rest = flagId.startsWith(prefix) ? flagId.slice(prefix.length) : '';
  if (!/^\d{1,15}$/.test(rest)) {
    throw new BeatlensError('flag-not-found', `flag '${flagId}' is not in record ${recordId}`);
  }
  return Number(rest);
}

export type FlagDecision = FlaggedBeatRow['decision'];

/** The stored decision for a screen decision; null for 'pending' (no decision stored). */
export function decisionToStore(decision: FlagDecision): ReviewDecision | null {
  return decision === 'pending' ? null : decision === 'accepted' ? 'accept' : 'reject';
}

export function decisionFromStore(decision: ReviewDecision | undefined): FlagDecision {
  return decision === undefined ? 'pending' : decision === 'accept' ? 'accepted' : 'rejected';
}
