/**
 * The MIT-BIH results layout: (1) every committed docs/results/mitdb row recomputes from its own
 * per-item files — accuracy, sensitivity, specificity and AUC from predictions.csv, beat AUROC
 * and pointing game from beats.csv, over all segments and per class (APB and PVC segments) — as
 * anyone can; (2) `writeMitdbResults` writes that layout from run folders and refuses folds of
 * different code.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prematurity } from '../../src-main/evaluate/controls';
import { auroc } from '../../src-main/evaluate/localisation';
import { MITDB_ROWS, rowName, writeMitdbResults } from '../../src-main/experiments/mitdb-results';
import { classificationMetrics } from '../../src-main/train/metrics';
import { runCli as cli } from '../helpers/cli';
import { dataset } from '../helpers/data';

const RESULTS = join(__dirname, '..', '..', 'docs', 'results', 'mitdb');
const mitdb = dataset('mitdb', '234.atr');
const tmp = mkdtempSync(join(tmpdir(), 'beatlens-mitdb-results-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Rows of a CSV with a header (no quoted cells in these files). */
function readCsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

/**
 * Pooled beat AUROC (abnormal against N beats) and pointing game (per segment with an abnormal
 * beat: is the top-scoring beat abnormal, ties sharing) of beats.csv rows.
 */
function beatMetrics(beats: readonly Record<string, string>[]): {
  pooledAuroc: number;
  pointingGame: number;
} {
  const scored = beats.filter((b) => b.score !== '');
  const pos = scored.filter((b) => b.symbol !== 'N').map((b) => Number(b.score));
  const neg = scored.filter((b) => b.symbol === 'N').map((b) => Number(b.score));
  const hits: number[] = [];
  for (const list of bySegment(scored).values()) {
    if (!list.some((b) => b.symbol !== 'N')) continue;
    const top = Math.max(...list.map((b) => Number(b.score)));
    const tied = list.filter((b) => Number(b.score) === top);
    hits.push(tied.filter((b) => b.symbol !== 'N').length / tied.length);
  }
  return {
    pooledAuroc: auroc(pos, neg),
    pointingGame: hits.reduce((s, h) => s + h, 0) / hits.length,
  };
}

/** beats.csv rows grouped by their segment (record and segment offset). */
function bySegment(
  beats: readonly Record<string, string>[],
): Map<string, Record<string, string>[]> {
  const out = new Map<string, Record<string, string>[]>();
  for (const b of beats) {
    const k = `${b.record}:${b.segment_offset}`;
    out.set(k, [...(out.get(k) ?? []), b]);
  }
  return out;
}

/** The beats of the segments holding a beat with `symbol`. */
function segmentsWith(beats: readonly Record<string, string>[], symbol: string) {
  return [...bySegment(beats).values()].filter((l) => l.some((b) => b.symbol === symbol)).flat();
}

const CLASS_SYMBOLS = { APB: 'A', PVC: 'V' } as const;

const committed = MITDB_ROWS.map((r) => join(RESULTS, r.protocol, rowName(r))).filter((d) =>
  existsSync(join(d, 'summary.json')),
);
const committedControls = ['stratified', 'patient', 'inter-patient']
  .flatMap((p) =>
    ['control-energy', 'control-joint-l2-shifted', 'control-rhythm'].map((c) =>
      join(RESULTS, p, c),
    ),
  )
  .filter((d) => existsSync(join(d, 'summary.json')));

describe('committed MIT-BIH results recompute from their per-item files', () => {
  it.skipIf(committed.length === 0)('every fold of every row', () => {
    for (const dir of committed) {
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      const classes: string[] = summary.classes;
      for (const f of summary.folds) {
        const preds = readCsv(join(dir, `fold-${f.fold}`, 'predictions.csv'));
        expect(preds.length, dir).toBe(f.nTest);
        const y = preds.map((p) => classes.indexOf(p.label));
        const probs = preds.flatMap((p) => classes.map((c) => Number(p[`p_${c}`])));
        const m = classificationMetrics(y, probs, classes);
        expect(m.accuracy, `${dir} fold ${f.fold}`).toBeCloseTo(f.metrics.accuracy, 9);
        expect(m.sensitivity).toBeCloseTo(f.metrics.sensitivity, 9);
        expect(m.specificity).toBeCloseTo(f.metrics.specificity, 9);
        expect(m.aucMacro).toBeCloseTo(f.metrics.aucMacro, 3);

        const beats = readCsv(join(dir, `fold-${f.fold}`, 'beats.csv'));
        const all = beatMetrics(beats);
        expect(all.pooledAuroc).toBeCloseTo(f.localisation.pooledAuroc, 3);
        expect(all.pointingGame).toBeCloseTo(f.localisation.pointingGame, 2);
      }
    }
  });

  it.skipIf(committed.length + committedControls.length === 0)(
    'per class: beat AUROC and pointing game over the APB and the PVC segments',
    () => {
      for (const dir of [...committed, ...committedControls]) {
        const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
        for (const f of summary.folds) {
          const beats = readCsv(join(dir, `fold-${f.fold}`, 'beats.csv'));
          for (const [name, symbol] of Object.entries(CLASS_SYMBOLS)) {
            const m = beatMetrics(segmentsWith(beats, symbol));
            const want = f.localisationByClass[name];
            expect(m.pooledAuroc, `${dir} fold ${f.fold} ${name}`).toBeCloseTo(want.pooledAuroc, 3);
            expect(m.pointingGame, `${dir} fold ${f.fold} ${name}`).toBeCloseTo(
              want.pointingGame,
              2,
            );
          }
        }
        for (const k of [
          'pooledAurocAPB',
          'pointingGameAPB',
          'pooledAurocPVC',
          'pointingGamePVC',
        ]) {
          expect(Number.isFinite(summary.mean[k]), `${dir} mean ${k}`).toBe(true);
        }
      }
    },
  );
});

describe('committed localisation controls recompute from their beats', () => {
  it.skipIf(committedControls.length === 0)('pooled beat AUROC of every fold', () => {
    for (const dir of committedControls) {
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      for (const f of summary.folds) {
        const beats = readCsv(join(dir, `fold-${f.fold}`, 'beats.csv'));
        const pos = beats.filter((b) => b.symbol !== 'N').map((b) => Number(b.score));
        const neg = beats.filter((b) => b.symbol === 'N').map((b) => Number(b.score));
        expect(auroc(pos, neg), `${dir} fold ${f.fold}`).toBeCloseTo(f.localisation.pooledAuroc, 3);
      }
    }
  });

  it.skipIf(!committedControls.some((d) => d.endsWith('control-rhythm')))(
    "the rhythm control's beat scores are the prematurity of the beats' own R peaks",
    () => {
      for (const dir of committedControls.filter((d) => d.endsWith('control-rhythm'))) {
        const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
        for (const f of summary.folds) {
          const beats = readCsv(join(dir, `fold-${f.fold}`, 'beats.csv'));
          for (const list of bySegment(beats).values()) {
            const want = prematurity(list.map((b) => Number(b.sample)));
            list.forEach((b, j) => expect(Number(b.score), dir).toBeCloseTo(want[j], 4));
          }
        }
      }
    },
  );
});

describe('committed seed-stability results recompute from their per-item files', () => {
  const SEEDS = join(RESULTS, 'seeds');
  it.skipIf(!existsSync(join(SEEDS, 'summary.json')))('every row and seed', () => {
    const summary = JSON.parse(readFileSync(join(SEEDS, 'summary.json'), 'utf8'));
    expect(summary.rows.length).toBeGreaterThan(0);
    for (const row of summary.rows) {
      const dir = join(SEEDS, row.row, `seed-${row.seed}`);
      const preds = readCsv(join(dir, 'predictions.csv'));
      expect(preds.length, dir).toBe(row.nTest);
      const classes = Object.keys(preds[0])
        .filter((k) => k.startsWith('p_'))
        .map((k) => k.slice(2));
      const m = classificationMetrics(
        preds.map((p) => classes.indexOf(p.label)),
        preds.flatMap((p) => classes.map((c) => Number(p[`p_${c}`]))),
        classes,
      );
      expect(m.accuracy, dir).toBeCloseTo(row.accuracy, 9);
      const beats = readCsv(join(dir, 'beats.csv'));
      const all = beatMetrics(beats);
      expect(all.pooledAuroc, dir).toBeCloseTo(row.localisation.pooledAuroc, 3);
      expect(all.pointingGame, dir).toBeCloseTo(row.localisation.pointingGame, 2);
    }
  });
});

describe.skipIf(!mitdb.present)('writeMitdbResults', () => {
  it('writes summary.json, predictions.csv and beats.csv from a run folder', async () => {
    const runs = join(tmp, 'runs');
    const r = await cli(
      'cv', 'mitdb', '--records', '100,119,209,106', '--resample', '180', '--method', 'joint',
      '--preset', 'tiny', '--epochs', '1', '--width', '0.25', '--fold', '0', '--workers', '0',
      '--no-store', '--backend', 'wasm', '--out', join(runs, 'stratified'),
    ); // prettier-ignore
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 of 5 folds finished');
    const out = join(tmp, 'results');
    const readme = join(tmp, 'README.md');
    writeFileSync(
      readme,
      'before\n<!-- mitdb-table:start -->\nold\n<!-- mitdb-table:end -->\nafter\n',
    );
    const doc = join(tmp, 'localisation.md');
    writeFileSync(
      doc,
      '# x\n\n<!-- mitdb-localisation:start -->\n<!-- mitdb-localisation:end -->\n',
    );
    const rows = await writeMitdbResults({
      runsDir: runs,
      outDir: out,
      readme,
      localisationDoc: doc,
    });
    expect(readFileSync(doc, 'utf8')).toMatch(
      /Does the map point at the abnormal beat\?[^]*signal energy/,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].complete).toBe(false);
    expect(rows[0].foldsFinished).toEqual([0]);
    const dir = join(out, 'stratified', 'joint-l2');
    expect(readdirSync(dir).sort()).toEqual(['curves.svg', 'fold-0', 'summary.json']);
    expect(
      readdirSync(join(dir, 'fold-0')).filter((f) => f.startsWith('example-')).length,
    ).toBeGreaterThan(0);
    const preds = readCsv(join(dir, 'fold-0', 'predictions.csv'));
    expect(Object.keys(preds[0])).toEqual(['record', 'offset', 'label', 'p_APB', 'p_PVC']);
    expect(preds).toHaveLength(rows[0].folds[0].nTest);
    const beats = readCsv(join(dir, 'fold-0', 'beats.csv'));
    expect(Object.keys(beats[0])).toEqual([
      'record',
      'segment_offset',
      'sample',
      'symbol',
      'score',
    ]);
    // The controls, scored on the same test fold and written the same way.
    expect(readdirSync(join(out, 'stratified')).sort()).toEqual([
      'control-energy',
      'control-joint-l2-shifted',
      'control-rhythm',
      'joint-l2',
    ]);
    for (const c of ['control-energy', 'control-joint-l2-shifted', 'control-rhythm']) {
      const summary = JSON.parse(readFileSync(join(out, 'stratified', c, 'summary.json'), 'utf8'));
      const cb = readCsv(join(out, 'stratified', c, 'fold-0', 'beats.csv'));
      expect(cb).toHaveLength(beats.length);
      const pos = cb.filter((b) => b.symbol !== 'N').map((b) => Number(b.score));
      const neg = cb.filter((b) => b.symbol === 'N').map((b) => Number(b.score));
      expect(auroc(pos, neg)).toBeCloseTo(summary.folds[0].localisation.pooledAuroc, 3);
    }
    const text = readFileSync(readme, 'utf8');
    expect(text).toMatch(/\| control +\| — +\| signal energy Σ x² \(no model\) +\|/);
    expect(text).toMatch(/\| control +\| — +\| joint L2 attention moved half a beat later +\|/);
    expect(text).toMatch(/\| control +\| — +\| rhythm: median RR \/ preceding RR \(no map\) +\|/);
    expect(text).toMatch(/\| APB beat AUROC +\| APB pointing game +\| PVC beat AUROC +\|/);
    expect(rows[0].folds[0].localisationByClass.PVC.nSegments).toBeGreaterThan(0);
    expect(text).toMatch(/^before\n\n?<!-- mitdb-table:start -->\n\nMIT-BIH PVC vs APB/);
    expect(text).toMatch(/\| 1 of 5 +\|/);
    expect(text).toMatch(/<!-- mitdb-table:end -->\n\n?after\n$/);

    // A fold recorded as trained by other code is refused, naming the folder.
    const res = join(runs, 'stratified', 'joint-l2-stratified', 'folds', '0', 'result.json');
    const json = JSON.parse(readFileSync(res, 'utf8'));
    const copy = join(runs, 'stratified', 'joint-l2-stratified', 'folds', '1');
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy, { recursive: true });
    writeFileSync(
      join(copy, 'result.json'),
      JSON.stringify({ ...json, fold: 1, code: { ...json.code, fingerprint: 'other' } }),
    );
    await expect(writeMitdbResults({ runsDir: runs, outDir: out, readme: null })).rejects.toThrow(
      /fold 1 was trained by code other but fold 0 by/,
    );
  }, 120_000);

  it('a normal-class row: scored on its APB and PVC test segments, every segment kept apart', async () => {
    const runs = join(tmp, 'runs-normal');
    const r = await cli(
      'cv', 'mitdb', '--records', '100,119,209,106', '--resample', '180', '--method', 'mil',
      '--task', 'normal-apb-pvc', '--max-normal-per-record', '60',
      '--preset', 'tiny', '--epochs', '1', '--width', '0.25', '--fold', '0', '--workers', '0',
      '--no-store', '--backend', 'wasm', '--out', join(runs, 'stratified-normal'),
    ); // prettier-ignore
    expect(r.code, r.stderr).toBe(0);
    const out = join(tmp, 'results-normal');
    const rows = await writeMitdbResults({ runsDir: runs, outDir: out, readme: null });
    expect(rows.map((x) => `${x.protocol}/${rowName(x)}`)).toEqual(['stratified/mil-none-normal']);
    const [row] = rows;
    expect(row.classes).toEqual(['APB', 'PVC']);
    expect(row.modelClasses).toEqual(['APB', 'NORMAL', 'PVC']);
    const dir = join(out, 'stratified', 'mil-none-normal', 'fold-0');
    const preds = readCsv(join(dir, 'predictions.csv'));
    const all = readCsv(join(dir, 'predictions-all.csv'));
    expect(Object.keys(all[0])).toEqual([
      'record',
      'offset',
      'label',
      'p_APB',
      'p_NORMAL',
      'p_PVC',
    ]);
    expect(all.length).toBe(row.folds[0].allTestSegments!.nTest);
    expect(preds.length).toBe(all.filter((p) => p.label !== 'NORMAL').length);
    expect(preds.length).toBe(row.folds[0].nTest);
    expect(preds.length).toBeGreaterThan(0);
    // APB vs PVC by the larger of the two probabilities, renormalised.
    for (const [p, q] of preds.map((p, k) => [p, all.filter((a) => a.label !== 'NORMAL')[k]])) {
      expect(p.offset).toBe(q.offset);
      const sum = Number(q.p_APB) + Number(q.p_PVC);
      expect(Number(p.p_PVC)).toBeCloseTo(Number(q.p_PVC) / sum, 4);
    }
    const m = classificationMetrics(
      preds.map((p) => ['APB', 'PVC'].indexOf(p.label)),
      preds.flatMap((p) => [Number(p.p_APB), Number(p.p_PVC)]),
      ['APB', 'PVC'],
    );
    expect(m.accuracy).toBeCloseTo(row.folds[0].metrics.accuracy, 9);
    // beats.csv holds only the scored segments.
    const beats = readCsv(join(dir, 'beats.csv'));
    const segs = new Set(beats.map((b) => `${b.record}:${b.segment_offset}`));
    expect(segs.size).toBe(preds.length);

    // A run folder whose task is not its row's is refused, naming it.
    const runJson = join(runs, 'stratified-normal', 'mil-l2-stratified', 'run.json');
    const meta = JSON.parse(readFileSync(runJson, 'utf8'));
    writeFileSync(
      runJson,
      JSON.stringify({ ...meta, config: { ...meta.config, task: 'pvc-apb' } }),
    );
    await expect(writeMitdbResults({ runsDir: runs, outDir: out, readme: null })).rejects.toThrow(
      /mil-l2-stratified: trained on task pvc-apb, .*its row needs task normal-apb-pvc with max-normal=60/,
    );
  }, 120_000);
});
