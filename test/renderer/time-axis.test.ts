import { describe, expect, it } from 'vitest';
import { clockLabel, elapsedLabel, timeTicks } from '../../src-renderer/lib/time-axis';

describe('clockLabel / elapsedLabel', () => {
  it.each([
    [0, 1, '00:00:00'],
    [9 * 3600 + 41 * 60 + 30, 1, '09:41:30'],
    [86400 + 61, 1, '00:01:01'],
    [36000.25, 0.1, '10:00:00.3'],
    [36000.25, 0.01, '10:00:00.25'],
    [36060, 60, '10:01'],
  ])('clock %d (step %d) → %s', (s, step, text) => expect(clockLabel(s, step)).toBe(text));
  it.each([
    [12.5, 0.5, '12.5 s'],
    [75, 1, '1:15'],
    [3725, 5, '1:02:05'],
  ])('elapsed %d (step %d) → %s', (s, step, text) => expect(elapsedLabel(s, step)).toBe(text));
});

describe('timeTicks', () => {
  it('puts wall-clock ticks on round times of day, not round elapsed times', () => {
    const start = { secondsOfDay: 9 * 3600 + 41 * 60 + 27.4, date: null };
    const ticks = timeTicks(0, 10, 12, start);
    expect(ticks[0].label).toBe('09:41:28');
    expect(ticks[0].elapsed).toBeCloseTo(0.6, 9);
    expect(ticks.map((t) => t.label).slice(0, 3)).toEqual(['09:41:28', '09:41:29', '09:41:30']);
  });

  it('falls back to elapsed time without a start, with at most maxTicks ticks', () => {
    const ticks = timeTicks(100, 400, 6, null);
    expect(ticks.length).toBeLessThanOrEqual(7);
    expect(ticks[0]).toEqual({ elapsed: 120, label: '2:00' });
    expect(ticks[1].elapsed - ticks[0].elapsed).toBe(60);
  });

  it('wraps at midnight', () => {
    const ticks = timeTicks(0, 4, 4, { secondsOfDay: 86398, date: '2024-03-14' });
    expect(ticks.map((t) => t.label)).toEqual([
      '23:59:58',
      '23:59:59',
      '00:00:00',
      '00:00:01',
      '00:00:02',
    ]);
  });
});
