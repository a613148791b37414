/**
 * Writes evaluation results to a folder: JSON (the full result with its resolved config and
 * package versions), a markdown table and SVG figures. Files are written atomically.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageVersions, writeFileAtomic, writeJsonAtomic } from '../train/run-info';
import type { AblationResult } from './ablate';
import type { LocalisationSummary } from './localisation';
import { summariseFolds } from './localisation';
import { ablationMarkdown, curvesSvg, exampleSvg, fmtMeanStd, kernelSweepSvg } from './report';

/** NaN/Infinity become null in JSON. */
const finite = (_k: string, v: unknown): unknown =>
  typeof v === 'number' && !Number.isFinite(v) ? null : v;

/** Writes ablation.json, ablation.md, curves.svg, (kernel-sweep.svg) and example SVGs. */
export function writeAblationReport(
  r: AblationResult,
  outDir: string,
  extra: Record<string, unknown> = {},
): string[] {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, text: string): void => {
    writeFileAtomic(join(outDir, name), text);
    files.push(join(outDir, name));
  };
  put(
    'ablation.json',
    JSON.stringify({ ...r, ...extra, packageVersions: packageVersions() }, finite),
  );
  put('ablation.md', ablationMarkdown(r));
  put('curves.svg', curvesSvg(r));
  if (r.sweep === 'kernel') put('kernel-sweep.svg', kernelSweepSvg(r));
  for (const v of r.variants) {
    const count = new Map<string, number>();
    for (const ex of v.examples) {
      const i = count.get(ex.source) ?? 0;
      count.set(ex.source, i + 1);
      const variant = v.name.replace(/[^A-Za-z0-9_-]+/g, '');
      put(`example-${variant}-${ex.source}-${i}.svg`, exampleSvg(ex, r.fs));
    }
  }
  return files;
}

/** Markdown for per-fold localisation summaries of a stored run. */
export function foldLocalisationMarkdown(title: string, folds: LocalisationSummary[]): string {
  const s = summariseFolds(folds);
  const rows = folds.map(
    (f, i) =>
      `| ${i} | ${f.nSegments} | ${f.nBeats} | ${f.pooledAuroc.toFixed(3)} | ${f.meanSegmentAuroc.toFixed(3)} | ${f.pointingGame.toFixed(3)} | ${f.gradeCounts.I}:${f.gradeCounts.II}:${f.gradeCounts.III} |`,
  );
  const g = s.pooledGradePercent;
  return [
    title,
    '',
    '| fold | segments | beats | beat AUROC (pooled) | beat AUROC (per segment) | pointing game | grade I:II:III |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    `| mean ± std | | | ${fmtMeanStd(s.pooledAuroc)} | ${fmtMeanStd(s.meanSegmentAuroc)} | ${fmtMeanStd(s.pointingGame)} | ${g.I.toFixed(0)}:${g.II.toFixed(0)}:${g.III.toFixed(0)} % (paper 50:27:23) |`,
    '',
  ].join('\n');
}

export function writeJson(path: string, value: unknown): void {
  writeJsonAtomic(path, JSON.parse(JSON.stringify(value, finite)));
}
