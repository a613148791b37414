/**
 * Boundary checks on a record before it is filtered, segmented or shown to a model. Each failure
 * is a BeatlensError whose one-line message names the record and the offending value against the
 * expectation, e.g. "record 100: fs=250 Hz but the model was trained at 360 Hz".
 */
import { BeatlensError } from '../errors';
import type { EcgRecord } from './types';

export interface RecordExpectation {
  /** Sampling frequency the consumer (usually a trained model) needs, in Hz. */
  fs?: number;
  /** Number of leads the consumer needs. */
  nLeads?: number;
  /** Shortest usable record in samples (e.g. one segment, maxSamples). */
  minSamples?: number;
  /** Who holds the expectation, for the message; default 'the model'. */
  expectedBy?: string;
  /**
   * A lead whose standard deviation (record units, usually mV) is at or below this is flat:
   * unplugged electrode or a constant written by a converter. Default 1e-6.
   */
  flatStd?: number;
}

function leadName(record: EcgRecord, lead: number): string {
  const name = record.leadNames?.[lead];
  return name ? `lead ${lead} (${name})` : `lead ${lead}`;
}

/** Throws a BeatlensError for the first problem found; returns nothing when the record is usable. */
export function validateRecord(record: EcgRecord, expect: RecordExpectation = {}): void {
  const id = `record ${record.id}`;
  const by = expect.expectedBy ?? 'the model';
  if (!(record.fs > 0) || !Number.isFinite(record.fs)) {
    throw new BeatlensError('record-fs', `${id}: fs=${record.fs} Hz is not a positive number`);
  }
  if (record.signals.length === 0) {
    throw new BeatlensError('record-no-leads', `${id}: has no leads`);
  }
  if (expect.fs !== undefined && Math.abs(record.fs - expect.fs) > 1e-9) {
    const verb = by === 'the model' ? 'was trained at' : 'expects';
    throw new BeatlensError(
      'fs-mismatch',
      `${id}: fs=${record.fs} Hz but ${by} ${verb} ${expect.fs} Hz (resample the record first)`,
    );
  }
  if (expect.nLeads !== undefined && record.signals.length !== expect.nLeads) {
    throw new BeatlensError(
      'lead-count-mismatch',
      `${id}: has ${record.signals.length} leads but ${by} expects ${expect.nLeads}`,
    );
  }
  for (let lead = 0; lead < record.signals.length; lead++) {
    if (record.signals[lead].length !== record.nSamples) {
      throw new BeatlensError(
        'record-shape',
        `${id}: ${leadName(record, lead)} has ${record.signals[lead].length} samples but the record declares nSamples=${record.nSamples}`,
      );
    }
  }
  if (expect.minSamples !== undefined && record.nSamples < expect.minSamples) {
    const seconds = (n: number) => (n / record.fs).toFixed(2);
    throw new BeatlensError(
      'record-too-short',
      `${id}: ${record.nSamples} samples (${seconds(record.nSamples)} s) is shorter than one segment of ${expect.minSamples} samples (${seconds(expect.minSamples)} s)`,
    );
  }
  const flatStd = expect.flatStd ?? 1e-6;
  for (let lead = 0; lead < record.signals.length; lead++) {
    const s = record.signals[lead];
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (!Number.isFinite(v)) {
        throw new BeatlensError(
          'record-nonfinite',
          `${id}: ${leadName(record, lead)} has ${v} at sample ${i} (${(i / record.fs).toFixed(3)} s); expected finite values`,
        );
      }
      sum += v;
    }
    const mean = sum / s.length;
    let ss = 0;
    for (let i = 0; i < s.length; i++) ss += (s[i] - mean) ** 2;
    const std = Math.sqrt(ss / s.length);
    if (std <= flatStd) {
      const unit = record.units?.[lead] ? ` ${record.units[lead]}` : '';
      throw new BeatlensError(
        'record-flat-lead',
        `${id}: ${leadName(record, lead)} is flat (std=${std.toExponential(2)}${unit}, expected > ${flatStd})`,
      );
    }
  }
}
