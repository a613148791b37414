/**
 * Calipers: two points on one lead, each a time (record sample, fractions allowed) and a level
 * (the lead's physical unit). The reading is what a cardiologist takes with paper calipers:
 * the interval in ms, the heart rate that interval means (60 000 / ms) and the amplitude in mV.
 */
import { toMillivolts } from './paper';

export interface CaliperPoint {
  sample: number;
  value: number;
}

export interface Caliper {
  lead: number;
  a: CaliperPoint;
  b: CaliperPoint;
  /** The edge the keyboard moves. */
  active: 'a' | 'b';
}

export interface CaliperReading {
  ms: number;
  /** Heart rate of the interval; null when the edges coincide. */
  bpm: number | null;
  /** Level of b over a in mV; null when the lead's unit is not a voltage. */
  mV: number | null;
  /** The same in the lead's own unit. */
  amplitude: number;
  unit: string;
}

export function caliperReading(c: Caliper, fs: number, unit: string): CaliperReading {
  const ms = (Math.abs(c.b.sample - c.a.sample) / fs) * 1000;
  const amplitude = c.b.value - c.a.value;
  return {
    ms,
    bpm: ms > 0 ? 60_000 / ms : null,
    mV: toMillivolts(amplitude, unit),
    amplitude,
    unit,
  };
}

/** '812 ms · 73.9 bpm · 1.25 mV' */
export function formatReading(r: CaliperReading): string {
  const parts = [`${Math.round(r.ms)} ms`];
  if (r.bpm !== null) parts.push(`${r.bpm.toFixed(1)} bpm`);
  parts.push(r.mV !== null ? `${r.mV.toFixed(2)} mV` : `${r.amplitude.toPrecision(3)} ${r.unit}`);
  return parts.join(' · ');
}

/**
 * The beat sample after (dir 1) or before (dir −1) `sample` among `beats` (sorted), or null:
 * the keyboard's way to put an edge exactly on an R peak.
 */
export function snapToBeat(
  beats: ReadonlyArray<{ sample: number }>,
  sample: number,
  dir: 1 | -1,
): number | null {
  if (dir > 0) {
    for (const b of beats) if (b.sample > sample + 1e-6) return b.sample;
    return null;
  }
  for (let i = beats.length - 1; i >= 0; i--)
    if (beats[i].sample < sample - 1e-6) return beats[i].sample;
  return null;
}
