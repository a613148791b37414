/**
 * Shared shapes of the ECG data core. Every stage (readers, preprocessing, segments, models,
 * store, UI) speaks these types; keep them small and documented.
 */

/** AAMI EC57 beat classes: normal, supraventricular ectopic, ventricular ectopic, fusion, unknown. */
export type AamiClass = 'N' | 'S' | 'V' | 'F' | 'Q';

/**
 * A multi-lead recording in physical units (usually mV).
 * `signals[lead]` is a Float32Array of `nSamples` values; all leads share `fs`.
 */
export interface EcgRecord {
  /** Record name, e.g. '100' for MIT-BIH record 100. */
  id: string;
  /** Patient identifier (MIT-BIH 201 and 202 are one patient). */
  patientId: string;
  /** Sampling frequency in Hz. */
  fs: number;
  nSamples: number;
  leadNames: string[];
  units: string[];
  /** Per-lead signals, physical units, length `nSamples` each. */
  signals: Float32Array[];
  /** Where it came from: a path or 'synthetic:<seed>'. */
  source: string;
  /**
   * Wall-clock time of sample 0 when the file gives it (WFDB header base time and date); absent
   * or null when it does not. Local time of the recording, no time zone.
   */
  startTime?: RecordStartTime | null;
}

/** When a record started: seconds after local midnight, and the date when the file gives one. */
export interface RecordStartTime {
  /** 0 ≤ secondsOfDay < 86400 (fractions allowed). */
  secondsOfDay: number;
  /** 'YYYY-MM-DD', or null when only the time is known. */
  date: string | null;
}

/** One annotated beat of a record. */
export interface Beat {
  /** Sample index of the fiducial point (R peak) in the record. */
  sample: number;
  /** Original annotation symbol, e.g. 'N', 'V', 'A', 'L'. */
  symbol: string;
  aami: AamiClass;
}

/** A beat inside a segment, positions relative to the segment start. */
export interface SegmentBeat {
  /** R peak position inside the segment (samples). */
  position: number;
  /** Beat boundaries inside the segment (samples, end exclusive): halfway between R peaks. */
  start: number;
  end: number;
  symbol: string;
  aami: AamiClass;
}

/**
 * A fixed-length multi-beat segment, the model's unit of input.
 * `data` is (nLeads × nSamples) row-major: lead l occupies data[l*nSamples .. (l+1)*nSamples).
 * Samples past `length` are zero padding.
 */
export interface Segment {
  recordId: string;
  patientId: string;
  /** First sample of the segment in the record. */
  offset: number;
  /** Number of real (unpadded) samples. */
  length: number;
  nLeads: number;
  /** Padded length (e.g. maxSamples = 2000 at 360 Hz). */
  nSamples: number;
  fs: number;
  /** Segment-level label, e.g. 'PVC' or 'APB' (or 'LVOT'/'RVOT' for the origin task). */
  label: string;
  beats: SegmentBeat[];
  /**
   * RR interval (samples) from the record's R peak before the first beat to the first beat, and
   * from the last beat to the R peak after it; absent at a record's (or an excluded stretch's)
   * edge, or where the segment came without its record (the rhythm channels then read 0 there).
   */
  rrBefore?: number;
  rrAfter?: number;
  data: Float32Array;
}

/**
 * A set of equally shaped segments ready for a model.
 * `x` is (n × nLeads × nSamples) row-major; `y[i]` indexes `classes`.
 */
export interface SegmentDataset {
  classes: string[];
  /** Input channels per segment: the ECG leads, then `rhythmChannels` rhythm channels. */
  nLeads: number;
  /** How many of the last channels are rhythm channels (src-main/ecg/rhythm-channels.ts); 0 if absent. */
  rhythmChannels?: number;
  nSamples: number;
  fs: number;
  x: Float32Array;
  y: Int32Array;
  /** Per segment, for grouped splits and localisation scoring. */
  meta: Array<
    Pick<Segment, 'recordId' | 'patientId' | 'offset' | 'length' | 'beats' | 'label'> &
      Partial<Pick<Segment, 'rrBefore' | 'rrAfter'>>
  >;
}
