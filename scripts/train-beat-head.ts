/**
 * Fits the beat head (src-main/infer/beat-head.ts) on MIT-BIH DS1 with its beat labels and
 * chooses its thresholds out of fold, never on a test record:
 *
 * 1. Each DS1 record's beats come from its committed out-of-fold scan
 *    (docs/results/mitdb/ds1-oof-beats-augmented/<record>.csv, the shipped model's, or --beats-dir:
 *    annotated R peaks, the QRS correlation with the dominant beat, the morphology cluster, the
 *    reference symbol); the head's features
 *    (RR ratios, correlation, cluster share, irregularity) are computed from those columns.
 * 2. Five folds of whole records (DS1 in its listed order, record i in fold i mod 5): a head
 *    fitted on four folds gives the S probability of every beat of the fifth.
 * 3. For each threshold the out-of-fold labels (S where the probability reaches it outside the
 *    AF/flutter episodes the scan detects, V and the rest as the CSV's own labels leave them) are scored beat by beat against the reference
 *    annotations (bxb rules: 150 ms, first 5 min excluded); the threshold with the best gross
 *    SVEB F1 is the head's.
 * 4. The head fitted on all of DS1 with that threshold is written to resources/beat-head/head.json.
 *
 *   npx tsx scripts/train-beat-head.ts [--out resources/beat-head/head.json] [--results D]
 *
 * Writes the head, <results>/oof.csv (every DS1 beat's out-of-fold S probability, the reference
 * symbol), <results>/sweep.csv and <results>/README.md (the sweep, the commit, the command).
 * The fit is deterministic (zero start, full batch): there is no seed.
 */
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { formatCsv } from '../src-main/csv';
import { irregularBeats } from '../src-main/ecg/rhythm-episodes';
import { aamiClass } from '../src-main/ecg/wfdb/annotations';
import { f1Score, summariseRecords } from '../src-main/evaluate/bxb';
import { readBxbReference, scoreBeats } from '../src-main/evaluate/bxb-files';
import { readScanBeatsCsv } from '../src-main/evaluate/scan';
import {
  applyBeatHead,
  fitBeatHead,
  BEAT_HEAD_CLASSES,
  beatHeadFeatures,
  headProbabilitiesOf,
  type BeatHead,
  type HeadThresholds,
} from '../src-main/infer/beat-head';
import { dataRoot } from '../src-main/paths';
import { codeVersion } from '../src-main/train/code-version';
import { writeFileAtomic, writeJsonAtomic } from '../src-main/train/run-info';
import { DS1_RECORDS } from '../src-main/train/splitters';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = resolve(import.meta.dirname, '..');
const beatsDir = resolve(
  arg('beats-dir') ?? join(root, 'docs/results/mitdb/ds1-oof-beats-augmented'),
);
const outHead = resolve(arg('out') ?? join(root, 'resources/beat-head/head.json'));
const results = resolve(arg('results') ?? join(root, 'docs/results/mitdb/beat-head'));
const mitdb = resolve(arg('data-dir') ?? join(dataRoot(), 'mitdb'));
const N_FOLDS = 5;
const THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];
/** V probabilities and QRS correlation bounds for the head's own V beats. */
const V_THRESHOLDS = [0.5, 0.7, 0.8, 0.9, 0.95];
const V_CORRELATIONS = [0.5, 0.7, 0.8];
/** Inside AF or flutter, the correlation below which a rule V stays V (−1: no bound). */
const V_AF_CORRELATIONS = [-1, 0.5, 0.6, 0.7, 0.8, 0.9];
/** Lowest QRS correlation with the dominant beat an S may have (−1: no bound). */
const S_CORRELATIONS = [-1, 0.5, 0.7, 0.8];

function main(): void {
  const started = Date.now();
  const available = new Set(readdirSync(beatsDir).map((f) => f.replace(/\.csv$/, '')));
  const records = DS1_RECORDS.filter((r) => available.has(r));
  const data = records.map((rec, i) => {
    const ref = readBxbReference(join(mitdb, `${rec}.atr`));
    const scan = readScanBeatsCsv(join(beatsDir, `${rec}.csv`), ref.fs);
    const classOf = scan.beats.map((b) => aamiClass(b.reference ?? '') ?? 'Q');
    return {
      rec,
      fold: i % N_FOLDS,
      scan,
      rows: beatHeadFeatures(scan.beats, scan.fs, scan.runStarts),
      // The scan's AF gate (inferRecord): no S inside a detected AF or flutter episode.
      inAf: irregularBeats(
        scan.beats.map((b) => b.sample),
        scan.fs,
        {},
        { labels: scan.beats.map((b) => b.label), runStarts: scan.runStarts },
      ),
      y: classOf.map((c) => BEAT_HEAD_CLASSES.indexOf(c as 'N' | 'S' | 'V')),
      ref,
    };
  });
  const training = (keep: (d: (typeof data)[number]) => boolean) => {
    const rows: Float64Array[] = [];
    const y: number[] = [];
    for (const d of data.filter(keep)) {
      d.y.forEach((c, i) => {
        if (c < 0) return; // F and Q beats: no class of the head's
        rows.push(d.rows[i]);
        y.push(c);
      });
    }
    return { rows, y };
  };
  // Out-of-fold class probabilities.
  const oof = new Map<string, number[][]>();
  for (let f = 0; f < N_FOLDS; f++) {
    const { rows, y } = training((d) => d.fold !== f);
    const head = fitBeatHead(rows, y, { threshold: 0.5 });
    for (const d of data.filter((x) => x.fold === f)) {
      oof.set(d.rec, headProbabilitiesOf(head, d.scan.beats, d.scan.fs, d.scan.runStarts));
    }
    process.stderr.write(`fold ${f + 1}/${N_FOLDS}: fitted on ${rows.length} beats\n`);
  }
  /** Gross bxb statistics of the out-of-fold labels under some thresholds. */
  const score = (t: HeadThresholds) => {
    const res = data.map((d) => {
      const labels = applyBeatHead(
        d.scan.beats.map((b) => b.label),
        oof.get(d.rec)!,
        d.scan.beats.map((b) => b.correlation),
        t,
        d.inAf,
      );
      const test = d.scan.beats.map((b, i) => ({ sample: b.sample, label: labels[i] }));
      return scoreBeats(d.ref, test, {}, d.rec);
    });
    const g = summariseRecords(res).gross;
    const [sSe, sPp] = [g.svebSensitivity.value ?? 0, g.svebPositivePredictivity.value ?? 0];
    const [vSe, vPp] = [g.vebSensitivity.value ?? 0, g.vebPositivePredictivity.value ?? 0];
    return { ...t, sSe, sPp, sF1: f1Score(sSe, sPp), vSe, vPp, vF1: f1Score(vSe, vPp) };
  };
  // S first (V by the rule alone), then V's two numbers with that S threshold.
  const sSweep = S_CORRELATIONS.flatMap((sMinCorrelation) =>
    THRESHOLDS.map((threshold) =>
      score({ threshold, ...(sMinCorrelation > -1 ? { sMinCorrelation } : {}) }),
    ),
  );
  const bestS = sSweep.reduce((a, b) => (b.sF1 > a.sF1 + 1e-12 ? b : a));
  const sChosen = { threshold: bestS.threshold, sMinCorrelation: bestS.sMinCorrelation };
  const vSweep = [
    score(sChosen),
    ...V_AF_CORRELATIONS.flatMap((vAf) => {
      const af = vAf > -1 ? { vAfMaxCorrelation: vAf } : {};
      return [
        ...(vAf > -1 ? [score({ ...sChosen, ...af })] : []),
        ...V_THRESHOLDS.flatMap((vThreshold) =>
          V_CORRELATIONS.map((vMaxCorrelation) =>
            score({ ...sChosen, ...af, vThreshold, vMaxCorrelation }),
          ),
        ),
      ];
    }),
  ];
  const best = vSweep.reduce((a, b) => (b.vF1 > a.vF1 + 1e-12 ? b : a));
  const chosen: HeadThresholds = {
    threshold: best.threshold,
    ...(best.sMinCorrelation !== undefined ? { sMinCorrelation: best.sMinCorrelation } : {}),
    ...(best.vThreshold !== undefined
      ? { vThreshold: best.vThreshold, vMaxCorrelation: best.vMaxCorrelation }
      : {}),
    ...(best.vAfMaxCorrelation !== undefined ? { vAfMaxCorrelation: best.vAfMaxCorrelation } : {}),
  };
  const all = training(() => true);
  const code = codeVersion();
  const head: BeatHead = {
    ...fitBeatHead(all.rows, all.y, chosen),
    provenance: {
      fittedOn: `MIT-BIH DS1 (${records.length} records, ${all.rows.length} N/S/V beats), beat labels from the reference annotations`,
      records,
      beats: relative(root, beatsDir),
      thresholds: `S: best gross SVEB F1, then V: best gross VEB F1, over ${N_FOLDS} record-grouped out-of-fold folds of DS1`,
      outOfFold: {
        svebSensitivity: best.sSe,
        svebPositivePredictivity: best.sPp,
        vebSensitivity: best.vSe,
        vebPositivePredictivity: best.vPp,
      },
      code: { commit: code.commit, dirty: code.dirty },
      command: `npx tsx scripts/train-beat-head.ts${process.argv.length > 2 ? ' ' + process.argv.slice(2).join(' ') : ''}`,
    },
  };
  writeJsonAtomic(outHead, head);
  const pct = (v: number): string => (100 * v).toFixed(1);
  const sweep = [...sSweep, ...vSweep.slice(1)];
  writeFileAtomic(
    join(results, 'sweep.csv'),
    formatCsv(
      [
        'threshold',
        's_min_correlation',
        'v_threshold',
        'v_max_correlation',
        'v_af_max_correlation',
        'sveb_se',
        'sveb_pp',
        'sveb_f1',
        'veb_se',
        'veb_pp',
        'veb_f1',
      ],
      sweep.map((r) => [
        r.threshold,
        r.sMinCorrelation ?? '',
        r.vThreshold ?? '',
        r.vMaxCorrelation ?? '',
        r.vAfMaxCorrelation ?? '',
        ...[r.sSe, r.sPp, r.sF1, r.vSe, r.vPp, r.vF1].map(pct),
      ]),
    ),
  );
  writeFileAtomic(
    join(results, 'oof.csv'),
    formatCsv(
      ['record', 'fold', 'sample', 'reference', 'rule_label', 'in_af', 'p_N', 'p_S', 'p_V'],
      data.flatMap((d) =>
        d.scan.beats.map((b, i) => [
          d.rec,
          d.fold + 1,
          b.sample,
          b.reference ?? '',
          b.label,
          d.inAf[i] ? 1 : 0,
          ...oof.get(d.rec)![i].map((p) => p.toFixed(4)),
        ]),
      ),
    ),
  );
  const row = (r: (typeof sweep)[number], what: string): string =>
    `| ${what} | ${pct(r.sSe)} | ${pct(r.sPp)} | ${pct(r.sF1)} | ${pct(r.vSe)} | ${pct(r.vPp)} | ${pct(r.vF1)} |`;
  const table = [
    '| thresholds (S probability, S correlation at least; V probability, V correlation below; in AF a rule V only below) | SVEB Se | SVEB +P | SVEB F1 | VEB Se | VEB +P | VEB F1 |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...sSweep.map((r) =>
      row(
        r,
        `S ${r.threshold}, ${r.sMinCorrelation ?? 'none'}${r === bestS ? ' (chosen)' : ''}; V by the rule`,
      ),
    ),
    ...vSweep
      .slice(1)
      .map((r) =>
        row(
          r,
          `S ${r.threshold}, ${r.sMinCorrelation ?? 'none'}; V ${r.vThreshold ?? 'by the rule'}${r.vThreshold !== undefined ? `, ${r.vMaxCorrelation}` : ''}; in AF ${r.vAfMaxCorrelation ?? 'none'}${r === best ? ' (chosen)' : ''}`,
        ),
      ),
  ].join('\n');
  writeFileAtomic(
    join(results, 'README.md'),
    [
      '# The beat head on MIT-BIH DS1, out of fold',
      '',
      `Made by \`${head.provenance!.command as string}\` at commit ${code.commit ?? 'n/a'}${code.dirty ? ' (with uncommitted changes)' : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
      '',
      `The head (src-main/infer/beat-head.ts) is a softmax regression over RR ratios, QRS correlation with the dominant beat, cluster share and RR irregularity, fitted with DS1's **beat labels**. Its features come from the committed out-of-fold DS1 scans (\`${relative(root, beatsDir)}\`, annotated R peaks). Five folds of whole records (record i of DS1's list in fold i mod 5): each fold's beats are scored by a head fitted on the other four, and the S threshold and S correlation bound with the best gross SVEB F1, then the V probability and correlation bounds and the correlation below which a rule V stays V inside AF or flutter with the best gross VEB F1 (bxb rules: 150 ms window, first 5 min excluded; no S inside the AF/flutter episodes the scan detects) are the shipped head's (\`resources/beat-head/head.json\`, fitted on all of DS1). No DS2 record enters.`,
      '',
      table,
      '',
      "Per beat: `oof.csv` (record, fold, sample, reference symbol, the beat rule's out-of-fold label, inside a detected AF episode, out-of-fold N/S/V probabilities).",
      '',
    ].join('\n'),
  );
  console.log(table);
  process.stderr.write(`wrote ${outHead} and ${results}\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
