/**
 * Reports of the ablations and localisation evaluations: markdown tables and standalone SVG
 * figures (strings; d3 for scales and paths only, no DOM). Colours: Okabe–Ito for lines and
 * viridis for attention shading, both colour-blind safe.
 */
import { extent, max as d3max } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { interpolateViridis } from 'd3-scale-chromatic';
import { line } from 'd3-shape';
import type { AblationResult, ExampleSegment, VariantResult } from './ablate';
import { PAPER_GRADE_PERCENT, type MeanStd } from './localisation';
import type { MapSource } from './pipeline';

/** Okabe–Ito palette (colour-blind safe). */
export const OKABE_ITO = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#000000',
];

const SOURCE_NAMES: Record<MapSource, string> = {
  attention: 'attention',
  gradxinput: 'gradient × input',
  gradcam: 'Grad-CAM',
};

/** "0.912 ± 0.031" (NaN → "n/a"). */
export function fmtMeanStd(m: MeanStd | undefined, digits = 3): string {
  if (!m || !Number.isFinite(m.mean)) return 'n/a';
  return `${m.mean.toFixed(digits)} ± ${m.std.toFixed(digits)}`;
}

const pct = (v: number): string => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');

/** Two markdown tables: segment classification, and beat localisation per map source. */
export function ablationMarkdown(r: AblationResult): string {
  const out: string[] = [];
  out.push(
    `Sweep **${r.sweep}** on ${r.dataName}: ${r.nSegments} segments (${r.classes.join('/')}), ` +
      `${r.nLeads} leads × ${r.nSamples} samples at ${r.fs} Hz; ${r.folds}-fold CV` +
      `${r.grouped ? ' grouped by patient' : ''}, preset ${r.preset.name} (${r.preset.epochs} epochs), ` +
      `width ×${r.width}, seed ${r.seed}; ${r.seconds.toFixed(0)} s. Mean ± std over folds.`,
  );
  out.push('');
  out.push('| variant | method | pooling | kernel | accuracy | specificity | sensitivity | AUC |');
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const v of r.variants) {
    out.push(
      `| ${v.name} | ${v.method} | ${v.pooling} | ${v.kernelSamples} | ${fmtMeanStd(v.summary.accuracy)} | ` +
        `${fmtMeanStd(v.summary.specificity)} | ${fmtMeanStd(v.summary.sensitivity)} | ${fmtMeanStd(v.summary.aucMacro)} |`,
    );
  }
  out.push('');
  out.push(
    '| variant | map | beat AUROC (pooled) | beat AUROC (per segment) | pointing game | grade I:II:III (%) |',
  );
  out.push('| --- | --- | --- | --- | --- | --- |');
  for (const v of r.variants) {
    for (const [source, s] of Object.entries(v.summary.localisation)) {
      if (!s) continue;
      const g = s.pooledGradePercent;
      out.push(
        `| ${v.name} | ${SOURCE_NAMES[source as MapSource]} | ${fmtMeanStd(s.pooledAuroc)} | ` +
          `${fmtMeanStd(s.meanSegmentAuroc)} | ${fmtMeanStd(s.pointingGame)} | ${pct(g.I)}:${pct(g.II)}:${pct(g.III)} |`,
      );
    }
  }
  const p = PAPER_GRADE_PERCENT;
  out.push(`| paper (human raters) | attention | — | — | — | ${p.I}:${p.II}:${p.III} |`);
  return out.join('\n') + '\n';
}

/** Escapes text for HTML and SVG (element content and quoted attributes). */
export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function svgOpen(width: number, height: number, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">` +
    `<title>${esc(title)}</title><rect width="${width}" height="${height}" fill="white"/>`
  );
}

function axisTicks(
  scale: (v: number) => number,
  ticks: number[],
  orient: 'x' | 'y',
  at: number,
  fmt: (v: number) => string,
): string {
  return ticks
    .map((t) => {
      const p = scale(t);
      return orient === 'x'
        ? `<line x1="${p}" x2="${p}" y1="${at}" y2="${at + 4}" stroke="#444"/>` +
            `<text x="${p}" y="${at + 15}" text-anchor="middle">${fmt(t)}</text>`
        : `<line x1="${at - 4}" x2="${at}" y1="${p}" y2="${p}" stroke="#444"/>` +
            `<text x="${at - 6}" y="${p + 4}" text-anchor="end">${fmt(t)}</text>`;
    })
    .join('');
}

/** One line of a curves figure: a name and the per-epoch history of each of its folds. */
export interface CurveSeries {
  name: string;
  folds: ReadonlyArray<{ history: ReadonlyArray<Record<CurveKey, number>> }>;
}
type CurveKey = 'trainLoss' | 'valLoss' | 'valAccuracy';

/** Per-epoch mean over folds of one history field (folds may have different lengths). */
function meanCurve(v: CurveSeries, key: CurveKey): number[] {
  const nEpochs = Math.max(...v.folds.map((f) => f.history.length));
  return Array.from({ length: nEpochs }, (_, e) => {
    const vals = v.folds.map((f) => f.history[e]?.[key]).filter((x) => Number.isFinite(x));
    return vals.length ? vals.reduce((s, x) => s + (x as number), 0) / vals.length : NaN;
  });
}

/**
 * The paper's Fig. 2: training loss, validation loss and validation accuracy per epoch, one
 * line per variant (mean over folds), three panels side by side.
 */
export function curvesSvg(r: AblationResult): string {
  return curvesSeriesSvg(`Fig. 2-style curves: ${r.sweep} sweep on ${r.dataName}`, r.variants);
}

/** Fig. 2-style panels (training loss, validation loss, validation accuracy) for any series. */
export function curvesSeriesSvg(title: string, variants: readonly CurveSeries[]): string {
  const r = { variants };
  const panels: Array<['trainLoss' | 'valLoss' | 'valAccuracy', string]> = [
    ['trainLoss', 'training loss'],
    ['valLoss', 'validation loss'],
    ['valAccuracy', 'validation accuracy'],
  ];
  const pw = 260;
  const ph = 200;
  const m = { l: 48, r: 12, t: 24, b: 36 };
  const width = panels.length * (pw + m.l + m.r);
  const height = ph + m.t + m.b + 22;
  let s = svgOpen(width, height, title);
  panels.forEach(([key, panelTitle], k) => {
    const x0 = k * (pw + m.l + m.r) + m.l;
    const curves = r.variants.map((v) => meanCurve(v, key));
    const nEpochs = Math.max(...curves.map((c) => c.length));
    const all = curves.flat().filter((v) => Number.isFinite(v));
    const [lo, hi] = extent(all) as [number, number];
    const x = scaleLinear()
      .domain([1, Math.max(2, nEpochs)])
      .range([x0, x0 + pw]);
    const y = scaleLinear()
      .domain(key === 'valAccuracy' ? [Math.min(0.4, lo ?? 0), 1] : [0, (hi ?? 1) * 1.05 || 1])
      .range([m.t + ph, m.t])
      .nice();
    s += `<text x="${x0 + pw / 2}" y="${m.t - 8}" text-anchor="middle" font-weight="bold">${panelTitle}</text>`;
    s += `<line x1="${x0}" x2="${x0 + pw}" y1="${m.t + ph}" y2="${m.t + ph}" stroke="#444"/>`;
    s += `<line x1="${x0}" x2="${x0}" y1="${m.t}" y2="${m.t + ph}" stroke="#444"/>`;
    s += axisTicks(
      x,
      x.ticks(Math.min(6, nEpochs)).filter(Number.isInteger),
      'x',
      m.t + ph,
      String,
    );
    s += axisTicks(y, y.ticks(5), 'y', x0, (v) => v.toFixed(2));
    s += `<text x="${x0 + pw / 2}" y="${m.t + ph + 30}" text-anchor="middle">epoch</text>`;
    curves.forEach((c, i) => {
      const path = line<number>()
        .digits(1)
        .defined((v) => Number.isFinite(v))
        .x((_, e) => x(e + 1))
        .y((v) => y(v))(c);
      if (path) {
        s += `<path d="${path}" fill="none" stroke="${OKABE_ITO[i % OKABE_ITO.length]}" stroke-width="2"/>`;
      }
    });
  });
  // Legend.
  r.variants.forEach((v, i) => {
    const lx = m.l + i * 130;
    const ly = height - 8;
    s += `<line x1="${lx}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="${OKABE_ITO[i % OKABE_ITO.length]}" stroke-width="3"/>`;
    s += `<text x="${lx + 25}" y="${ly}">${esc(v.name)}</text>`;
  });
  return s + '</svg>';
}

/**
 * The paper's Fig. 3: one segment's first lead with its attention (or saliency) as shading under
 * the trace (viridis, darker = low), annotated abnormal beats marked with a red-orange triangle
 * and their symbol, normal beats with a small grey tick.
 */
export function exampleSvg(ex: ExampleSegment, fs: number, title?: string): string {
  const width = 760;
  const height = 190;
  const m = { l: 40, r: 70, t: 26, b: 30 };
  const n = ex.signal.length;
  const x = scaleLinear()
    .domain([0, Math.max(1, n - 1) / fs])
    .range([m.l, width - m.r]);
  const [lo, hi] = extent(ex.signal) as [number, number];
  const y = scaleLinear()
    .domain([lo ?? -1, (hi ?? 1) + 0.15 * ((hi ?? 1) - (lo ?? -1))])
    .range([height - m.b, m.t]);
  const mapMax = d3max(ex.map) || 1;
  const heading =
    title ??
    `segment ${ex.segmentIndex}: label ${ex.label}, predicted ${ex.predicted} (p=${ex.probability.toFixed(2)}), ${SOURCE_NAMES[ex.source]}`;
  let s = svgOpen(width, height, heading);
  s += `<text x="${m.l}" y="14" font-weight="bold">${esc(heading)}</text>`;
  // Shading: ~2 px cells, quantised to 20 levels, equal neighbours merged into one rectangle.
  const step = Math.max(1, Math.floor(n / ((width - m.l - m.r) / 2)));
  const levels: number[] = [];
  for (let t = 0; t < n; t += step) {
    let a = 0;
    for (let k = t; k < Math.min(n, t + step); k++) a = Math.max(a, ex.map[k]);
    levels.push(Math.round((20 * a) / mapMax) / 20);
  }
  for (let c = 0; c < levels.length;) {
    let e = c;
    while (e + 1 < levels.length && levels[e + 1] === levels[c]) e++;
    const v = levels[c];
    const x0 = x((c * step) / fs);
    const x1 = x(Math.min(n - 1, (e + 1) * step) / fs);
    s += `<rect x="${x0.toFixed(1)}" y="${m.t}" width="${(x1 - x0 + 0.3).toFixed(1)}" height="${height - m.t - m.b}" fill="${interpolateViridis(v)}" fill-opacity="${(0.15 + 0.6 * v).toFixed(2)}"/>`;
    c = e + 1;
  }
  const path = line<number>()
    .digits(1)
    .x((_, t) => x(t / fs))
    .y((v) => y(v))(ex.signal);
  s += `<path d="${path}" fill="none" stroke="#111" stroke-width="1"/>`;
  for (const b of ex.beats) {
    if (b.position >= n) continue;
    const bx = x(b.position / fs);
    if (b.aami !== 'N') {
      s += `<path d="M${bx - 6},${m.t - 2} L${bx + 6},${m.t - 2} L${bx},${m.t + 8} Z" fill="#D55E00"/>`;
      s += `<text x="${bx + 8}" y="${m.t + 6}" fill="#D55E00" font-weight="bold">${esc(b.symbol)}</text>`;
    } else {
      s += `<line x1="${bx}" x2="${bx}" y1="${height - m.b}" y2="${height - m.b + 6}" stroke="#666"/>`;
    }
  }
  s += `<line x1="${m.l}" x2="${width - m.r}" y1="${height - m.b}" y2="${height - m.b}" stroke="#444"/>`;
  s += axisTicks(x, x.ticks(8), 'x', height - m.b, (v) => `${v.toFixed(1)}`);
  s += `<text x="${width - m.r + 4}" y="${height - m.b + 15}">s</text>`;
  // Colour legend.
  const lx = width - m.r + 12;
  for (let k = 0; k < 10; k++) {
    const v = 1 - k / 9;
    s += `<rect x="${lx}" y="${m.t + k * 12}" width="12" height="12" fill="${interpolateViridis(v)}" fill-opacity="${(0.15 + 0.6 * v).toFixed(2)}"/>`;
  }
  s += `<text x="${lx + 16}" y="${m.t + 9}">high</text><text x="${lx + 16}" y="${m.t + 117}">low</text>`;
  return s + '</svg>';
}

/** Fig. 5-style: accuracy, AUC, beat AUROC and % Class I against the kernel size. */
export function kernelSweepSvg(r: AblationResult): string {
  const series: Array<[string, (v: VariantResult) => number]> = [
    ['accuracy', (v) => v.summary.accuracy.mean],
    ['AUC', (v) => v.summary.aucMacro.mean],
    ['specificity', (v) => v.summary.specificity.mean],
    ['beat AUROC', (v) => v.summary.localisation.attention?.pooledAuroc.mean ?? NaN],
    ['Class I share', (v) => (v.summary.localisation.attention?.pooledGradePercent.I ?? NaN) / 100],
  ];
  return sweepSvg({
    title: `Kernel-size sweep on ${r.dataName}`,
    heading: `kernel-size sweep (${r.fs} Hz)`,
    xLabel: 'kernel (samples)',
    xs: r.variants.map((v) => v.kernelSamples),
    series: series.map(([name, f]) => ({ name, values: r.variants.map(f) })),
  });
}

/** Lines of values in 0..1 against one x per point (a sweep), with a legend. */
export function sweepSvg(o: {
  title: string;
  heading: string;
  xLabel: string;
  xs: readonly number[];
  series: ReadonlyArray<{ name: string; values: readonly number[] }>;
}): string {
  const width = 520;
  const height = 280;
  const m = { l: 48, r: 150, t: 28, b: 40 };
  const ks = [...o.xs];
  const x = scaleLinear()
    .domain(extent(ks) as [number, number])
    .range([m.l, width - m.r]);
  const y = scaleLinear()
    .domain([0, 1])
    .range([height - m.b, m.t]);
  let s = svgOpen(width, height, o.title);
  s += `<text x="${m.l}" y="16" font-weight="bold">${esc(o.heading)}</text>`;
  s += `<line x1="${m.l}" x2="${width - m.r}" y1="${height - m.b}" y2="${height - m.b}" stroke="#444"/>`;
  s += `<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${height - m.b}" stroke="#444"/>`;
  s += axisTicks(x, ks, 'x', height - m.b, String);
  s += axisTicks(y, y.ticks(5), 'y', m.l, (v) => v.toFixed(1));
  s += `<text x="${(m.l + width - m.r) / 2}" y="${height - 6}" text-anchor="middle">${esc(o.xLabel)}</text>`;
  o.series.forEach(({ name, values }, i) => {
    const c = OKABE_ITO[i % OKABE_ITO.length];
    const vals = [...values];
    const path = line<number>()
      .defined((v) => Number.isFinite(v))
      .x((_, k) => x(ks[k]))
      .y((v) => y(v))(vals);
    if (path) s += `<path d="${path}" fill="none" stroke="${c}" stroke-width="2"/>`;
    vals.forEach((v, k) => {
      if (Number.isFinite(v)) s += `<circle cx="${x(ks[k])}" cy="${y(v)}" r="3" fill="${c}"/>`;
    });
    s += `<line x1="${width - m.r + 10}" x2="${width - m.r + 28}" y1="${m.t + 8 + i * 16}" y2="${m.t + 8 + i * 16}" stroke="${c}" stroke-width="3"/>`;
    s += `<text x="${width - m.r + 32}" y="${m.t + 12 + i * 16}">${esc(name)}</text>`;
  });
  return s + '</svg>';
}
