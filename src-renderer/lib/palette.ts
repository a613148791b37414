/**
 * The app's colours. Attention uses cividis, a perceptually uniform ramp designed to read the same
 * for viewers with red–green colour-vision deficiency; beat markers use the Okabe–Ito set. Both
 * are checked under simulated deficiencies by test/renderer/palette.test.ts.
 */
import { interpolateCividis } from 'd3-scale-chromatic';

/** Attention in [0, 1] → colour (cividis). */
export function attentionColour(a: number): string {
  return interpolateCividis(Math.max(0, Math.min(1, a)));
}

/** Stops shown in the legend and checked by the palette test. */
export const ATTENTION_STOPS = [0, 0.25, 0.5, 0.75, 1];

/** AAMI beat classes → Okabe–Ito colours (distinct under protan/deutan/tritan simulation). */
export const BEAT_COLOURS: Record<string, string> = {
  N: '#0072B2',
  S: '#E69F00',
  V: '#000000',
  F: '#CC79A7',
  Q: '#56B4E9',
};

/** Series colours for curves (train/validation) and ROC classes. */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#000000'];

export const TRACE_COLOUR = '#1a1a1a';
