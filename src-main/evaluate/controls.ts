/**
 * Control maps for the localisation metrics: what a map scores without knowing anything (signal
 * energy), and what a map scores once moved off the beats (half-beat shift). A learned map is
 * worth something only where it beats both. Pure functions over one segment's arrays.
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
  const rr = positions
    .slice(1)
    .map((p, j) => p - positions[j])
    .sort((a, b) => a - b);
  const shift = Math.round(rr[Math.floor(rr.length / 2)] / 2);
  const out = new Float32Array(map.length);
  for (let t = 0; t < map.length; t++) out[t] = map[Math.max(0, t - shift)];
  return out;
}
