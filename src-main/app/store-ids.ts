/**
 * The one place where the IPC contract's identifiers meet the store's: study ids are the store's
 * integer ids written as decimal strings (scan ids cross as the store's integers).
 */
import { BeatlensError } from '../errors';

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
