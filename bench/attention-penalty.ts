/**
 * Ablation of the attention sparsity penalty (src-main/model/regularisers.ts): the joint model
 * (L2 pooling, k = 150 at 360 Hz) cross-validated on synthetic PVC/APB data with the same folds,
 * seed and training loop as `beatlens ablate` (H8's runAblation), for several penalty weights λ.
 * Prints a markdown table: classification and beat-level localisation of the attention, mean ± std
 * over folds, with the per-fold beat AUROC. Also prints how well RR timing alone separates the
 * classes (the suspected shortcut that lets the classifier decide from normal beats).
 *
 *   npx tsx bench/attention-penalty.ts --lambdas 0,0.3,1 --kind mean-max,batch-mean-max --segments 64 \
 *     --folds 3 --width 0.25 --preset tiny --seed 1 [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { synthesizeDataset } from '../src-main/ecg/synthetic';
import type { SegmentDataset } from '../src-main/ecg/types';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateCvFolds } from '../src-main/evaluate/cv-run';
import { auroc, meanStd, scoreSegment, summariseFolds } from '../src-main/evaluate/localisation';
import { scoreMaps } from '../src-main/evaluate/pipeline';
import { runCrossValidation } from '../src-main/train/cross-validation';
import { summarizeFolds } from '../src-main/train/metrics';
import { fmtMeanStd } from '../src-main/evaluate/report';
import { initBackend } from '../src-main/model/backend';
import type { AttentionPenaltyKind } from '../src-main/model/regularisers';
import { getPreset } from '../src-main/train/presets';

const { values: a } = parseArgs({
  options: {
    lambdas: { type: 'string', default: '0,0.3,1' },
    kind: { type: 'string', default: 'mean-max' },
    complement: { type: 'string', default: '0' },
    segments: { type: 'string', default: '64' },
    folds: { type: 'string', default: '3' },
    width: { type: 'string', default: '0.25' },
    preset: { type: 'string', default: 'tiny' },
    epochs: { type: 'string' },
    seed: { type: 'string', default: '1' },
    method: { type: 'string', default: 'joint' },
    json: { type: 'string' },
  },
});

/**
 * RR-only separability: per segment, the longest RR interval over the median RR (a PVC's full
 * compensatory pause vs an APB's reset), from the annotated R peaks only — no morphology. Its
 * AUROC for PVC vs APB says whether timing alone decides the class.
 */
function rrOnlyAuroc(ds: SegmentDataset): number {
  const pvc = ds.classes.indexOf('PVC');
  const feature = ds.meta.map((m) => {
    const r = m.beats.map((b) => b.position);
    const rr = r.slice(1).map((p, i) => p - r[i]);
    if (rr.length < 2) return 1;
    const sorted = [...rr].sort((x, y) => x - y);
    return Math.max(...rr) / sorted[Math.floor(sorted.length / 2)];
  });
  const pos = feature.filter((_, i) => ds.y[i] === pvc);
  const neg = feature.filter((_, i) => ds.y[i] !== pvc);
  return auroc(pos, neg);
}

const seed = Number(a.seed);
const nSegments = Number(a.segments);
// λ = 0 once, then every kind with every λ > 0: one process, so every row runs the same code.
// --complement λc,...: each setting again with the complement (deletion-game) penalty λc.
const settings: { lambda: number; kind: AttentionPenaltyKind; lc: number }[] = [];
for (const lc of a.complement!.split(',').map(Number)) {
  for (const kind of a.kind!.split(',') as AttentionPenaltyKind[]) {
    for (const lambda of a.lambdas!.split(',').map(Number)) {
      if (lambda > 0 || !settings.some((x) => x.lambda === 0 && x.lc === lc)) {
        settings.push({ lambda, kind, lc });
      }
    }
  }
}
const label = (lambda: number, kind: string, lc: number): string =>
  `${lambda ? `${kind} ${lambda}` : '0 (off)'}${lc ? ` + complement ${lc}` : ''}`;
const backend = await initBackend('auto');
const data = synthesizeDataset({ seed, nSegments });
console.log(
  `backend ${backend.name} (threads ${backend.threads}); ${data.y.length} segments; RR-only AUROC (max RR / median RR, PVC vs APB): ${rrOnlyAuroc(data).toFixed(3)}`,
);
const rows: string[] = [];
const diag: string[] = [];
const all: unknown[] = [];
const k150 = Math.max(1, Math.round((150 * data.fs) / 360));
const f2 = (m: { mean: number; std: number }): string => fmtMeanStd(m as never, 2);
for (const { lambda, kind, lc } of settings) {
  const preset = getPreset(a.preset!, {
    attentionPenalty: lambda,
    attentionPenaltyKind: kind,
    complementPenalty: lc,
    ...(a.epochs ? { epochs: Number(a.epochs) } : {}),
  });
  const t0 = performance.now();
  const runDir = mkdtempSync(join(tmpdir(), 'beatlens-penalty-'));
  try {
    const cv = await runCrossValidation({
      config: {
        dataset: `synthetic(seed=${seed}, n=${nSegments})`,
        task: 'pvc-apb',
        protocol: 'stratified',
        k: Number(a.folds),
        method: a.method as 'joint' | 'cascaded',
        pooling: 'l2',
        kernelSamples: k150,
        width: Number(a.width),
        preset,
        seed,
      },
      data,
      outDir: runDir,
      workers: 0,
      storePath: null,
    });
    const folds = await evaluateCvFolds(runDir, data, cv.folds.length, 'attention');
    const cls = summarizeFolds(cv.folds.map((f) => f.metrics));
    const loc = summariseFolds(folds.map((f) => f.summary));
    const perFold = folds.map((f) => f.summary.pooledAuroc.toFixed(2)).join(', ');
    const g = loc.pooledGradePercent;
    rows.push(
      `| ${label(lambda, kind, lc)} | ${fmtMeanStd(cls.accuracy)} | ${fmtMeanStd(cls.aucMacro)} | ${fmtMeanStd(loc.pooledAuroc)} | ${perFold} | ${fmtMeanStd(loc.meanSegmentAuroc)} | ${fmtMeanStd(loc.pointingGame)} | ${Math.round(g.I)}:${Math.round(g.II)}:${Math.round(g.III)} | ${((performance.now() - t0) / 1000).toFixed(0)} |`,
    );
    // Diagnostics: beat AUROC within each class, how sparse A is (mean/max over the real
    // samples), and whether A favours the normal beat right after an ectopic one (the beat
    // whose position and T wave carry the compensatory-pause timing) over other normal beats.
    const byClass = data.classes.map((_, c) =>
      meanStd(
        folds.map((f) => {
          const keep = f.index.map((i, j) => [i, j]).filter(([i]) => data.y[i] === c);
          return scoreMaps(
            data,
            keep.map(([i]) => i),
            keep.map(([, j]) => f.maps[j]),
            'attention',
          ).summary.pooledAuroc;
        }),
      ),
    );
    const sparsity = meanStd(
      folds.map((f) => {
        const v = f.index.map((i, j) => {
          const m = f.maps[j].subarray(0, data.meta[i].length);
          let sum = 0;
          let max = 0;
          for (const x of m) {
            sum += x;
            max = Math.max(max, x);
          }
          return max > 0 ? sum / m.length / max : 1;
        });
        return v.reduce((p, q) => p + q, 0) / v.length;
      }),
    );
    const postEctopic = meanStd(
      folds.map((f) => {
        const post: number[] = [];
        const other: number[] = [];
        f.index.forEach((i, j) => {
          const beats = data.meta[i].beats;
          const sc = scoreSegment({ map: f.maps[j], beats, length: data.meta[i].length });
          beats.forEach((b, t) => {
            if (b.aami !== 'N') return;
            (t > 0 && beats[t - 1].aami !== 'N' ? post : other).push(sc.scores[t]);
          });
        });
        return auroc(post, other);
      }),
    );
    diag.push(
      `| ${label(lambda, kind, lc)} | ${data.classes.map((c, ci) => `${c} ${f2(byClass[ci])}`).join('; ')} | ${f2(sparsity)} | ${f2(postEctopic)} |`,
    );
    all.push({
      lambda,
      kind,
      complement: lc,
      preset,
      cls,
      loc,
      folds: folds.map((f) => f.summary),
    });
    console.log(rows.at(-1));
    console.log(diag.at(-1));
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}
console.log(
  `\n${a.method} model, L2 pooling, k=${k150}, ${a.folds}-fold CV, preset ${a.preset}${a.epochs ? ` (${a.epochs} epochs)` : ''}, width ×${a.width}, seed ${seed}; mean ± std over folds.\n`,
);
console.log(
  '| penalty λ | accuracy | AUC | beat AUROC (pooled) | per fold | beat AUROC (per segment) | pointing game | grade I:II:III (%) | s |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
console.log(
  '\n| penalty λ | beat AUROC within class | mean/max of A | AUROC post-ectopic normal vs other normal |',
);
console.log('| --- | --- | --- | --- |');
for (const row of diag) console.log(row);
if (a.json) writeFileSync(a.json, JSON.stringify(all, null, 2));
