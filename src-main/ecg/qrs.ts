/**
 * A Pan–Tompkins-style QRS detector, used by the flagged-beat scan when a record has no beat
 * annotations (a CSV or EDF from a clinic). Band-pass 5–15 Hz → derivative → square → moving-window
 * integration (150 ms) → adaptive signal/noise thresholds with a 200 ms refractory period, T-wave
 * rejection and search-back; the R peak is the largest |band-passed| sample near the integrated
 * peak. Pure: one lead in, R-peak sample indices out.
 *
 * Reference: J. Pan, W. J. Tompkins, "A real-time QRS detection algorithm", IEEE TBME 32(3), 1985.
 */
import { BeatlensError } from '../errors';
import { bandpassFiltfilt } from '../ecg/filters';

export interface QrsOptions {
  /** Refractory period in seconds (default 0.2). */
  refractorySeconds?: number;
  /** Moving-window integration length in seconds (default 0.15). */
  integrationSeconds?: number;
}

/**
 * R-peak sample indices, ascending. `signal` is one lead, or several leads of one record (same
 * length) at `fs` Hz: each lead's squared derivative is scaled by its own mean before they are
 * summed, so every lead counts alike whatever its gain, and a QRS that is small in one lead (V1
 * of some patients) is still seen in the other.
 */
export function detectQrs(
  signal: Float32Array | readonly Float32Array[],
  fs: number,
  opts: QrsOptions = {},
): number[] {
  if (!(fs > 0)) throw new BeatlensError('qrs-input', `fs=${fs} must be positive`);
  const leads = signal instanceof Float32Array ? [signal] : signal;
  if (leads.length === 0) throw new BeatlensError('qrs-input', 'no lead to detect QRS on');
  const n = leads[0].length;
  if (leads.some((l) => l.length !== n)) {
    throw new BeatlensError('qrs-input', 'leads of different lengths');
  }
  if (n < Math.round(fs)) {
    throw new BeatlensError('qrs-input', `signal has ${n} samples; need at least 1 s (${fs})`);
  }
  const refractory = Math.round((opts.refractorySeconds ?? 0.2) * fs);
  const win = Math.max(1, Math.round((opts.integrationSeconds ?? 0.15) * fs));
  // Five-point derivative of each band-passed lead, squared, over the lead's mean; summed.
  const sq = new Float64Array(n);
  const bp = new Float64Array(n); // |band-passed| over the lead's RMS, the largest lead's
  for (const lead of leads) {
    const b = bandpassFiltfilt(lead, fs, 5, 15, 2);
    const d2 = new Float64Array(n);
    let mean = 0;
    let ms = 0;
    for (let i = 2; i < n - 2; i++) {
      const d = (-b[i - 2] - 2 * b[i - 1] + 2 * b[i + 1] + b[i + 2]) / 8;
      d2[i] = d * d;
      mean += d2[i] / n;
      ms += (b[i] * b[i]) / n;
    }
    if (!(mean > 0)) continue; // a flat lead adds nothing
    const rms = Math.sqrt(ms);
    for (let i = 0; i < n; i++) {
      sq[i] += d2[i] / mean;
      const v = Math.abs(b[i]) / rms;
      if (v > bp[i]) bp[i] = v;
    }
  }
  const mwi = new Float64Array(n);
  const half = Math.floor(win / 2);
  let acc = 0;
  for (let i = 0; i < n + half; i++) {
    if (i < n) acc += sq[i];
    if (i - win >= 0) acc -= sq[i - win];
    const c = i - half;
    if (c >= 0 && c < n) mwi[c] = acc / win;
  }
  // Candidate peaks: local maxima of the integrated signal.
  const cands: number[] = [];
  for (let i = 1; i < n - 1; i++) if (mwi[i] > mwi[i - 1] && mwi[i] >= mwi[i + 1]) cands.push(i);
  // Learning phase over the first 2 s.
  const learn = Math.min(n, Math.round(2 * fs));
  let maxL = 0;
  let sumL = 0;
  for (let i = 0; i < learn; i++) {
    maxL = Math.max(maxL, mwi[i]);
    sumL += mwi[i];
  }
  let spki = 0.25 * maxL;
  let npki = 0.5 * (sumL / learn);
  const qrs: number[] = []; // indices into mwi (integration peaks)
  const slopeAt = (i: number): number => {
    let m = 0;
    for (let t = Math.max(2, i - half); t <= Math.min(n - 3, i + half); t++) m = Math.max(m, sq[t]);
    return m;
  };
  const rrs: number[] = [];
  let lastQrsSlope = 0;
  let ci = 0;
  let searchedAfter = -1;
  const accept = (i: number, fromSearchBack: boolean): void => {
    if (qrs.length > 0) rrs.push(i - qrs[qrs.length - 1]);
    if (rrs.length > 8) rrs.shift();
    qrs.push(i);
    lastQrsSlope = slopeAt(i);
    spki = fromSearchBack ? 0.25 * mwi[i] + 0.75 * spki : 0.125 * mwi[i] + 0.875 * spki;
  };
  while (ci < cands.length) {
    const i = cands[ci++];
    const thr1 = npki + 0.25 * (spki - npki);
    const last = qrs.length > 0 ? qrs[qrs.length - 1] : -Infinity;
    if (mwi[i] > thr1) {
      if (i - last < refractory) {
        // Two peaks inside the refractory period: keep the larger one.
        if (mwi[i] > mwi[last]) {
          qrs.pop();
          if (rrs.length > 0 && qrs.length > 0) rrs.pop();
          accept(i, false);
        }
        continue;
      }
      // T-wave check: a peak soon after a QRS with less than half its slope is a T wave.
      if (i - last < Math.round(0.36 * fs) && slopeAt(i) < 0.5 * lastQrsSlope) {
        npki = 0.125 * mwi[i] + 0.875 * npki;
        continue;
      }
      accept(i, false);
    } else {
      npki = 0.125 * mwi[i] + 0.875 * npki;
    }
    // Search-back: no QRS for 1.66 × the mean RR → take the largest candidate above thr1/2.
    if (rrs.length >= 2 && qrs.length > 0) {
      const rrMean = rrs.reduce((s, v) => s + v, 0) / rrs.length;
      const lastQ = qrs[qrs.length - 1];
      const next = ci < cands.length ? cands[ci] : n;
      if (next - lastQ > 1.66 * rrMean && searchedAfter !== lastQ) {
        searchedAfter = lastQ;
        const from = lastQ + refractory;
        let best = -1;
        for (const c of cands) {
          if (c < from || c >= next) continue;
          if (mwi[c] > 0.5 * thr1 && (best < 0 || mwi[c] > mwi[best])) best = c;
        }
        if (best >= 0 && !qrs.includes(best)) {
          accept(best, true);
          qrs.sort((a, b) => a - b);
        }
      }
    }
  }
  // R peak: the largest |band-passed| sample within half an integration window.
  const peaks = qrs.map((i) => {
    let best = i;
    for (let t = Math.max(0, i - half); t <= Math.min(n - 1, i + half); t++) {
      if (Math.abs(bp[t]) > Math.abs(bp[best])) best = t;
    }
    return best;
  });
  return [...new Set(peaks)].sort((a, b) => a - b);
}

/**
 * The fraction of RR intervals of `peaks` (sorted samples) that look like a missed beat (over
 * 1.6 × the median of the 17 intervals around it) or an extra detection (under 0.6 × it): a
 * label-free check of a detector's output, which a weak or noisy lead makes worse. 0 for fewer
 * than two intervals.
 */
export function implausibleRrFraction(peaks: readonly number[]): number {
  const rr = peaks.slice(1).map((v, i) => v - peaks[i]);
  if (rr.length < 2) return 0;
  let bad = 0;
  for (let i = 0; i < rr.length; i++) {
    const w = rr.slice(Math.max(0, i - 8), i + 9).sort((a, b) => a - b);
    const m = w[w.length >> 1];
    if (rr[i] > 1.6 * m || rr[i] < 0.6 * m) bad++;
  }
  return bad / rr.length;
}
