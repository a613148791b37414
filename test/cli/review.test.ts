/**
 * `beatlens review list` / `review export`: a scan in the store is listed and exported; WFDB
 * annotations land beside the record's header as <record>.rev and read back through the WFDB
 * reader with the reviewer's labels; CSV and JSON go to --out; bad input is one line, nothing
 * written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWfdbAnnotations } from '../../src-main/ecg/wfdb/annotations';
import { openStore } from '../../src-main/store/index';
import { runCli } from '../helpers/cli';
import { fakeImport, tempDir } from '../store/fixtures';

const tmp = tempDir('beatlens-cli-review-');
const storePath = join(tmp.dir, 'store.sqlite');
let scanId = 0;
let otherScan = 0;
const samples = [100, 400, 700, 1000];

beforeAll(() => {
  const store = openStore(storePath);
  const input = fakeImport('rec1');
  store.records.import({
    ...input,
    record: { ...input.record, source: join(tmp.dir, 'rec1.hea') },
  });
  const csvInput = fakeImport('rec2');
  store.records.import({
    ...csvInput,
    record: { ...csvInput.record, source: join(tmp.dir, 'rec2.csv') },
  });
  const beats = samples.map((s, i) => ({
    beatSample: s,
    machineLabel: i === 1 ? ('V' as const) : ('N' as const),
    score: 0.5,
    correlation: null,
    segmentLabel: 'PVC',
    segmentProbability: 0.9,
    referenceSymbol: null,
  }));
  const scan = {
    modelName: 'shipped',
    beatSource: 'detector' as const,
    fs: 360,
    minProbability: 0.5,
    beats,
  };
  scanId = store.beatReviews.createScan({ recordId: 'rec1', ...scan });
  otherScan = store.beatReviews.createScan({ recordId: 'rec2', ...scan });
  store.beatReviews.label(scanId, [400], 'N');
  store.beatReviews.label(scanId, [700, 1000], 'artefact');
  store.close();
});
afterAll(() => tmp.cleanup());

describe('beatlens review', () => {
  it('lists the scans of the store', async () => {
    const r = await runCli('review', 'list', '--store', storePath);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^${scanId}\\trec1\\tshipped\\t4 beats\\t3 relabelled\\t`, 'm'),
    );
    expect((await runCli('review', 'list', 'rec2', '--store', storePath)).stdout).not.toContain(
      'rec1',
    );
  });

  it("writes WFDB annotations beside the record's header, read back by the WFDB reader", async () => {
    const r = await runCli(
      'review',
      'export',
      String(scanId),
      '--format',
      'wfdb',
      '--store',
      storePath,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(tmp.dir, 'rec1.rev'));
    const anns = readWfdbAnnotations(join(tmp.dir, 'rec1.hea'), 'rev');
    expect(anns.map((a) => [a.sample, a.symbol])).toEqual([
      [100, 'N'],
      [400, 'N'],
      [700, '|'],
      [1000, '|'],
    ]);
  });

  it('writes CSV and JSON to --out', async () => {
    const exportTo = (format: string, out: string) =>
      runCli(
        'review',
        'export',
        String(scanId),
        '--format',
        format,
        '--out',
        out,
        '--store',
        storePath,
      );
    const csv = join(tmp.dir, 'out', 'rec1.csv');
    expect((await exportTo('csv', csv)).code).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^sample,time_s,label,machine_label,reviewer_label,/);
    expect(lines[2]).toMatch(/^400,1\.111,N,V,N,/);
    const json = join(tmp.dir, 'out', 'rec1.json');
    expect((await exportTo('json', json)).code).toBe(0);
    const parsed = JSON.parse(readFileSync(json, 'utf8')) as { beats: Array<{ label: string }> };
    expect(parsed.beats.map((b) => b.label)).toEqual(['N', 'N', 'artefact', 'artefact']);
  });

  it('refuses bad input in one line and writes nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['review', 'export', '999', '--format', 'csv'], /scan 999 is not in the store/],
      [['review', 'export', 'abc', '--format', 'csv'], /scan 'abc' is not a scan id/],
      [
        ['review', 'export', String(scanId), '--format', 'xml'],
        /--format 'xml' is not one of wfdb, csv, json/,
      ],
      [
        ['review', 'export', String(otherScan), '--format', 'wfdb'],
        /rec2 was not imported from a WFDB header .*give --out/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(...args, '--store', storePath);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(tmp.dir, 'rec2.rev'))).toBe(false);
  });
});
