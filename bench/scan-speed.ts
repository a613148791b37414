/**
 * How fast the whole-record scan (the one inference path) runs, and how much memory it needs:
 *
 *   npx tsx bench/scan-speed.ts [--model DIR] [--hours 24] [--backend wasm]
 *
 * 1. A 30-min 2-lead record: MIT-BIH 119 when ../shared/data/mitdb is present (its annotated
 *    beats), else a synthetic 30-min record. Bar: ≤ 3 s.
 * 2. A synthetic 2-lead Holter of --hours (default 24) at 360 Hz, beats from the QRS detector.
 *    Bars: ≤ 60 s, peak resident memory ≤ 1 GB (sampled every 50 ms during the scan, record
 *    included, after the synthesizer's garbage is collected).
 *
 * The model is the shipped one when present, else a freshly initialised model of the default
 * architecture (speed does not depend on the weights; the printout says which).
 */
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { synthesizeRecord } from '../src-main/ecg/synthetic';
import type { EcgRecord } from '../src-main/ecg/types';
import { readBeats } from '../src-main/ecg/wfdb/annotations';
import { readWfdbRecord } from '../src-main/ecg/wfdb/record';
import { scanRecord } from '../src-main/evaluate/scan';
import { defaultModelDir, loadModelAsset } from '../src-main/infer/models';
import { initBackend, type BackendPreference } from '../src-main/model/backend';
import { defaultModelConfig } from '../src-main/model/config';
import { createModel } from '../src-main/model/registry';
import { tf } from '../src-main/model/tf';
import { dataRoot } from '../src-main/paths';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const backend = await initBackend((arg('backend') ?? 'auto') as BackendPreference);
const modelArg = arg('model');
const useShipped = modelArg !== undefined || existsSync(join(defaultModelDir(), 'model.json'));
const asset = useShipped ? await loadModelAsset(modelArg) : null;
const model =
  asset?.model ??
  createModel(
    defaultModelConfig({
      method: 'joint',
      pooling: 'l2',
      nLeads: 2,
      nSamples: 1000,
      fs: 180,
      classes: ['APB', 'NORMAL', 'PVC'],
    }),
    1,
  );
const info = asset?.info;
console.log(
  `model: ${asset ? `${asset.name} (${asset.dir})` : 'untrained default joint architecture'}, ${model.config.method}, ${model.config.nLeads} leads at ${model.config.fs} Hz; backend ${backend.name} (threads=${backend.threads})`,
);

let peak = 0;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);

// The synthesizer leaves ~0.7 GB of garbage behind on a 24-h record; collect it first so the
// peak is the scan's own (record included), not the generator's.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;

async function timed(label: string, record: EcgRecord, beats: Parameters<typeof scanRecord>[2]) {
  gc?.();
  peak = 0; // sampled during the scan only (the timer below), then once at its end
  const tensors = tf.memory().numTensors;
  const t0 = performance.now();
  const r = await scanRecord(model, record, beats, { info });
  const s = (performance.now() - t0) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `${label}: ${(record.nSamples / record.fs / 60).toFixed(0)} min, ${r.nBeats} beats, ${r.nSegments} segments in ${s.toFixed(2)} s ` +
      `(${(record.nSamples / record.fs / s).toFixed(0)}× real time); peak RSS ${(peak / 2 ** 20).toFixed(0)} MB; ` +
      `tensors leaked ${tf.memory().numTensors - tensors}`,
  );
  return s;
}

const mitdb = join(dataRoot(), 'mitdb', '119');
if (existsSync(`${mitdb}.hea`)) {
  await timed('MIT-BIH 119 (annotated beats)', readWfdbRecord(mitdb), readBeats(mitdb));
  await timed('MIT-BIH 119 (detected beats)', readWfdbRecord(mitdb), null);
} else {
  const { record, beats } = synthesizeRecord({ seed: 1, durationSeconds: 1800, pvcRate: 0.1 });
  await timed('synthetic 30 min (annotated beats)', record, beats);
}
const hours = Number(arg('hours') ?? 24);
const t0 = performance.now();
const holter = synthesizeRecord({ seed: 2, durationSeconds: hours * 3600, pvcRate: 0.05 });
console.log(`(synthesised ${hours} h in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
await timed(`synthetic ${hours} h Holter (detected beats)`, holter.record, null);
clearInterval(timer);
console.log('bars: 30 min ≤ 3 s; 24 h ≤ 60 s with peak RSS ≤ 1024 MB');
model.dispose();
