import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src-main/cli';
import { readWfdbRecord } from '../../src-main/ecg/wfdb/record';
import { openStore } from '../../src-main/store';
import { dataset } from '../helpers/data';
import { tempDir } from '../store/fixtures';

const sample = dataset('wfdb-sample-data', '100.hea');
const tmp = tempDir('beatlens-cli-');
afterAll(() => tmp.cleanup());
let n = 0;
/** A fresh store path per test. */
const freshStore = () => join(tmp.dir, `store-${++n}.sqlite`);

/** Runs the CLI in-process; returns exit code and captured stdout/stderr. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const o = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((s) => ((stdout += String(s)), true));
  const e = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((s) => ((stderr += String(s)), true));
  try {
    const code = await main(['node', 'beatlens', ...args]);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

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
      const row = r.stdout.split('\n').find((l) => /^\s*100\s/.test(l)) ?? '';
      const [, , nBeats, nPvc, nApb] = row.trim().split(/\s+/).map(Number);
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
    expect(info.schemaVersion).toBe(3);
    expect(info.counts.records).toBe(0);
  });
});
