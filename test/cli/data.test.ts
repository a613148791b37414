import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli as cli } from '../helpers/cli';
import { outflowPvcAxis, synthesizeRecord } from '../../src-main/ecg/synthetic';
import { readWfdbRecord } from '../../src-main/ecg/wfdb/record';
import { createRng } from '../../src-main/random';
import { MIGRATIONS } from '../../src-main/store/migrations';
import { openStore } from '../../src-main/store';
import { writeCsvRecord, writeWfdbRecord } from '../ecg/origin-fixtures';
import { dataset } from '../helpers/data';
import { SECRET_TEXT, writeHostileRecord } from '../helpers/hostile-record';
import { tempDir } from '../store/fixtures';

const sample = dataset('wfdb-sample-data', '100.hea');
const tmp = tempDir('beatlens-cli-');
afterAll(() => tmp.cleanup());
let n = 0;
/** A fresh store path per test. */
const freshStore = () => join(tmp.dir, `store-${++n}.sqlite`);

afterEach(() => vi.restoreAllMocks());

/** Asserts a failure printed exactly one line and exited 1. */
function expectOneLineFailure(r: { code: number; stderr: string }, message: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
}

describe('beatlens import', () => {
  it.skipIf(!sample.present)(
    'imports MIT-BIH record 100 with its 2273 beats, exactly as read',
    async () => {
      const store = freshStore();
      const r = await cli('import', join(sample.dir, '100.hea'), '--store', store);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^imported 100: 2 leads × 650000 samples at 360 Hz .*2273 beats/);
      const listed = JSON.parse((await cli('records', '--json', '--store', store)).stdout);
      expect(listed).toMatchObject([
        { id: '100', nBeats: 2273, nSamples: 650000, nLeads: 2, format: 'wfdb' },
      ]);
      expect(listed[0].checksum).toMatch(/^[0-9a-f]{64}$/);
      const s = openStore(store);
      const stored = s.records.load('100');
      s.close();
      const direct = readWfdbRecord(join(sample.dir, '100'));
      // Byte comparison: toEqual walks 650000 elements one by one and takes seconds.
      const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      expect(bytes(stored.signals[0]).equals(bytes(direct.signals[0]))).toBe(true);
      expect(bytes(stored.signals[1]).equals(bytes(direct.signals[1]))).toBe(true);
      expect(stored.leadNames).toEqual(direct.leadNames);

      const again = await cli('import', join(sample.dir, '100'), '--store', store);
      expectOneLineFailure(again, /record 100 is already in the store .*use --replace/);
      const replaced = await cli(
        'import',
        join(sample.dir, '100'),
        '--replace',
        '--patient',
        'P7',
        '--store',
        store,
      );
      expect(replaced.code, replaced.stderr).toBe(0);
      expect(replaced.stdout).toMatch(/patient P7/);
    },
  );

  it('imports a CSV with --fs and refuses it without', async () => {
    const csv = join(tmp.dir, 'clinic1.csv');
    const rows = Array.from(
      { length: 500 },
      (_, i) => `${Math.sin(i / 10).toFixed(4)},${Math.cos(i / 7).toFixed(4)}`,
    );
    writeFileSync(csv, `I,II\n${rows.join('\n')}\n`);
    const store = freshStore();
    const missing = await cli('import', csv, '--store', store);
    expectOneLineFailure(missing, /clinic1\.csv: .*give fs/);
    expect(existsSync(store)).toBe(false);
    const bad = await cli('import', csv, '--fs', 'fast', '--store', store);
    expectOneLineFailure(bad, /--fs 'fast' is not a positive number/);
    const ok = await cli('import', csv, '--fs', '250', '--store', store);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^imported clinic1: 2 leads × 500 samples at 250 Hz/);
  });

  it.skipIf(!sample.present)('writes nothing when any file of a batch is bad', async () => {
    const dir = join(tmp.dir, 'batch');
    mkdirSync(dir);
    for (const f of ['100.hea', '100.dat', '100.atr'])
      copyFileSync(join(sample.dir, f), join(dir, f));
    // A record whose signal file is truncated to half.
    writeFileSync(
      join(dir, '900.hea'),
      readFileSync(join(dir, '100.hea'), 'utf8').replace(/\b100\b/g, '900'),
    );
    const dat = readFileSync(join(dir, '100.dat'));
    writeFileSync(join(dir, '900.dat'), dat.subarray(0, dat.length >> 1));
    const store = freshStore();
    const r = await cli('import', dir, '--store', store);
    expectOneLineFailure(r, /900/);
    expect(existsSync(store)).toBe(false);
    // The same with a store that already holds data: its rows are unchanged.
    await cli('prepare', 'synthetic', '--seed', '5', '--n-segments', '2', '--store', store);
    const before = openStore(store);
    const counts = before.counts();
    before.close();
    expectOneLineFailure(
      await cli('import', join(dir, '100.hea'), join(dir, '900.hea'), '--store', store),
      /900/,
    );
    const after = openStore(store);
    expect(after.counts()).toEqual(counts);
    after.close();
  });

  it('refuses a header naming a signal file outside its folder, in one line, writing nothing', async () => {
    const { headerPath } = writeHostileRecord(join(tmp.dir, 'hostile'));
    const store = freshStore();
    const r = await cli('import', headerPath, '--store', store);
    expectOneLineFailure(
      r,
      /evil\.hea: line 2: signal file name '\.\.\/secret\.bin' is refused because it contains '\.\.'/,
    );
    expect(r.stderr).not.toContain(SECRET_TEXT);
    expect(existsSync(store)).toBe(false);
  });

  it('names a missing path and exits non-zero from a real process', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(__dirname, '../../src-main/cli.ts'),
        'import',
        join(tmp.dir, 'nope.hea'),
        '--store',
        freshStore(),
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `beatlens: ${join(tmp.dir, 'nope.hea')}: no such file or folder`,
    ]);
  });
});

describe('beatlens prepare', () => {
  it.skipIf(!sample.present)(
    'prepares record 100, stores its segments, and is idempotent',
    async () => {
      const store = freshStore();
      const r = await cli(
        'prepare',
        'mitdb',
        '--dir',
        sample.dir,
        '--records',
        '100',
        '--store',
        store,
      );
      expect(r.code, r.stderr).toBe(0);
      // Columns by their header names (the table gains columns now and then).
      const lines = r.stdout.split('\n');
      const header = (lines.find((l) => /^\s*record\s/.test(l)) ?? '').trim().split(/\s+/);
      const row = (lines.find((l) => /^\s*100\s/.test(l)) ?? '').trim().split(/\s+/);
      const [nBeats, nPvc, nApb] = ['beats', 'PVC', 'APB'].map((c) =>
        Number(row[header.indexOf(c)]),
      );
      expect(nBeats).toBe(2273);
      expect(r.stdout).toMatch(/needs all 48 MIT-BIH records; this run used 1/);
      const s = openStore(store);
      expect(s.segments.countByLabel({ recordId: '100' })).toEqual({
        ...(nPvc ? { PVC: nPvc } : {}),
        ...(nApb ? { APB: nApb } : {}),
      });
      expect(s.records.get('100')).toMatchObject({ nBeats: 2273, patientId: '100' });
      const seg = s.segments.load({ recordId: '100' })[0];
      expect(seg.data.length).toBe(2 * 2000);
      s.close();
      const again = await cli(
        'prepare',
        'mitdb',
        '--dir',
        sample.dir,
        '--records',
        '100',
        '--store',
        store,
      );
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/1 with segments rebuilt/);
      const listed = await cli('segments', '--record', '100', '--json', '--store', store);
      expect(JSON.parse(listed.stdout)).toHaveLength(nPvc + nApb);
    },
  );

  it('builds the synthetic demo study with the requested number of segments', async () => {
    const store = freshStore();
    const r = await cli(
      'prepare',
      'synthetic',
      '--seed',
      '3',
      '--n-segments',
      '6',
      '--store',
      store,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/6 segments: (3 PVC, 3 APB|3 APB, 3 PVC)/);
    const seg = await cli('segments', '--store', store);
    expect(seg.stdout).toMatch(/^6 segments:/m);
    const s = openStore(store);
    expect(s.segments.countByLabel()).toEqual({ APB: 3, PVC: 3 });
    // Every stored segment keeps the exact positions of its abnormal beats.
    for (const x of s.segments.load()) {
      expect(x.beats.some((b) => b.aami === (x.label === 'PVC' ? 'V' : 'S'))).toBe(true);
    }
    s.close();
    expectOneLineFailure(
      await cli('prepare', 'synthetic', '--seed', '3', '--n-segments', '6', '--store', store),
      /already in the store.*--replace/,
    );
    expectOneLineFailure(
      await cli('prepare', 'synthetic', '--n-segments', '0', '--store', store),
      /--n-segments '0'/,
    );
  });

  it('fails with one line on a folder without records', async () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    const store = freshStore();
    expectOneLineFailure(
      await cli('prepare', 'mitdb', '--dir', empty, '--store', store),
      /empty: no annotated WFDB records/,
    );
    expect(existsSync(store)).toBe(false);
  });
});

describe('beatlens prepare origin / prepare synthetic --task pvc-origin', () => {
  const twelve = (seed: number, fs: number, seconds: number, origin: 'LVOT' | 'RVOT') =>
    synthesizeRecord({
      seed,
      fs,
      durationSeconds: seconds,
      leadSystem: 'standard-12',
      pvcAxis: outflowPvcAxis(origin, createRng(seed)),
      pvcRate: 0.2,
    });
  /** A folder with two 10 s 12-lead CSVs at 250 Hz, an annotated WFDB record and a 2-lead CSV. */
  function originFolder(name: string): string {
    const dir = join(tmp.dir, name);
    mkdirSync(dir);
    writeCsvRecord(join(dir, 'a.csv'), twelve(1, 250, 10, 'LVOT').record);
    writeCsvRecord(join(dir, 'b.csv'), twelve(2, 250, 10, 'RVOT').record);
    const c = twelve(3, 500, 25, 'RVOT');
    writeWfdbRecord(dir, 'c', c.record, c.beats);
    writeCsvRecord(join(dir, 'two.csv'), twelve(4, 250, 10, 'LVOT').record, [0, 1]);
    return dir;
  }
  const labelsFile = (name: string, text: string) => {
    const path = join(tmp.dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('stores 12-lead 500 Hz origin segments and is idempotent', async () => {
    const dir = originFolder('origin-ok');
    const labels = labelsFile(
      'origin-ok.csv',
      'record,label,patient\na,LVOT,P1\nb,RVOT,P2\nc,RVOT,P3\n',
    );
    const store = freshStore();
    const args = ['prepare', 'origin', '--dir', dir, '--labels', labels, '--fs', '250'];
    const r = await cli(...args, '--store', store);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^record\s+patient\s+label/);
    expect(r.stdout).toMatch(/not in the labels CSV, left out: 1 record \(two\)/);
    expect(r.stdout).toMatch(
      /stored \d+ pvc-origin segments \(1 LVOT, \d+ RVOT\) of 3 records at 500 Hz \(3 new/,
    );
    const s = openStore(store);
    const counts = s.segments.countByLabel({ task: 'pvc-origin' });
    expect(counts.LVOT).toBe(1);
    expect(counts.RVOT).toBeGreaterThanOrEqual(2);
    for (const seg of s.segments.load({ task: 'pvc-origin' })) {
      expect([seg.nLeads, seg.nSamples, seg.fs, seg.data.length]).toEqual([12, 5000, 500, 60000]);
    }
    expect(s.records.get('a')).toMatchObject({
      fs: 250,
      nLeads: 12,
      patientId: 'P1',
      format: 'csv',
    });
    expect(s.records.get('c')).toMatchObject({ fs: 500, nLeads: 12, format: 'wfdb' });
    expect(s.records.get('c')!.nBeats).toBeGreaterThan(20);
    s.close();
    const again = await cli(...args, '--store', store);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 new, 0 replaced, 3 with segments rebuilt/);
    // Another patient for a stored record needs --replace.
    const moved = labelsFile('origin-moved.csv', 'a,LVOT,P9\n');
    expectOneLineFailure(
      await cli(
        'prepare',
        'origin',
        '--dir',
        dir,
        '--labels',
        moved,
        '--fs',
        '250',
        '--store',
        store,
      ),
      /record a is already in the store for patient P1, not P9; use --replace/,
    );
  });

  it('fails in one line on bad labels, unknown records and wrong lead counts, writing nothing', async () => {
    const dir = originFolder('origin-bad');
    const store = freshStore();
    const run = (labels: string) =>
      cli('prepare', 'origin', '--dir', dir, '--labels', labels, '--fs', '250', '--store', store);
    expectOneLineFailure(
      await run(join(tmp.dir, 'no-labels.csv')),
      /no-labels\.csv: labels file not found/,
    );
    expectOneLineFailure(
      await run(labelsFile('bad-row.csv', 'a,LVOT\nb\n')),
      /bad-row\.csv:2: 'b': expected 'record,label\[,patient\]' rows/,
    );
    expectOneLineFailure(
      await run(labelsFile('unknown.csv', 'a,LVOT\nzz,RVOT\n')),
      /unknown\.csv:2: record zz has no file in .*origin-bad/,
    );
    expectOneLineFailure(
      await run(labelsFile('two-leads.csv', 'a,LVOT\ntwo,RVOT\n')),
      /two\.csv: record two has 2 leads \(I, II\); the pvc-origin task needs the 12 standard leads/,
    );
    expect(existsSync(store)).toBe(false);
    const missing = await cli('prepare', 'origin', '--dir', dir, '--store', store);
    expectOneLineFailure(missing, /required option '--labels <csv>'/);
  });

  it('builds the synthetic 12-lead origin study', async () => {
    const store = freshStore();
    const r = await cli(
      'prepare',
      'synthetic',
      '--task',
      'pvc-origin',
      '--seed',
      '2',
      '--n-segments',
      '4',
      '--store',
      store,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/12 leads × \d+ samples at 500 Hz/);
    expect(r.stdout).toMatch(/\(pvc-origin\), 4 segments: (2 LVOT, 2 RVOT|2 RVOT, 2 LVOT)/);
    const s = openStore(store);
    expect(s.segments.countByLabel({ task: 'pvc-origin' })).toEqual({ LVOT: 2, RVOT: 2 });
    expect(s.segments.load()[0].data.length).toBe(12 * 5000);
    s.close();
    // The 2-lead demo of the same seed has other record ids, so both fit in one store.
    const apb = await cli(
      'prepare',
      'synthetic',
      '--seed',
      '2',
      '--n-segments',
      '2',
      '--store',
      store,
    );
    expect(apb.code, apb.stderr).toBe(0);
    expectOneLineFailure(
      await cli('prepare', 'synthetic', '--task', 'afib', '--store', store),
      /--task 'afib' is not one of pvc-apb, pvc-origin/,
    );
  });
});

describe('beatlens download', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(404).end('not found'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mitdb/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reports a failed download in one line and leaves no database folder', async () => {
    const dest = join(tmp.dir, 'mitdb-download');
    const r = await cli('download', 'mitdb', '--dest', dest, '--base-url', url);
    expectOneLineFailure(r, /404|not found/i);
    expect(existsSync(dest)).toBe(false);
    expectOneLineFailure(
      await cli('download', 'nosuchdb', '--dest', dest),
      /unknown database 'nosuchdb'/,
    );
  });
});

describe('beatlens records / info', () => {
  it('lists an empty store and shows its schema version', async () => {
    const store = freshStore();
    expect((await cli('records', '--store', store)).stdout).toMatch(/^no records in /);
    const info = JSON.parse((await cli('info', '--json', '--store', store)).stdout);
    expect(info.schemaVersion).toBe(MIGRATIONS.length);
    expect(info.counts.records).toBe(0);
  });
});
