import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runCli as cli } from '../helpers/cli';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import { openStore } from '../../src-main/store';

const tmp = mkdtempSync(join(tmpdir(), 'beatlens-cli-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('beatlens cv / export / predict', () => {
  it('cv mitdb without the database fails with one line naming the folder and the fix', async () => {
    const r = await cli('cv', 'mitdb', '--data-dir', join(tmp, 'nope', 'mitdb'), '--no-store');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(join(tmp, 'nope', 'mitdb'));
    expect(r.stderr).toContain('beatlens download mitdb');
  });

  it('cv on store segments writes the table, stores predictions with attention; export and predict work', async () => {
    const store = join(tmp, 'store.sqlite');
    const out = join(tmp, 'cv');
    const prep = await cli('prepare', 'synthetic', '--n-segments', '12', '--store', store);
    expect(prep.code, prep.stderr).toBe(0);
    const cv = await cli(
      'cv', 'store', '--store', store, '--folds', '2', '--workers', '0', '--preset', 'tiny',
      '--epochs', '1', '--width', '0.25', '--backend', 'wasm', '--out', out,
    ); // prettier-ignore
    expect(cv.code, cv.stderr).toBe(0);
    // The default method is MIL (it localises best on MIT-BIH; docs/localisation.md).
    expect(cv.stderr).toMatch(/mil fold 1\/2 epoch 1\/1 loss \d\.\d+ .*ETA/);
    const table = readFileSync(join(out, 'table.md'), 'utf8');
    expect(table).toMatch(/\| mil \| — \| \d+\.\d\d ± \d+\.\d\d \|/);
    expect(table).toContain('98.8');
    expect(cv.stdout).toBe(table);

    const s = openStore(store);
    try {
      const preds = s.db
        .prepare('SELECT count(*) AS n, count(attention) AS a FROM predictions')
        .get() as { n: number; a: number };
      expect(preds).toEqual({ n: 12, a: 12 });
      expect(s.counts().fold_sets).toBe(1);
      expect(s.runs.list()[0].status).toBe('done');
    } finally {
      s.close();
    }

    const runDir = join(out, 'mil-l2-stratified');
    const csv = await cli('export', runDir, '--format', 'csv');
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'run,method,pooling,protocol,fold,accuracy,specificity,sensitivity,aucMacro,nTest',
    );
    expect(lines.map((l) => l.split(',')[4])).toEqual(['fold', '0', '1', 'mean', 'std']);
    const json = await cli('export', runDir, '--format', 'json');
    expect(JSON.parse(json.stdout)).toHaveLength(4);

    // predict on a 12 s synthetic CSV record at 360 Hz: two 2000-sample windows + a remainder
    const { record } = synthesizeRecord({ seed: 3, fs: 360, nLeads: 2, durationSeconds: 12 });
    const csvPath = join(tmp, 'rec.csv');
    const rows = Array.from(
      { length: record.nSamples },
      (_, i) => `${record.signals[0][i]},${record.signals[1][i]}`,
    );
    writeFileSync(csvPath, `MLII,V1\n${rows.join('\n')}\n`);
    const model = join(runDir, 'folds', '0', 'model');
    expect(existsSync(join(model, 'model.json'))).toBe(true);
    const p = await cli('predict', '--model', model, '--fs', '360', '--backend', 'wasm', csvPath);
    expect(p.code, p.stderr).toBe(0);
    const out2 = p.stdout.trim().split('\n');
    expect(out2[0]).toBe('start_s\tlength\tclass\tprobability');
    expect(out2).toHaveLength(1 + Math.ceil(record.nSamples / 2000));
    expect(out2[1]).toMatch(/^0\.00\t2000\t(APB|PVC)\t0\.\d{4}$/);
  }, 120_000);

  it('rejects bad option values with one line', async () => {
    const r = await cli('cv', 'synthetic', '--method', 'lstm', '--no-store');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--method=lstm must be one of joint, classifier, cascaded, mil, all/);
  });
});
