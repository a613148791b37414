/**
 * Fits the SVEB head (src-main/infer/sveb-head.ts) on MIT-BIH DS1 with its beat labels and
 * chooses its threshold out of fold, never on a test record:
 *
 * 1. Each DS1 record's beats come from its committed out-of-fold scan
 *    (docs/results/mitdb/ds1-oof-beats/<record>.csv: annotated R peaks, the QRS correlation with
 *    the dominant beat, the morphology cluster, the reference symbol); the head's features
 *    (RR ratios, correlation, cluster share, irregularity) are computed from those columns.
 * 2. Five folds of whole records (DS1 in its listed order, record i in fold i mod 5): a head
 *    fitted on four folds gives the S probability of every beat of the fifth.
 * 3. For each threshold the out-of-fold labels (S where the probability reaches it, V and the
 *    rest as the CSV's own labels leave them) are scored beat by beat against the reference
 *    annotations (bxb rules: 150 ms, first 5 min excluded); the threshold with the best gross
 *    SVEB F1 is the head's.
 * 4. The head fitted on all of DS1 with that threshold is written to resources/sveb-head/head.json.
 *
 *   npx tsx scripts/train-sveb-head.ts [--out resources/sveb-head/head.json] [--results D]
 *
 * Writes the head, <results>/oof.csv (every DS1 beat's out-of-fold S probability, the reference
 * symbol), <results>/sweep.csv and <results>/README.md (the sweep, the commit, the command).
 * The fit is deterministic (zero start, full batch): there is no seed.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatCsv } from '../src-main/csv';
import { aamiClass } from '../src-main/ecg/wfdb/annotations';
import { compareBeats, recordResult, summariseRecords } from '../src-main/evaluate/bxb';
import { readBxbReference } from '../src-main/evaluate/bxb-files';
import { readScanBeatsCsv } from '../src-main/evaluate/scan';
import {
  applySvebHead,
  fitSvebHead,
  SVEB_HEAD_CLASSES,
  svebFeatures,
  svebProbabilities,
  type SvebHead,
} from '../src-main/infer/sveb-head';
import { dataRoot } from '../src-main/paths';
import { codeVersion } from '../src-main/train/codeVersion';
import { writeFileAtomic, writeJsonAtomic } from '../src-main/train/runInfo';
import { DS1_RECORDS } from '../src-main/train/splitters';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = resolve(import.meta.dirname, '..');
const beatsDir = resolve(arg('beats-dir') ?? join(root, 'docs/results/mitdb/ds1-oof-beats'));
const outHead = resolve(arg('out') ?? join(root, 'resources/sveb-head/head.json'));
const results = resolve(arg('results') ?? join(root, 'docs/results/mitdb/sveb-head'));
const mitdb = resolve(arg('data-dir') ?? join(dataRoot(), 'mitdb'));
const N_FOLDS = 5;
const THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];

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
      rows: svebFeatures(scan.beats, scan.fs, scan.runStarts),
      y: classOf.map((c) => SVEB_HEAD_CLASSES.indexOf(c as 'N' | 'S' | 'V')),
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
  // Out-of-fold S probabilities.
  const oof = new Map<string, number[]>();
  for (let f = 0; f < N_FOLDS; f++) {
    const { rows, y } = training((d) => d.fold !== f);
    const head = fitSvebHead(rows, y, 0.5);
    for (const d of data.filter((x) => x.fold === f)) {
      oof.set(d.rec, svebProbabilities(head, d.scan.beats, d.scan.fs, d.scan.runStarts));
    }
    process.stderr.write(`fold ${f + 1}/${N_FOLDS}: fitted on ${rows.length} beats\n`);
  }
  const sweep = THRESHOLDS.map((threshold) => {
    const res = data.map((d) => {
      const labels = applySvebHead(
        d.scan.beats.map((b) => b.label),
        oof.get(d.rec)!,
        threshold,
      );
      const test = d.scan.beats.map((b, i) => ({ sample: b.sample, label: labels[i] }));
      const counts = compareBeats(
        d.ref.beats,
        test,
        d.ref.fs,
        { endSample: d.ref.nSamples },
        d.ref.episodes,
      );
      return recordResult(d.rec, counts);
    });
    const g = summariseRecords(res).gross;
    const se = g.svebSensitivity.value ?? 0;
    const pp = g.svebPositivePredictivity.value ?? 0;
    return { threshold, se, pp, f1: se + pp > 0 ? (2 * se * pp) / (se + pp) : 0 };
  });
  const best = sweep.reduce((a, b) => (b.f1 > a.f1 + 1e-12 ? b : a));
  const all = training(() => true);
  const code = codeVersion();
  const head: SvebHead = {
    ...fitSvebHead(all.rows, all.y, best.threshold),
    provenance: {
      fittedOn: `MIT-BIH DS1 (${records.length} records, ${all.rows.length} N/S/V beats), beat labels from the reference annotations`,
      records,
      beats: 'docs/results/mitdb/ds1-oof-beats',
      threshold: `best gross SVEB F1 over ${N_FOLDS} record-grouped out-of-fold folds of DS1`,
      outOfFold: { sensitivity: best.se, positivePredictivity: best.pp, f1: best.f1 },
      code: { commit: code.commit, dirty: code.dirty },
      command: `npx tsx scripts/train-sveb-head.ts${process.argv.length > 2 ? ' ' + process.argv.slice(2).join(' ') : ''}`,
    },
  };
  writeJsonAtomic(outHead, head);
  const pct = (v: number): string => (100 * v).toFixed(1);
  writeFileAtomic(
    join(results, 'sweep.csv'),
    formatCsv(
      ['threshold', 'sveb_se', 'sveb_pp', 'sveb_f1'],
      sweep.map((s) => [s.threshold, pct(s.se), pct(s.pp), pct(s.f1)]),
    ),
  );
  writeFileAtomic(
    join(results, 'oof.csv'),
    formatCsv(
      ['record', 'fold', 'sample', 'reference', 'p_S'],
      data.flatMap((d) =>
        d.scan.beats.map((b, i) => [
          d.rec,
          d.fold + 1,
          b.sample,
          b.reference ?? '',
          oof.get(d.rec)![i].toFixed(4),
        ]),
      ),
    ),
  );
  const table = [
    '| threshold | SVEB Se | SVEB +P | F1 |',
    '| --- | --- | --- | --- |',
    ...sweep.map(
      (s) =>
        `| ${s.threshold}${s === best ? ' (chosen)' : ''} | ${pct(s.se)} | ${pct(s.pp)} | ${pct(s.f1)} |`,
    ),
  ].join('\n');
  writeFileAtomic(
    join(results, 'README.md'),
    [
      '# The SVEB head on MIT-BIH DS1, out of fold',
      '',
      `Made by \`${head.provenance!.command as string}\` at commit ${code.commit ?? 'n/a'}${code.dirty ? ' (with uncommitted changes)' : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
      '',
      `The head (src-main/infer/sveb-head.ts) is a softmax regression over RR ratios, QRS correlation with the dominant beat, cluster share and RR irregularity, fitted with DS1's **beat labels**. Its features come from the committed out-of-fold DS1 scans (\`docs/results/mitdb/ds1-oof-beats\`, annotated R peaks). Five folds of whole records (record i of DS1's list in fold i mod 5): each fold's beats are scored by a head fitted on the other four, and the threshold with the best gross SVEB F1 (bxb rules: 150 ms window, first 5 min excluded) is the shipped head's (\`resources/sveb-head/head.json\`, fitted on all of DS1). No DS2 record enters.`,
      '',
      table,
      '',
      'Per beat: `oof.csv` (record, fold, sample, reference symbol, out-of-fold S probability).',
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
