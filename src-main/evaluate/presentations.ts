/**
 * A record as another recorder would give it, for measuring what a new recorder gets without its
 * data: the leads in the other order under names the model does not know, both leads inverted,
 * the second lead only, or resampled. The samples of the R peaks do not move (resampling keeps
 * the record's duration), so the record's own beat annotations still score it beat by beat.
 */
import { BeatlensError } from '../errors';
import { resampleRecord } from '../ecg/resample';
import type { EcgRecord } from '../ecg/types';

export const PRESENTATIONS = ['swapped', 'inverted', 'one-lead', '128hz', '250hz'] as const;
export type Presentation = (typeof PRESENTATIONS)[number];

/** `record` as `how` presents it (a two-lead record for `swapped` and `one-lead`). */
export function presented(record: EcgRecord, how: Presentation): EcgRecord {
  if ((how === 'swapped' || how === 'one-lead') && record.signals.length < 2) {
    throw new BeatlensError(
      'presentation',
      `${how} needs a record with two leads; this one has ${record.signals.length}`,
    );
  }
  switch (how) {
    case 'swapped':
      return {
        ...record,
        leadNames: ['ECG1', 'ECG2'],
        units: [...record.units].reverse(),
        signals: [...record.signals].reverse(),
      };
    case 'inverted':
      return { ...record, signals: record.signals.map((x) => x.map((v) => -v)) };
    case 'one-lead':
      return {
        ...record,
        leadNames: [record.leadNames[1]],
        units: [record.units[1]],
        signals: [record.signals[1]],
      };
    case '128hz':
      return resampleRecord(record, 128);
    case '250hz':
      return resampleRecord(record, 250);
  }
}

/** Parses a comma-separated list of presentations, naming the first unknown one. */
export function parsePresentations(list: string): Presentation[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (!(PRESENTATIONS as readonly string[]).includes(s)) {
        throw new BeatlensError(
          'presentation',
          `unknown presentation '${s}' (one of ${PRESENTATIONS.join(', ')})`,
        );
      }
      return s as Presentation;
    });
}
