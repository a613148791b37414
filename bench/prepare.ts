/**
 * Seconds to read + preprocess + segment MIT-BIH: all of $BEATLENS_DATA/mitdb when present
 * (else ../shared/data/mitdb), otherwise the sample record 100 from wfdb-sample-data.
 * Run: npx tsx bench/prepare.ts
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatPreparedCounts, listWfdbRecords, prepareMitdb } from '../src-main/ecg/prepare';
import { preprocessRecord } from '../src-main/ecg/preprocess';
import { segmentRecord } from '../src-main/ecg/segments';
import { readBeats } from '../src-main/ecg/wfdb/annotations';
import { readWfdbRecord } from '../src-main/ecg/wfdb/record';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataRoot = process.env.BEATLENS_DATA
  ? resolve(process.env.BEATLENS_DATA)
  : resolve(root, '..', 'shared', 'data');
const mitdb = join(dataRoot, 'mitdb');
const hasMitdb = existsSync(mitdb);
const dir = hasMitdb ? mitdb : join(dataRoot, 'wfdb-sample-data');
const records = hasMitdb ? listWfdbRecords(mitdb) : ['100'];
if (!existsSync(join(dir, `${records[0]}.hea`))) {
  console.error(`no MIT-BIH data: neither ${mitdb} nor ${dir}/100.hea exists (set BEATLENS_DATA)`);
  process.exit(1);
}
console.log(`${hasMitdb ? 'mitdb' : 'sample record 100 (mitdb not present)'}: ${dir}`);

// Stage timings (same functions prepareMitdb calls), then the end-to-end call.
let readS = 0;
let preprocessS = 0;
let segmentS = 0;
let nSamples = 0;
for (const id of records) {
  const t0 = performance.now();
  const record = readWfdbRecord(join(dir, id));
  const beats = readBeats(join(dir, id));
  const t1 = performance.now();
  const pre = preprocessRecord(record);
  const t2 = performance.now();
  segmentRecord(pre, beats, { maxSamples: 2000, task: 'pvc-apb' });
  const t3 = performance.now();
  readS += (t1 - t0) / 1000;
  preprocessS += (t2 - t1) / 1000;
  segmentS += (t3 - t2) / 1000;
  nSamples += record.nSamples * record.signals.length;
}
const t0 = performance.now();
const db = prepareMitdb(dir, { records });
const totalS = (performance.now() - t0) / 1000;
console.log(formatPreparedCounts(db));
console.log(
  `${records.length} record(s), ${(nSamples / 1e6).toFixed(1)} M samples: read ${readS.toFixed(2)} s, ` +
    `preprocess ${preprocessS.toFixed(2)} s, segment ${segmentS.toFixed(2)} s; ` +
    `prepareMitdb end-to-end ${totalS.toFixed(2)} s`,
);
