/**
 * Control maps for the localisation metrics: what a map scores without knowing anything (signal
 * energy), what a map scores once moved off the beats (half-beat shift), and what the rhythm
 * alone says (prematurity from the R peaks, no waveform at all). A learned map is worth
 * something only where it beats all three. Pure functions over one segment's arrays.
 */

/**
 * Signal energy Σ_leads x_t² of one segment, `signal` (nLeads × nSamples) row-major: high on
 * large, wide complexes whatever their class.
 */
export function energyMap(
  signal: ArrayLike<number>,
  nLeads: number,
  nSamples: number,
): Float32Array {
  const map = new Float32Array(nSamples);
  for (let l = 0; l < nLeads; l++) {
    for (let t = 0; t < nSamples; t++) map[t] += signal[l * nSamples + t] ** 2;
  }
  return map;
}

/**
 * The map moved later by half the median RR of the segment's R peaks (`positions`, samples,
 * ascending), the first value repeated at the start. Fewer than two peaks: returned unchanged.
 */
export function halfBeatShift(map: Float32Array, positions: readonly number[]): Float32Array {
  if (positions.length < 2) return map.slice();
  const shift = Math.round(medianRr(positions) / 2);
  const out = new Float32Array(map.length);
  for (let t = 0; t < map.length; t++) out[t] = map[Math.max(0, t - shift)];
  return out;
}

/**
 * Median RR of R peaks `positions` (samples, ascending, at least two): the upper of the two
 * middle intervals for an even count.
 */
function medianRr(positions: readonly number[]): number {
  const rr = positions
    .slice(1)
    .map((p, j) => p - positions[j])
    .sort((a, b) => a - b);
  return rr[Math.floor(rr.length / 2)];
}

/**
 * Prematurity of each beat: the segment's median RR over the RR from the previous peak, so an
 * early beat scores above 1. The first beat, and every beat of a segment with fewer than two
 * peaks, scores 1 (not premature).
 */
export function prematurity(positions: readonly number[]): Float64Array {
  const out = new Float64Array(positions.length).fill(1);
  if (positions.length < 2) return out;
  const median = medianRr(positions);
  for (let j = 1; j < positions.length; j++) {
    const rr = positions[j] - positions[j - 1];
    if (rr > 0) out[j] = median / rr;
  }
  return out;
}

/**
 * The rhythm control as a map of nSamples values: each beat's prematurity held from the midpoint
 * to the previous peak to the midpoint to the next, so that the beat score (the map's mean over
 * 0.3 × local RR around the R peak, inside those midpoints unless one neighbouring RR is over
 * 5.6 times the other) is that prematurity.
 */
export function prematurityMap(positions: readonly number[], nSamples: number): Float32Array {
  const value = prematurity(positions);
  const map = new Float32Array(nSamples).fill(1);
  let j = 0;
  for (let t = 0; t < nSamples; t++) {
    while (j < positions.length - 1 && t >= (positions[j] + positions[j + 1]) / 2) j++;
    if (positions.length > 0) map[t] = value[j];
  }
  return map;
}
