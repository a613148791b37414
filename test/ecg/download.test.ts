import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MITDB_RECORDS, downloadDatabase } from '../../src-main/ecg/download';
import { readBeats } from '../../src-main/ecg/wfdb/annotations';
import { readWfdbAdc, readWfdbRecord } from '../../src-main/ecg/wfdb/record';
import { dataset } from '../helpers/data';
import { expectBeatlensErrorAsync } from './wfdb/expect-error';

const d = dataset('wfdb-sample-data', '100.hea');
const N_FRAMES = 3600; // 10 s of record 100 keeps the 48-record mirror small and fast

describe.skipIf(!d.present)(`downloadDatabase against a local mirror (${d.skipReason})`, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'beatlens-dl-'));
  const mirror = join(tmp, 'mirror');
  const requests: string[] = [];
  const failing = new Set<string>();
  const corrupt = new Set<string>();
  let baseUrl = '';
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    // A copy of the first 10 s of record 100 under each of the 48 MIT-BIH names, with headers
    // rewritten to the new name, length and checksums.
    mkdirSync(mirror);
    const { adc } = readWfdbAdc(join(d.dir, '100'));
    const sums = adc.map((s) => {
      let sum = 0;
      for (let t = 0; t < N_FRAMES; t++) sum += s[t];
      return ((sum % 65536) + 65536) % 65536;
    });
    const dat = readFileSync(join(d.dir, '100.dat')).subarray(0, N_FRAMES * 3);
    const atr = readFileSync(join(d.dir, '100.atr'));
    for (const r of MITDB_RECORDS) {
      writeFileSync(
        join(mirror, `${r}.hea`),
        `${r} 2 360 ${N_FRAMES}\n${r}.dat 212 200 11 1024 995 ${sums[0]} 0 MLII\n${r}.dat 212 200 11 1024 1011 ${sums[1]} 0 V5\n`,
      );
      writeFileSync(join(mirror, `${r}.dat`), dat);
      writeFileSync(join(mirror, `${r}.atr`), atr);
    }
    const server = createServer((req, res) => {
      const file = (req.url ?? '').replace(/^\/mitdb\//, '');
      requests.push(file);
      if (failing.has(file)) {
        res.writeHead(500, 'Internal Server Error').end();
        return;
      }
      const path = join(mirror, file);
      if (!/^[\w.]+$/.test(file) || !existsSync(path)) {
        res.writeHead(404, 'Not Found').end();
        return;
      }
      const body = readFileSync(path);
      if (corrupt.has(file)) body[100] ^= 0xff;
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mitdb/`;
    close = () => new Promise((ok) => server.close(() => ok()));
  });
  afterAll(async () => {
    await close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('fetches the 48 records (.hea .dat .atr) into a folder renamed on success', async () => {
    requests.length = 0;
    const progress: Array<[number, number, string]> = [];
    const dest = await downloadDatabase('mitdb', join(tmp, 'full', 'mitdb'), {
      baseUrl,
      onProgress: (done, total, file) => progress.push([done, total, file]),
    });
    expect(dest).toBe(join(tmp, 'full', 'mitdb'));
    expect(readdirSync(dest)).toHaveLength(144);
    expect(existsSync(`${dest}.partial`)).toBe(false);
    expect(progress).toHaveLength(144);
    expect(progress.at(-1)?.slice(0, 2)).toEqual([144, 144]);
    expect(new Set(requests).size).toBe(144);
    const rec = readWfdbRecord(join(dest, '234'));
    expect([rec.id, rec.nSamples, rec.fs]).toEqual(['234', N_FRAMES, 360]);
    expect(readBeats(join(dest, '234')).length).toBe(2273);
    // A complete destination is not fetched again.
    requests.length = 0;
    await downloadDatabase('mitdb', dest, { baseUrl });
    expect(requests).toHaveLength(0);
  });

  it('keeps finished files after a failure and resumes with only the missing ones', async () => {
    const dest = join(tmp, 'resume', 'mitdb');
    requests.length = 0;
    failing.add('105.dat');
    const err = await expectBeatlensErrorAsync(
      () => downloadDatabase('mitdb', dest, { baseUrl, concurrency: 2 }),
      'download-http',
      /105\.dat: server answered HTTP 500 Internal Server Error; \d+\/144 files are kept in .*mitdb\.partial; rerun to resume/,
    );
    expect(err.message).toContain(baseUrl);
    const firstRun = new Set(requests.filter((f) => f !== '105.dat'));
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(`${dest}.partial`).sort()).toEqual([...firstRun].sort());

    failing.clear();
    requests.length = 0;
    await downloadDatabase('mitdb', dest, { baseUrl });
    expect(requests.filter((f) => firstRun.has(f))).toEqual([]);
    expect(requests.length).toBe(144 - firstRun.size);
    expect(readdirSync(dest)).toHaveLength(144);
  });

  it('removes a record whose checksum fails so that a rerun fetches it again', async () => {
    const dest = join(tmp, 'corrupt', 'mitdb');
    corrupt.add('213.dat');
    await expectBeatlensErrorAsync(
      () => downloadDatabase('mitdb', dest, { baseUrl }),
      'download-corrupt',
      /downloaded record 213 is corrupt \(.*213\.dat: checksum mismatch .*\); its files were removed/,
    );
    expect(readdirSync(`${dest}.partial`).filter((f) => f.startsWith('213.'))).toEqual([]);
    corrupt.clear();
    requests.length = 0;
    await downloadDatabase('mitdb', dest, { baseUrl });
    expect(requests.sort()).toEqual(['213.atr', '213.dat', '213.hea']);
  });

  it('gives one line when the server is unreachable, answers 404, or the folder is foreign', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    await expectBeatlensErrorAsync(
      () =>
        downloadDatabase('mitdb', join(tmp, 'offline', 'mitdb'), {
          baseUrl: `http://127.0.0.1:${port}/`,
        }),
      'download-network',
      new RegExp(
        `cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): the network is unreachable`,
      ),
    );
    await expectBeatlensErrorAsync(
      () =>
        downloadDatabase('mitdb', join(tmp, 'missing', 'mitdb'), {
          baseUrl: baseUrl.replace('/mitdb/', '/nothing/'),
        }),
      'download-http',
      /HTTP 404 Not Found/,
    );
    const foreign = join(tmp, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await expectBeatlensErrorAsync(
      () => downloadDatabase('mitdb', foreign, { baseUrl }),
      'download-dest-exists',
      /foreign exists but does not hold the complete mitdb/,
    );
    await expectBeatlensErrorAsync(
      () => downloadDatabase('nope' as 'mitdb', join(tmp, 'x'), { baseUrl }),
      'download-unknown-database',
      /unknown database 'nope'; available: mitdb/,
    );
  });
});
