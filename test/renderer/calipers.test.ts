import { describe, expect, it } from 'vitest';
import { caliperReading, formatReading, snapToBeat } from '../../src-renderer/lib/calipers';
import {
  calibrate,
  cssPxPerMm,
  millivoltsPerUnit,
  toMillivolts,
} from '../../src-renderer/lib/paper';

describe('caliperReading', () => {
  it('gives the interval in ms, its heart rate and the amplitude in mV', () => {
    const c = {
      lead: 0,
      a: { sample: 1000, value: -0.2 },
      b: { sample: 1288, value: 1.05 },
      active: 'b' as const,
    };
    const r = caliperReading(c, 360, 'mV');
    expect(r.ms).toBeCloseTo(800, 9);
    expect(r.bpm).toBeCloseTo(75, 9);
    expect(r.mV).toBeCloseTo(1.25, 9);
    expect(formatReading(r)).toBe('800 ms · 75.0 bpm · 1.25 mV');
  });
  it('converts µV leads to mV and keeps unknown units as they are', () => {
    const c = {
      lead: 0,
      a: { sample: 0, value: 0 },
      b: { sample: 500, value: 1500 },
      active: 'a' as const,
    };
    expect(caliperReading(c, 500, 'uV').mV).toBeCloseTo(1.5, 9);
    const r = caliperReading(c, 500, 'adu');
    expect(r.mV).toBeNull();
    expect(formatReading(r)).toBe('1000 ms · 60.0 bpm · 1.50e+3 adu');
  });
  it('has no heart rate for coinciding edges', () => {
    const p = { sample: 10, value: 0 };
    expect(caliperReading({ lead: 0, a: p, b: p, active: 'a' }, 360, 'mV').bpm).toBeNull();
  });
});

describe('snapToBeat', () => {
  const beats = [{ sample: 100 }, { sample: 400 }, { sample: 700 }];
  it('moves to the next or previous beat, never to the one it is on', () => {
    expect(snapToBeat(beats, 250, 1)).toBe(400);
    expect(snapToBeat(beats, 400, 1)).toBe(700);
    expect(snapToBeat(beats, 400, -1)).toBe(100);
    expect(snapToBeat(beats, 700, 1)).toBeNull();
    expect(snapToBeat(beats, 100, -1)).toBeNull();
  });
});

describe('paper', () => {
  it('uses the calibration (device px/mm) over the display density, whatever the zoom', () => {
    expect(cssPxPerMm(null, 2, 3.78)).toBe(3.78);
    expect(cssPxPerMm(8, 2, 3.78)).toBe(4);
    expect(cssPxPerMm(8, 1, 3.78)).toBe(8);
    // A 342.4 CSS px bar matching a card (85.6 mm) at devicePixelRatio 1.25: 5 device px/mm.
    expect(calibrate(342.4, 85.6, 1.25)).toBeCloseTo(5, 9);
  });
  it('knows the voltage units', () => {
    expect(toMillivolts(2, 'mV')).toBe(2);
    expect(toMillivolts(2, 'V')).toBe(2000);
    expect(toMillivolts(2, 'µV')).toBeCloseTo(0.002, 12);
    expect(toMillivolts(2, 'mmHg')).toBeNull();
    expect(millivoltsPerUnit(undefined)).toBe(1);
    expect(millivoltsPerUnit('uV')).toBe(0.001);
  });
});
