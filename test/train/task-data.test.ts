import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { STANDARD_12_LEADS } from '../../src-main/ecg/leads';
import { standard12Leads } from '../../src-main/ecg/prepare';
import { loadRecordFile } from '../../src-main/ecg/import/load';
import { BeatlensError } from '../../src-main/errors';
import { loadTaskDataset, parseDatasetDescription } from '../../src-main/train/task-data';
import { dataset } from '../helpers/data';
import { runCli as cli } from '../helpers/cli';

const ludb = dataset('ludb', 'data/110.hea');
const cinc = dataset('cinc2021-sample', 'JS20003.hea');
const LUDB_LABELS = join(__dirname, '..', '..', 'docs', 'results', 'origin', 'ludb-labels.csv');
const tmp = mkdtempSync(join(tmpdir(), 'beatlens-task-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('the PVC-origin task (12 leads, 500 Hz)', () => {
  it('synthetic 12-lead origin data: shape, classes, and a description that rebuilds it', () => {
    const a = loadTaskDataset({ name: 'synthetic', task: 'pvc-origin', seed: 3, nSegments: 8 });
    expect(a.data.classes).toEqual(['LVOT', 'RVOT']);
    expect([a.data.nLeads, a.data.nSamples, a.data.fs]).toEqual([12, 5000, 500]);
    const b = loadTaskDataset(parseDatasetDescription(a.description, 'pvc-origin'));
    expect(b.description).toBe(a.description);
    expect(b.data.x).toEqual(a.data.x);
  });

  it('cross-validates end to end on the synthetic 12-lead generator (CLI)', async () => {
    const out = join(tmp, 'cv-syn');
    const r = await cli(
      'cv', 'synthetic', '--task', 'pvc-origin', '--n-segments', '12', '--folds', '2',
      '--method', 'joint', '--workers', '0', '--preset', 'tiny', '--epochs', '1', '--width', '0.25', '--no-store',
      '--backend', 'wasm', '--out', out,
    ); // prettier-ignore
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| joint \| l2 \| \d+\.\d\d ± \d+\.\d\d \|/);
    expect(r.stdout).toContain('averaged over classes');
    expect(r.stdout).not.toContain('98.8'); // the paper's PVC/APB row belongs to the other task
  });

  it('names what is missing when the origin dataset lacks its labels, in one line', async () => {
    const r = await cli('cv', 'origin', '--task', 'pvc-origin', '--data-dir', tmp, '--no-store');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--labels CSV');
  });

  it('refuses labels with a single origin', () => {
    if (!ludb.present) return;
    const one = join(tmp, 'one.csv');
    writeFileSync(one, 'record,label\n38,RVOT\n45,RVOT\n');
    expect(() =>
      loadTaskDataset({
        name: 'origin',
        task: 'pvc-origin',
        seed: 0,
        dataDir: join(ludb.dir, 'data'),
        labels: one,
      }),
    ).toThrow(BeatlensError);
  });

  it.skipIf(!ludb.present)(
    'imports and cross-validates the real LUDB records with a stated outflow-tract origin',
    async () => {
      const d = loadTaskDataset({
        name: 'origin',
        task: 'pvc-origin',
        seed: 0,
        dataDir: join(ludb.dir, 'data'),
        labels: LUDB_LABELS,
      });
      expect(d.data.classes).toEqual(['LVOT', 'RVOT']);
      expect(d.data.meta.map((m) => `${m.recordId}:${m.label}`).sort()).toEqual([
        '106:RVOT',
        '110:LVOT',
        '38:RVOT',
        '45:RVOT',
        '83:LVOT',
      ]);
      expect([d.data.nLeads, d.data.nSamples, d.data.fs]).toEqual([12, 5000, 500]);
      expect(d.data.x.every(Number.isFinite)).toBe(true);
      const r = await cli(
        'cv', 'origin', '--task', 'pvc-origin', '--data-dir', join(ludb.dir, 'data'),
        '--labels', LUDB_LABELS, '--folds', '2', '--method', 'joint', '--workers', '0', '--preset', 'tiny',
        '--epochs', '1', '--width', '0.25', '--no-store', '--backend', 'wasm',
        '--out', join(tmp, 'cv-ludb'),
      ); // prettier-ignore
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/\| joint \| l2 \|/);
    },
    60_000,
  );

  it.skipIf(!cinc.present)(
    'reads every CinC 2021 sample record as the 12 standard leads at 500 Hz',
    () => {
      const heas = readdirSync(cinc.dir).filter((f) => f.endsWith('.hea'));
      expect(heas).toHaveLength(50);
      for (const f of heas) {
        const { record } = standard12Leads(loadRecordFile(join(cinc.dir, f)).record, f);
        expect(record.leadNames).toEqual([...STANDARD_12_LEADS]);
        expect(record.fs).toBe(500);
        expect(record.nSamples).toBe(5000);
      }
    },
  );
});

describe('rhythm input channels', () => {
  it('any dataset with --rhythm: two more channels, and a description that rebuilds it', () => {
    const plain = loadTaskDataset({ name: 'synthetic', task: 'pvc-apb', seed: 2, nSegments: 6 });
    const a = loadTaskDataset({
      name: 'synthetic',
      task: 'pvc-apb',
      seed: 2,
      nSegments: 6,
      rhythm: true,
    });
    expect(a.description).toBe(`rhythm(${plain.description})`);
    expect([a.data.nLeads, a.data.rhythmChannels]).toEqual([plain.data.nLeads + 2, 2]);
    const spec = parseDatasetDescription(a.description, 'pvc-apb');
    expect(spec.rhythm).toBe(true);
    const b = loadTaskDataset(spec);
    expect(b.description).toBe(a.description);
    expect(b.data.x).toEqual(a.data.x);
  });

  it('cv --rhythm trains a model whose saved config says so, in its own run folder', async () => {
    const out = join(tmp, 'cv-rhythm');
    const r = await cli(
      'cv', 'synthetic', '--n-segments', '16', '--folds', '2', '--fold', '0', '--method', 'mil',
      '--rhythm', '--workers', '0', '--preset', 'tiny', '--epochs', '1', '--width', '0.25',
      '--no-store', '--backend', 'wasm', '--out', out,
    ); // prettier-ignore
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out)).toContain('mil-l2-rr-stratified');
    const model = JSON.parse(
      readFileSync(join(out, 'mil-l2-rr-stratified', 'folds', '0', 'model', 'model.json'), 'utf8'),
    );
    expect([model.nLeads, model.config.rhythmChannels]).toEqual([4, 2]);
  });
});

const mitdb = dataset('mitdb', '100.atr');

describe.skipIf(!mitdb.present || !ludb.present)('--extra-normal and --augment', () => {
  it('adds LUDB training records as NORMAL segments; the description rebuilds the same data', () => {
    const spec = {
      name: 'mitdb',
      task: 'normal-apb-pvc',
      seed: 4,
      records: ['100'],
      resampleHz: 90,
      maxNormalPerRecord: 2,
    };
    const base = loadTaskDataset(spec);
    const a = loadTaskDataset({ ...spec, extraNormal: ['ludb'] });
    expect(a.description).toBe(`${base.description} + extra-normal(ludb; seed=4)`);
    const extra = a.data.meta.slice(base.data.y.length);
    expect(extra.length).toBeGreaterThan(50);
    expect(extra.every((m) => m.label === 'NORMAL' && Number(m.recordId.slice(5)) % 2 === 1)).toBe(
      true,
    );
    expect(a.leadPools).toHaveLength(a.data.y.length);
    expect(a.leadPools!.slice(0, base.data.y.length).every((p) => p === undefined)).toBe(true);
    const b = loadTaskDataset(parseDatasetDescription(a.description, 'normal-apb-pvc'));
    expect(b.description).toBe(a.description);
    expect(b.data.x).toEqual(a.data.x);
    expect(() => loadTaskDataset({ ...spec, task: 'pvc-apb', extraNormal: ['ludb'] })).toThrow(
      /needs a task with a NORMAL class/,
    );
  });

  it('trains end to end with --augment --extra-normal ludb (CLI, 1 epoch) and records both', async () => {
    const out = join(tmp, 'train-extra');
    const r = await cli(
      'train', 'mitdb', '--task', 'normal-apb-pvc', '--records', '100', '--resample', '90',
      '--max-normal-per-record', '4', '--augment', '--extra-normal', 'ludb', '--preset', 'tiny',
      '--epochs', '1', '--width', '0.25', '--backend', 'wasm', '--out', out,
    ); // prettier-ignore
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.config.dataset).toMatch(/ \+ extra-normal\(ludb; seed=1\)$/);
    expect(run.config.preset.augment.gainMax).toBe(2);
    expect(run.config.nTrain).toBeGreaterThan(100);
    expect(run.dataFingerprint).toMatch(/^[0-9a-f]+$/);
  }, 60_000);

  it('names an unknown --extra-normal database in one line', async () => {
    const r = await cli('train', 'mitdb', '--task', 'normal-apb-pvc', '--extra-normal', 'foo');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--extra-normal foo: unknown database');
  });
});
