/**
 * The Holter report as one self-contained HTML page (inline CSS and SVG, no script, no external
 * resource), printable to PDF: figures, urgent findings, warnings, the hourly table and
 * histogram, representative strips with the model's map shading and the beat labels, and the
 * reviewer's sign-off. Every text from a file (record id, lead names, model name) is escaped.
 * The SVG parts are exported for the app's Report screen, so both draw the same pictures.
 */
import { scaleLinear } from 'd3-scale';
import { interpolateCividis } from 'd3-scale-chromatic';
import { esc } from '../evaluate/report';
import { elapsed, timeLabel, type TimePoint } from './burden';
import type { HolterReport, ReportStrip } from './report';

const LABEL_COLOUR: Record<string, string> = {
  N: '#666666',
  S: '#0072B2',
  V: '#D55E00',
  F: '#CC79A7',
  Q: '#999999',
};

const fmt = (x: number | null | undefined, digits = 0): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
const when = (t: TimePoint | null | undefined): string => (t ? esc(timeLabel(t)) : '—');
const hours = (seconds: number): string => `${elapsed(seconds)} (${(seconds / 3600).toFixed(2)} h)`;

function svgOpen(width: number, height: number, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>` +
    `<rect width="${width}" height="${height}" fill="white"/>`
  );
}

/** PVCs per hour (bars, left axis) and the hour's mean heart rate (line, right axis). */
export function hourlySvg(r: Pick<HolterReport, 'hourly'>): string {
  const width = 720;
  const height = 200;
  const m = { l: 44, r: 48, t: 20, b: 34 };
  const n = Math.max(1, r.hourly.length);
  const x = scaleLinear()
    .domain([0, n])
    .range([m.l, width - m.r]);
  const maxPvc = Math.max(1, ...r.hourly.map((h) => h.pvcs));
  const y = scaleLinear()
    .domain([0, maxPvc])
    .nice()
    .range([height - m.b, m.t]);
  const hrs = r.hourly.map((h) => h.hrMeanBpm).filter((v): v is number => v !== null);
  const yHr = scaleLinear()
    .domain([Math.min(40, ...hrs), Math.max(120, ...hrs)])
    .nice()
    .range([height - m.b, m.t]);
  let s = svgOpen(width, height, 'PVCs and mean heart rate per hour');
  const bw = Math.max(1, Math.min(48, x(1) - x(0) - 2));
  r.hourly.forEach((h, i) => {
    const top = y(h.pvcs);
    s += `<rect x="${(x(i + 0.5) - bw / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${bw.toFixed(1)}" height="${(height - m.b - top).toFixed(1)}" fill="${LABEL_COLOUR.V}" fill-opacity="0.75"><title>hour ${i + 1}: ${h.pvcs} PVCs</title></rect>`;
  });
  const pts = r.hourly
    .map((h, i) =>
      h.hrMeanBpm === null ? null : `${x(i + 0.5).toFixed(1)},${yHr(h.hrMeanBpm).toFixed(1)}`,
    )
    .filter((p): p is string => p !== null);
  if (pts.length > 0) {
    s += `<polyline points="${pts.join(' ')}" fill="none" stroke="#0072B2" stroke-width="2"/>`;
    for (const p of pts) {
      const [cx, cy] = p.split(',');
      s += `<circle cx="${cx}" cy="${cy}" r="3" fill="#0072B2"/>`;
    }
  }
  s += `<line x1="${m.l}" x2="${width - m.r}" y1="${height - m.b}" y2="${height - m.b}" stroke="#444"/>`;
  for (const t of y.ticks(4)) {
    s += `<text x="${m.l - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`;
  }
  for (const t of yHr.ticks(4)) {
    s += `<text x="${width - m.r + 6}" y="${(yHr(t) + 4).toFixed(1)}" fill="#0072B2">${t}</text>`;
  }
  const every = Math.max(1, Math.ceil(n / 24));
  r.hourly.forEach((h, i) => {
    if (i % every === 0) {
      const label = h.start.clock ? h.start.clock.slice(-8, -3) : `${i}h`;
      s += `<text x="${x(i + 0.5).toFixed(1)}" y="${height - m.b + 14}" text-anchor="middle">${esc(label)}</text>`;
    }
  });
  s += `<text x="${m.l}" y="12" fill="${LABEL_COLOUR.V}">PVCs per hour</text>`;
  s += `<text x="${width - m.r}" y="12" text-anchor="end" fill="#0072B2">mean HR (bpm)</text>`;
  s += `<text x="${(width / 2).toFixed(0)}" y="${height - 4}" text-anchor="middle">hour of the record</text>`;
  return `${s}</svg>`;
}

/**
 * One strip: each lead's trace (min/max per bucket), shaded under by the model's map (cividis,
 * on the record's one scale), each beat marked with its label (V, S, F, Q coloured; N grey).
 */
export function stripSvg(st: ReportStrip, mapName = 'map'): string {
  const width = 720;
  const leadHeight = 90;
  const m = { l: 56, r: 26, t: 30, b: 22 };
  const nLeads = st.min.length;
  const height = m.t + nLeads * leadHeight + m.b;
  const x = scaleLinear()
    .domain([0, st.nSamples])
    .range([m.l, width - m.r]);
  let s = svgOpen(width, height, st.title);
  // Map shading: √ of the map on the record's one scale (so the sparse peaks of a saliency map
  // stay visible without a per-strip scale), 20 levels, one rectangle per run of equal levels.
  const levels = st.attention.map(
    (a) => Math.round(20 * Math.sqrt(Math.max(0, Math.min(1, a)))) / 20,
  );
  for (let c = 0; c < levels.length;) {
    let e = c;
    while (e + 1 < levels.length && levels[e + 1] === levels[c]) e++;
    const v = levels[c];
    if (v > 0) {
      const x0 = x(c * st.bucketSamples);
      const x1 = x(Math.min(st.nSamples, (e + 1) * st.bucketSamples));
      s += `<rect x="${x0.toFixed(1)}" y="${m.t}" width="${Math.max(0.5, x1 - x0).toFixed(1)}" height="${nLeads * leadHeight}" fill="${interpolateCividis(v)}" fill-opacity="${(0.2 + 0.5 * v).toFixed(2)}"/>`;
    }
    c = e + 1;
  }
  for (let l = 0; l < nLeads; l++) {
    const lo = Math.min(...st.min[l]);
    const hi = Math.max(...st.max[l]);
    const pad = 0.08 * (hi - lo || 1);
    const top = m.t + l * leadHeight;
    const y = scaleLinear()
      .domain([lo - pad, hi + pad])
      .range([top + leadHeight - 4, top + 14]);
    let d = '';
    for (let b = 0; b < st.min[l].length; b++) {
      const bx = x(b * st.bucketSamples).toFixed(1);
      d += `${b === 0 ? 'M' : 'L'}${bx},${y(st.min[l][b]).toFixed(1)}`;
      if (st.max[l][b] !== st.min[l][b]) d += `L${bx},${y(st.max[l][b]).toFixed(1)}`;
    }
    s += `<path d="${d}" fill="none" stroke="#111" stroke-width="0.9"/>`;
    s += `<text x="4" y="${top + leadHeight / 2}">${esc(st.leadNames[l] ?? `lead ${l + 1}`)}</text>`;
  }
  for (const b of st.beats) {
    const bx = x(b.sample - st.startSample).toFixed(1);
    const colour = LABEL_COLOUR[b.label] ?? '#666666';
    s += `<text x="${bx}" y="${m.t - 4}" text-anchor="middle" fill="${colour}" font-weight="${b.label === 'N' ? 'normal' : 'bold'}">${esc(b.label)}</text>`;
    s += `<line x1="${bx}" x2="${bx}" y1="${m.t}" y2="${m.t + 6}" stroke="${colour}"/>`;
  }
  const seconds = st.nSamples / st.fs;
  for (let t = 0; t <= seconds + 1e-9; t++) {
    const tx = x(t * st.fs).toFixed(1);
    s += `<line x1="${tx}" x2="${tx}" y1="${height - m.b}" y2="${height - m.b + 4}" stroke="#444"/>`;
    s += `<text x="${tx}" y="${height - 6}" text-anchor="middle">${esc(elapsed(st.startSample / st.fs + t))}</text>`;
  }
  s += `<text x="${width - m.r}" y="11" text-anchor="end" fill="#555">shading: √ ${esc(mapName)}, one scale for the record</text>`;
  return `${s}</svg>`;
}

/** A row of the figures table. */
const row = (name: string, value: string, at = ''): string =>
  `<tr><th scope="row">${esc(name)}</th><td>${value}</td><td>${at}</td></tr>`;

/** The figures as table rows (shared by the page and the app's screen). */
export function figureRows(r: HolterReport): string {
  const v = r.ventricular;
  const sv = r.supraventricular;
  const run = (x: typeof v.longestRun): string =>
    x ? `${x.beats} beats at ${fmt(x.rateBpm)} bpm` : '—';
  return [
    row(
      'Recording',
      hours(r.durationSeconds),
      r.hourly[0]?.start.clock
        ? `from ${esc(r.hourly[0].start.clock)}`
        : 'times from the record start',
    ),
    row('Analysed', `${hours(r.analysedSeconds)} · ${fmt(r.analysablePercent, 1)} % analysable`),
    row(
      'Total beats',
      String(r.totalBeats),
      r.beatsInExcluded ? `${r.beatsInExcluded} more in excluded stretches` : '',
    ),
    row('Heart rate min', `${fmt(r.heartRate.minimum?.bpm)} bpm`, when(r.heartRate.minimum)),
    row('Heart rate mean', `${fmt(r.heartRate.meanBpm)} bpm`),
    row('Heart rate max', `${fmt(r.heartRate.maximum?.bpm)} bpm`, when(r.heartRate.maximum)),
    row('PVCs', `<strong data-figure="pvc-count">${r.pvcCount}</strong>`),
    row(
      'PVC burden',
      `<strong data-figure="burden">${fmt(r.burdenPercent, 2)} %</strong>`,
      `${r.pvcCount} / ${r.totalBeats} beats`,
    ),
    row('Isolated PVCs', String(v.isolated)),
    row('Couplets', String(v.couplets)),
    row('Ventricular runs (≥ 3)', String(v.runs)),
    row('Longest run', run(v.longestRun), when(v.longestRun?.start)),
    row('Fastest run', run(v.fastestRun), when(v.fastestRun?.start)),
    row('Bigeminy episodes', String(r.bigeminy.episodes), `${r.bigeminy.cycles} cycles`),
    row('Trigeminy episodes', String(r.trigeminy.episodes), `${r.trigeminy.cycles} cycles`),
    row(
      'AF/flutter burden',
      r.af.verdict
        ? `<strong data-figure="af-burden">${fmt(r.afBurdenPercent, 1)} %</strong>`
        : '<span data-figure="af-burden">no verdict</span>',
      r.af.verdict ? `${r.af.episodes} episodes · ${hours(r.af.seconds)}` : 'record too short',
    ),
    row(
      'Longest AF/flutter',
      r.af.longest ? hours(r.af.longest.durationSeconds) : '—',
      r.af.longest ? esc(elapsed(r.af.longest.startSeconds)) : '',
    ),
    row('Fastest rate in AF', `${fmt(r.af.fastestRateBpm)} bpm`),
    row(
      'SVEBs',
      String(sv.count),
      `${sv.isolated} isolated · ${sv.couplets} couplets (none inside AF)`,
    ),
    row('SVEB runs (≥ 3)', String(sv.runs), sv.longestRun ? `longest ${run(sv.longestRun)}` : ''),
    row(
      `Pauses ≥ ${r.pauses.thresholdSeconds} s`,
      String(r.pauses.count),
      r.pauses.longest
        ? `longest ${r.pauses.longest.seconds.toFixed(2)} s at ${when(r.pauses.longest.start)}`
        : '',
    ),
  ].join('');
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:12px;color:#1a1a1a;margin:24px;max-width:760px}
h1{font-size:18px;margin:0 0 4px}h2{font-size:14px;margin:18px 0 6px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%}th,td{padding:2px 6px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
th[scope=row]{font-weight:normal;color:#444;width:34%}td.n,th.n{text-align:right}
.meta{color:#555}.urgent{border:2px solid #a00;background:#fff0f0;padding:6px 10px;color:#700}
.warn{color:#7a5200}.strip{page-break-inside:avoid;margin-bottom:10px}
.sign td{height:26px}.foot{color:#666;margin-top:18px;font-size:11px}
@page{size:A4;margin:14mm}@media print{body{margin:0}}
`;

/** The rhythm episode table (report.html and the app's Report screen). */
export function episodeTable(r: Pick<HolterReport, 'episodes'>): string {
  return `<table data-testid="episodes"><thead><tr><th>Rhythm</th><th>From</th><th>To</th><th class="n">Duration</th><th class="n">Mean rate</th><th class="n">Max rate</th><th class="n">Beats</th></tr></thead><tbody>${r.episodes
    .map(
      (e) =>
        `<tr><td>${esc(e.rhythm)}</td><td>${esc(elapsed(e.startSeconds))}</td><td>${esc(elapsed(e.endSeconds))}</td><td class="n">${e.durationSeconds.toFixed(1)} s</td><td class="n">${fmt(e.meanRateBpm)}</td><td class="n">${fmt(e.maxRateBpm)}</td><td class="n">${e.nBeats}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

/** The whole page. */
export function reportHtml(r: HolterReport): string {
  const mapName = r.mapSource === 'attention' ? "model's attention" : 'gradient × input';
  const version = r.model.codeCommit
    ? `code ${r.model.codeCommit.slice(0, 12)}`
    : 'code version not recorded';
  const urgent = r.urgent.length
    ? `<div class="urgent" data-testid="urgent"><strong>Urgent findings</strong><ul>${r.urgent.map((u) => `<li>${esc(u.message)}</li>`).join('')}</ul></div>`
    : '';
  const warnings = r.warnings.length
    ? `<h2>Warnings</h2><ul class="warn">${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`
    : '';
  const hourly = r.hourly
    .map(
      (h) =>
        `<tr><td>${h.hour + 1}</td><td>${when(h.start)}</td><td class="n">${fmt(h.analysedSeconds / 60, 1)}</td><td class="n">${h.beats}</td><td class="n">${h.pvcs}</td><td class="n">${h.sveb}</td><td class="n">${fmt(h.afMinutes, 1)}</td><td class="n">${fmt(h.hrMeanBpm)}</td></tr>`,
    )
    .join('');
  const excluded = r.excluded.length
    ? `<h2>Excluded stretches</h2><table><thead><tr><th>From</th><th>To</th><th>Duration</th></tr></thead><tbody>${r.excluded
        .map(
          (x) =>
            `<tr><td>${when(x.start)}</td><td>${when(x.end)}</td><td>${x.seconds.toFixed(1)} s</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const episodes = r.episodes.length ? `<h2>Rhythm episodes</h2>${episodeTable(r)}` : '';
  const strips = r.strips
    .map((s) => `<div class="strip"><h3>${esc(s.title)}</h3>${stripSvg(s, mapName)}</div>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Holter report · record ${esc(r.recordId)}</title><style>${CSS}</style></head>
<body>
<h1>Holter report · record <span data-testid="record-id">${esc(r.recordId)}</span></h1>
<p class="meta">Model: <strong>${esc(r.model.name)}</strong> (${esc(r.model.method)}, ${esc(version)}, saved ${esc(r.model.savedAt)}) ·
beats: ${r.beatSource === 'annotations' ? "the record's annotations" : 'QRS detector'} · labels: ${r.reviewedBeats ? `${r.reviewedBeats} set by the reviewer, the rest by the model` : "the model's"} ·
generated ${esc(r.generatedAt)}</p>
${urgent}
<h2>Summary</h2><table>${figureRows(r)}</table>
${warnings}
<h2>Hour by hour</h2>${hourlySvg(r)}
<table><thead><tr><th>Hour</th><th>From</th><th class="n">Analysed (min)</th><th class="n">Beats</th><th class="n">PVCs</th><th class="n">SVEBs</th><th class="n">AF (min)</th><th class="n">Mean HR</th></tr></thead><tbody>${hourly}</tbody></table>
${episodes}
${excluded}
<h2>Strips</h2>${strips || '<p>No event to show.</p>'}
<h2>Sign-off</h2>
<table class="sign"><tr><th scope="row">Reviewer</th><td data-testid="reviewer">${esc(r.reviewer ?? '')}</td></tr>
<tr><th scope="row">Signed off</th><td data-testid="signed-off">${esc(r.signedOffAt ?? '')}</td></tr>
<tr><th scope="row">Signature</th><td></td></tr></table>
<p class="foot">beatlens Holter report (${esc(r.format)} v${r.formatVersion}). Figures are defined in docs/holter-report.md.
Heart rate over ${r.heartRate.windowBeats}-beat windows; pauses are RR intervals ≥ ${r.pauses.thresholdSeconds} s. Research software: not a medical device.</p>
</body></html>
`;
}
