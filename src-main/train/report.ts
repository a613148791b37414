/**
 * Table-1-style summaries of cross-validation runs (method × accuracy / specificity /
 * sensitivity / AUC, mean ± sample std over folds) in markdown, and flat exports (CSV / JSON).
 */
import { formatCsv } from '../csv';
import type { MeanStd } from './metrics';
import type { CvConfig, CvResult } from './cross-validation';

/** The paper's PVC-vs-APB figures for the joint model (L2 pooling); only these two are quoted. */
export const PAPER_PVC_APB = { method: 'joint (paper, L2)', accuracy: 0.988, auc: 0.993 };

const pct = (m: MeanStd): string => `${(100 * m.mean).toFixed(2)} ± ${(100 * m.std).toFixed(2)}`;
const auc = (m: MeanStd): string => `${m.mean.toFixed(4)} ± ${m.std.toFixed(4)}`;

function describe(c: CvConfig): string {
  const protocol =
    c.protocol === 'stratified'
      ? `${c.k}-fold stratified by class (segments)`
      : c.protocol === 'patient'
        ? `${c.k}-fold patient-wise (grouped, stratified)`
        : 'inter-patient DS1 → DS2 (de Chazal)';
  return `dataset ${c.dataset}, task ${c.task}, ${protocol}, preset ${c.preset.name} (Adam ${c.preset.learningRate}, ${c.preset.epochs} epochs, batch ${c.preset.batchSize}), seed ${c.seed}`;
}

/** Markdown table with one row per run plus the paper's row when the task is PVC/APB. */
export function cvTableMarkdown(runs: CvResult[]): string {
  const lines: string[] = [];
  const c0 = runs[0].meta.config;
  lines.push(`Cross-validation: ${describe(c0)}; backend ${runs[0].meta.backend.name}.`);
  const positive = runs[0].folds[0]?.metrics.positiveClass ?? null;
  lines.push(
    `Mean ± sample std (n − 1) over folds; sensitivity/specificity ${positive ? `w.r.t. ${positive}` : 'averaged over classes (one vs rest)'}.`,
  );
  lines.push('');
  lines.push(
    '| Method | Pooling | Accuracy (%) | Specificity (%) | Sensitivity (%) | ROC AUC | Folds |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of runs) {
    const s = r.summary;
    // Window pooling belongs to the segmenter: the classifier and the MIL head have none.
    const { method } = r.meta.config;
    const pooling = method === 'classifier' || method === 'mil' ? '—' : r.meta.config.pooling;
    lines.push(
      `| ${r.meta.config.method} | ${pooling} | ${pct(s.accuracy)} | ${pct(s.specificity)} | ${pct(s.sensitivity)} | ${auc(s.aucMacro)} | ${r.folds.length} |`,
    );
  }
  if (c0.task === 'pvc-apb') {
    lines.push(
      `| ${PAPER_PVC_APB.method} | l2 | ${(100 * PAPER_PVC_APB.accuracy).toFixed(1)} | — | — | ${PAPER_PVC_APB.auc} | 5 |`,
    );
    lines.push('');
    lines.push(
      'The paper row is the published MIT-BIH figure, not a result of this run; compare only rows computed on the same data.',
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface FlatFoldRow {
  run: string;
  method: string;
  pooling: string;
  protocol: string;
  fold: number | 'mean' | 'std';
  accuracy: number;
  specificity: number;
  sensitivity: number;
  aucMacro: number;
  nTest: number | null;
}

/** One row per fold plus mean and std rows, for CSV / JSON export. */
export function flattenRun(r: CvResult): FlatFoldRow[] {
  const c = r.meta.config;
  const base = { run: r.meta.runId, method: c.method, pooling: c.pooling, protocol: c.protocol };
  const rows: FlatFoldRow[] = r.folds.map((f) => ({
    ...base,
    fold: f.fold,
    accuracy: f.metrics.accuracy,
    specificity: f.metrics.specificity,
    sensitivity: f.metrics.sensitivity,
    aucMacro: f.metrics.aucMacro,
    nTest: f.nTest,
  }));
  for (const stat of ['mean', 'std'] as const) {
    rows.push({
      ...base,
      fold: stat,
      accuracy: r.summary.accuracy[stat],
      specificity: r.summary.specificity[stat],
      sensitivity: r.summary.sensitivity[stat],
      aucMacro: r.summary.aucMacro[stat],
      nTest: null,
    });
  }
  return rows;
}

/** RFC 4180 CSV of flattened rows (header first). */
export function toCsv(rows: FlatFoldRow[]): string {
  const cols = Object.keys(rows[0] ?? {}) as Array<keyof FlatFoldRow>;
  return formatCsv(
    cols,
    rows.map((r) => cols.map((k) => r[k])),
  );
}
