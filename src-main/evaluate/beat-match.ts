/**
 * Scoring a beat detector against reference beats: one-to-one matching within a tolerance,
 * sensitivity and positive predictivity. Pure: sample indices in, counts out.
 */
export interface BeatMatch {
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  /** Found reference beats / reference beats. */
  sensitivity: number;
  /** Matched detections / detections. */
  positivePredictivity: number;
}

/**
 * One-to-one matching of detections to reference beats within ±`toleranceSamples` (each
 * reference beat takes the nearest unused detection), as in ANSI/AAMI EC57 beat-by-beat
 * comparison.
 */
export function matchBeats(
  detected: readonly number[],
  reference: readonly number[],
  toleranceSamples: number,
): BeatMatch {
  const det = [...detected].sort((a, b) => a - b);
  const used = new Uint8Array(det.length);
  let tp = 0;
  let j = 0;
  for (const r of [...reference].sort((a, b) => a - b)) {
    while (j < det.length && det[j] < r - toleranceSamples) j++;
    let best = -1;
    for (let k = j; k < det.length && det[k] <= r + toleranceSamples; k++) {
      if (!used[k] && (best < 0 || Math.abs(det[k] - r) < Math.abs(det[best] - r))) best = k;
    }
    if (best >= 0) {
      used[best] = 1;
      tp++;
    }
  }
  return {
    truePositives: tp,
    falseNegatives: reference.length - tp,
    falsePositives: det.length - tp,
    sensitivity: reference.length === 0 ? NaN : tp / reference.length,
    positivePredictivity: det.length === 0 ? NaN : tp / det.length,
  };
}
