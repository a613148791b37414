/**
 * Checks run on everything the store is asked to write, before any write, so a bad import
 * fails with one line naming the record and the problem and leaves no row behind.
 */
import { BeatlensError } from '../errors';
import type { AamiClass, Beat, EcgRecord, Segment, SegmentBeat } from '../ecg/types';

const AAMI: ReadonlySet<string> = new Set<AamiClass>(['N', 'S', 'V', 'F', 'Q']);

function fail(what: string, problem: string): never {
  throw new BeatlensError('store-invalid', `${what}: ${problem}`);
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** Index of the first non-finite value, or -1. */
function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** A record id becomes a file-system and URL-facing name: keep it printable and short. */
export function validateRecordId(id: unknown, what = 'record id'): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) fail(what, 'must be a non-empty string');
  if (id.length > 200) fail(`${what} '${id.slice(0, 40)}…'`, 'is longer than 200 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id))
    fail(`${what} ${JSON.stringify(id)}`, 'has control characters');
}

export function validateRecord(record: EcgRecord): void {
  validateRecordId(record.id);
  const what = `record ${record.id} (${record.source})`;
  if (typeof record.patientId !== 'string' || record.patientId.length === 0) {
    fail(what, 'patient id is empty');
  }
  if (!(Number.isFinite(record.fs) && record.fs > 0))
    fail(what, `fs=${record.fs} is not a positive number`);
  if (!isCount(record.nSamples) || record.nSamples === 0) {
    fail(what, `nSamples=${record.nSamples} is not a positive integer`);
  }
  const nLeads = record.signals?.length ?? 0;
  if (nLeads === 0) fail(what, 'has no leads');
  if (record.leadNames.length !== nLeads) {
    fail(what, `${record.leadNames.length} lead names for ${nLeads} signals`);
  }
  if (record.units.length !== nLeads)
    fail(what, `${record.units.length} units for ${nLeads} signals`);
  record.signals.forEach((s, lead) => {
    if (!(s instanceof Float32Array)) fail(what, `lead ${lead} is not a Float32Array`);
    if (s.length !== record.nSamples) {
      fail(what, `lead ${lead} has ${s.length} samples, header says ${record.nSamples}`);
    }
    const bad = firstNonFinite(s);
    if (bad >= 0)
      fail(what, `lead ${lead} (${record.leadNames[lead]}) has ${s[bad]} at sample ${bad}`);
  });
  if (record.startTime) {
    const { secondsOfDay, date } = record.startTime;
    if (!(Number.isFinite(secondsOfDay) && secondsOfDay >= 0 && secondsOfDay < 86400)) {
      fail(what, `start time ${secondsOfDay} s is not a time of day (0 to 86400 s)`);
    }
    if (date !== null && !/^\d{4}-[01]\d-[0-3]\d$/.test(date)) {
      fail(what, `start date '${date}' is not of the form YYYY-MM-DD`);
    }
  }
}

export function validateBeats(record: EcgRecord, beats: readonly Beat[]): void {
  const what = `beats of record ${record.id}`;
  let previous = -1;
  beats.forEach((b, i) => {
    if (!isCount(b.sample) || b.sample >= record.nSamples) {
      fail(what, `beat ${i} at sample ${b.sample} is outside 0..${record.nSamples - 1}`);
    }
    if (b.sample < previous)
      fail(what, `beat ${i} at sample ${b.sample} comes before sample ${previous}`);
    previous = b.sample;
    if (typeof b.symbol !== 'string' || b.symbol.length === 0)
      fail(what, `beat ${i} has no symbol`);
    if (!AAMI.has(b.aami))
      fail(what, `beat ${i} has AAMI class '${b.aami}' (expected N, S, V, F or Q)`);
  });
}

function validateSegmentBeat(what: string, b: SegmentBeat, nSamples: number, j: number): void {
  if (!isCount(b.position) || b.position >= nSamples) {
    fail(what, `beat ${j} position ${b.position} is outside 0..${nSamples - 1}`);
  }
  if (!isCount(b.start) || !isCount(b.end) || b.start > b.end || b.end > nSamples) {
    fail(what, `beat ${j} bounds ${b.start}..${b.end} are not inside 0..${nSamples}`);
  }
  if (!AAMI.has(b.aami)) fail(what, `beat ${j} has AAMI class '${b.aami}'`);
}

/** Segments must belong to `record` (or to the record named `recordId` when it is already stored). */
export function validateSegments(
  recordId: string,
  recordInfo: { nLeads: number; nSamples: number; fs: number },
  task: string,
  segments: readonly Segment[],
): void {
  if (typeof task !== 'string' || task.length === 0)
    fail(`segments of record ${recordId}`, 'task is empty');
  const offsets = new Set<number>();
  segments.forEach((s, i) => {
    const what = `segment ${i} of record ${recordId}`;
    if (s.recordId !== recordId) fail(what, `belongs to record '${s.recordId}'`);
    if (s.nLeads !== recordInfo.nLeads) {
      fail(what, `has ${s.nLeads} leads, the record has ${recordInfo.nLeads}`);
    }
    if (!(Number.isFinite(s.fs) && s.fs > 0)) fail(what, `fs=${s.fs} is not a positive number`);
    if (!isCount(s.nSamples) || s.nSamples === 0)
      fail(what, `nSamples=${s.nSamples} is not positive`);
    if (!isCount(s.length) || s.length === 0 || s.length > s.nSamples) {
      fail(what, `length ${s.length} is not in 1..${s.nSamples}`);
    }
    if (!isCount(s.offset)) fail(what, `offset ${s.offset} is not a sample index`);
    if (s.fs === recordInfo.fs && s.offset + s.length > recordInfo.nSamples) {
      fail(
        what,
        `samples ${s.offset}..${s.offset + s.length} run past the record's ${recordInfo.nSamples}`,
      );
    }
    if (offsets.has(s.offset)) fail(what, `a second segment starts at sample ${s.offset}`);
    offsets.add(s.offset);
    if (typeof s.label !== 'string' || s.label.length === 0) fail(what, 'has no label');
    if (!(s.data instanceof Float32Array) || s.data.length !== s.nLeads * s.nSamples) {
      fail(
        what,
        `data has ${s.data?.length} values, expected nLeads × nSamples = ${s.nLeads * s.nSamples}`,
      );
    }
    const bad = firstNonFinite(s.data);
    if (bad >= 0) fail(what, `data has ${s.data[bad]} at index ${bad}`);
    if (!Array.isArray(s.beats)) fail(what, 'beat table is missing');
    s.beats.forEach((b, j) => validateSegmentBeat(what, b, s.nSamples, j));
    for (const key of ['rrBefore', 'rrAfter'] as const) {
      const rr = s[key];
      if (rr !== undefined && !(isCount(rr) && rr > 0)) {
        fail(what, `${key}=${rr} is not a positive whole number of samples`);
      }
    }
  });
}
