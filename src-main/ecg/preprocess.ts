/**
 * The one preprocessing chain every record goes through before segmentation or inference:
 * optional resampling to the model's fs, zero-phase band-pass, per-lead normalisation.
 */
import { bandpassFiltfilt, normalizeLead, type NormalizeMethod } from './filters';
import { resampleRecord } from './resample';
import type { EcgRecord } from './types';

export interface PreprocessConfig {
  /** Band-pass lower edge in Hz (baseline wander below it is removed). Default 0.5. */
  lowHz?: number;
  /** Band-pass upper edge in Hz (muscle/mains noise above it is removed). Default 40. */
  highHz?: number;
  /** Butterworth prototype order (band-pass order is twice this; filtfilt doubles again). Default 2. */
  order?: number;
  /** Per-lead normalisation over the whole record. Default 'zscore'. */
  normalize?: NormalizeMethod;
  /** Resample to this fs (Hz) before filtering; default: keep the record's fs. */
  fs?: number;
  /** Skip the band-pass (e.g. data that was already filtered). Default false. */
  skipFilter?: boolean;
}

export const DEFAULT_PREPROCESS: Required<Omit<PreprocessConfig, 'fs'>> = {
  lowHz: 0.5,
  highHz: 40,
  order: 2,
  normalize: 'zscore',
  skipFilter: false,
};

/** Returns a new record (signals replaced, metadata kept); `source` is unchanged. */
export function preprocessRecord(record: EcgRecord, cfg: PreprocessConfig = {}): EcgRecord {
  const c = { ...DEFAULT_PREPROCESS, ...cfg };
  const resampled = cfg.fs !== undefined ? resampleRecord(record, cfg.fs) : record;
  const signals = resampled.signals.map((lead) => {
    const filtered = c.skipFilter
      ? lead
      : bandpassFiltfilt(lead, resampled.fs, c.lowHz, c.highHz, c.order);
    return normalizeLead(filtered, c.normalize);
  });
  return {
    ...resampled,
    signals,
    units: c.normalize === 'none' ? resampled.units : signals.map(() => 'normalised'),
  };
}
