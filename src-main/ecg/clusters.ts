/**
 * Beat morphology: the one clustering of beats by QRS shape and the one Pearson correlation of
 * beat shapes, used by the scan's beat rule (src-main/infer/beat-rule.ts, infer-record.ts) and by
 * the review's template view (src-main/ecg/templates.ts).
 */

export interface ClusterOptions {
  /** Correlation with a cluster's template needed to join it (default 0.9). */
  minCorrelation?: number;
  /** Largest number of clusters; past it a beat joins the closest one (default 48). */
  maxClusters?: number;
  /** Members whose mean forms a cluster's template (default 32). */
  templateMembers?: number;
}

/**
 * Leader clustering of equally long beat shapes in the order given (time order for beats): a
 * beat joins the cluster whose template (the mean of its first `templateMembers` members) it
 * correlates with best when that reaches `minCorrelation`, else it starts a new cluster (up to
 * `maxClusters`; past that it joins the closest). Returns each shape's cluster index (clusters
 * numbered by first appearance). Deterministic.
 */
export function clusterShapes(
  shapes: readonly Float32Array[],
  options: ClusterOptions = {},
): Int32Array {
  const minCorrelation = options.minCorrelation ?? 0.9;
  const maxClusters = options.maxClusters ?? 48;
  const templateMembers = options.templateMembers ?? 32;
  const out = new Int32Array(shapes.length);
  if (shapes.length === 0) return out;
  const len = shapes[0].length;
  const sums: Float64Array[] = [];
  const counts: number[] = [];
  const templates: Float64Array[] = []; // zero-mean, unit-norm
  const unit = new Float64Array(len);
  shapes.forEach((shape, i) => {
    if (!normalise(shape, unit)) {
      out[i] = 0; // a flat shape: the first cluster, it matches nothing
      if (templates.length === 0) addCluster(shape);
      return;
    }
    let best = -1;
    let bestR = -Infinity;
    templates.forEach((t, c) => {
      let r = 0;
      for (let k = 0; k < len; k++) r += unit[k] * t[k];
      if (r > bestR) {
        bestR = r;
        best = c;
      }
    });
    if (best < 0 || (bestR < minCorrelation && templates.length < maxClusters)) {
      best = addCluster(shape);
    } else if (counts[best] < templateMembers) {
      for (let k = 0; k < len; k++) sums[best][k] += shape[k];
      counts[best]++;
      normalise(sums[best], templates[best]);
    }
    out[i] = best;
  });
  return out;

  function addCluster(shape: Float32Array): number {
    sums.push(Float64Array.from(shape));
    counts.push(1);
    const t = new Float64Array(len);
    normalise(shape, t);
    templates.push(t);
    return templates.length - 1;
  }
}

/** Zero-mean, unit-norm copy of `x` into `out`; false when `x` is constant. */
function normalise(x: ArrayLike<number>, out: Float64Array): boolean {
  const n = x.length;
  let m = 0;
  for (let k = 0; k < n; k++) m += x[k];
  m /= n;
  let ss = 0;
  for (let k = 0; k < n; k++) {
    out[k] = x[k] - m;
    ss += out[k] * out[k];
  }
  if (!(ss > 0)) return false;
  const inv = 1 / Math.sqrt(ss);
  for (let k = 0; k < n; k++) out[k] *= inv;
  return true;
}

/** Pearson correlation (NaN when either side is constant). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}
