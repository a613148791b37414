import { describe, expect, it } from 'vitest';
import { deltaE, parseColour, simulateCvd, rgbToLab } from '../../src-renderer/lib/colour';
import type { Deficiency } from '../../src-renderer/lib/colour';
import {
  ATTENTION_STOPS,
  BEAT_COLOURS,
  SERIES_COLOURS,
  attentionColour,
} from '../../src-renderer/lib/palette';

const DEFICIENCIES: Deficiency[] = ['protanopia', 'deuteranopia', 'tritanopia'];
/** ΔE*ab below ~10 is hard to tell apart at a glance on thin markers and lines. */
const MIN_DELTA_E = 10;

describe('colour maths', () => {
  it('gives the reference Lab of sRGB white and black', () => {
    const white = rgbToLab([255, 255, 255]);
    expect(white[0]).toBeCloseTo(100, 1);
    expect(Math.abs(white[1])).toBeLessThan(0.1);
    expect(rgbToLab([0, 0, 0])[0]).toBeCloseTo(0, 5);
  });

  it('collapses pure red and green for a deuteranope, as expected of the simulation', () => {
    const red = simulateCvd([255, 0, 0], 'deuteranopia');
    const green = simulateCvd([0, 160, 0], 'deuteranopia');
    expect(deltaE(red, green)).toBeLessThan(deltaE([255, 0, 0], [0, 160, 0]) / 3);
  });
});

describe('palettes are colour-blind safe', () => {
  it('attention ramp: neighbouring stops stay distinct and lightness rises under every deficiency', () => {
    const stops = ATTENTION_STOPS.map((a) => parseColour(attentionColour(a)));
    for (const d of [...DEFICIENCIES, null]) {
      const seen = stops.map((c) => (d ? simulateCvd(c, d) : c));
      const lightness = seen.map((c) => rgbToLab(c)[0]);
      for (let i = 1; i < seen.length; i++) {
        expect(deltaE(seen[i - 1], seen[i]), `${d ?? 'normal'} stop ${i}`).toBeGreaterThan(
          MIN_DELTA_E,
        );
        expect(lightness[i]).toBeGreaterThan(lightness[i - 1]);
      }
    }
  });

  it.each([
    ['beat markers', Object.values(BEAT_COLOURS)],
    ['series', SERIES_COLOURS],
  ])('%s: every pair distinct under every deficiency', (_name, colours) => {
    const rgb = colours.map(parseColour);
    for (const d of DEFICIENCIES) {
      const seen = rgb.map((c) => simulateCvd(c, d));
      for (let i = 0; i < seen.length; i++) {
        for (let j = i + 1; j < seen.length; j++) {
          expect(deltaE(seen[i], seen[j]), `${d}: ${colours[i]} vs ${colours[j]}`).toBeGreaterThan(
            MIN_DELTA_E,
          );
        }
      }
    }
  });

  it('would reject the classic red/green pair (the check can fail)', () => {
    const pair = ['#d62728', '#2ca02c'].map(parseColour);
    expect(deltaE(pair[0], pair[1])).toBeGreaterThan(100);
    const seen = pair.map((c) => simulateCvd(c, 'deuteranopia'));
    expect(deltaE(seen[0], seen[1])).toBeLessThan(MIN_DELTA_E);
  });
});
