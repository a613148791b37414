import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as cli } from '../helpers/cli';
import { openStore } from '../../src-main/store';
import { prepareSyntheticIntoStore } from '../../src-main/store/ingest';
import { dataset } from '../helpers/data';
import { tinyCvRun } from '../evaluate/cv-fixture';

const dir = mkdtempSync(join(tmpdir(), 'beatlens-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('beatlens ablate', () => {
  it('names the missing MIT-BIH folder', async () => {
    const missing = join(dir, 'nowhere', 'mitdb');
    const r = await cli('ablate', '--data', 'mitdb', '--data-dir', missing);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`MIT-BIH folder ${missing} not found`);
  });

  it('rejects an unknown sweep', async () => {
    const r = await cli('ablate', '--sweep', 'depth');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--sweep 'depth': use kernel, pooling, method/);
  });

  it('runs a tiny pooling sweep on synthetic data and writes JSON, markdown and SVG', async () => {
    const out = join(dir, 'pooling');
    const r = await cli(
      'ablate',
      '--sweep',
      'pooling',
      '--segments',
      '8',
      '--n-samples',
      '500',
      '--folds',
      '2',
      '--epochs',
      '1',
      '--width',
      '0.125',
      '--out',
      out,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'ablation.json'), 'utf8'));
    expect(json.variants.map((v: { name: string }) => v.name)).toEqual(['l2', 'max']);
    expect(json.command).toContain('--sweep pooling');
    expect(readFileSync(join(out, 'ablation.md'), 'utf8')).toContain('| max | joint | max |');
    expect(readFileSync(join(out, 'curves.svg'), 'utf8')).toContain('<svg');
    // Re-rendering the folder through evaluate-localisation gives the same table.
    const again = await cli('evaluate-localisation', out, '--out', join(dir, 'again'));
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'again', 'ablation.md'), 'utf8')).toBe(
      readFileSync(join(out, 'ablation.md'), 'utf8'),
    );
  }, 60_000);
});

describe('beatlens evaluate-localisation RUN', () => {
  it("scores a stored run's attention maps per fold against the segments' beats", async () => {
    const path = join(dir, 'store.sqlite');
    const store = openStore(path);
    let runId: number;
    try {
      prepareSyntheticIntoStore(store, { seed: 4, nSegments: 6 });
      const segs = store.segments.load();
      expect(segs.length).toBeGreaterThanOrEqual(6);
      runId = store.runs.start({
        kind: 'cv',
        config: {},
        seed: 1,
        backend: 'cpu',
        packageVersions: {},
      }).id;
      // Perfect maps: 1 on abnormal R peaks, 0 elsewhere; fold by parity.
      store.predictions.insertMany(
        segs.map((s, i) => {
          const attention = new Float32Array(s.nSamples);
          for (const b of s.beats) {
            if (b.aami === 'N') continue;
            for (let t = b.position - 5; t <= b.position + 5; t++) attention[t] = 1;
          }
          return { runId, segmentId: s.id, fold: i % 2, probabilities: [0.5, 0.5], attention };
        }),
      );
    } finally {
      store.close();
    }
    const out = join(dir, 'loc');
    const r = await cli('evaluate-localisation', String(runId), '--store', path, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'localisation.json'), 'utf8'));
    expect(json.folds).toHaveLength(2);
    for (const f of json.folds) {
      expect(f.pooledAuroc).toBe(1);
      expect(f.pointingGame).toBe(1);
      expect(f.gradeCounts.III).toBe(0);
    }
    expect(readFileSync(join(out, 'localisation.md'), 'utf8')).toContain('| mean ± std |');
    const missing = await cli('evaluate-localisation', '999', '--store', path);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('run 999 is not in the store');
  });
});

const sample = dataset('wfdb-sample-data', '100.atr');

describe('beatlens detect-qrs', () => {
  it.skipIf(!sample.present)('reports sensitivity on MIT-BIH record 100', async () => {
    const r = await cli('detect-qrs', join(sample.dir, '100.hea'));
    expect(r.code).toBe(0);
    const m = /sensitivity ([0-9.]+), positive predictivity ([0-9.]+)/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(0.95);
    expect(Number(m![2])).toBeGreaterThanOrEqual(0.95);
  });
});

describe('beatlens evaluate-localisation on a cv output folder', () => {
  it('scores every method run folder inside it', async () => {
    const cvOut = join(dir, 'cv');
    await tinyCvRun(join(cvOut, 'joint-l2-stratified'), 6);
    const r = await cli('evaluate-localisation', cvOut);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Localisation (attention) of the joint run');
    const json = JSON.parse(
      readFileSync(
        join(cvOut, 'joint-l2-stratified', 'localisation-attention', 'localisation.json'),
        'utf8',
      ),
    );
    expect(json.folds).toHaveLength(2);
    const bad = await cli('evaluate-localisation', cvOut, '--source', 'lime');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--source 'lime'");
  }, 60_000);
});
