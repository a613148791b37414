/**
 * Measures a model's quality bounds (src-main/infer/record-quality.ts) on its training records,
 * MIT-BIH DS1 for the shipped model, never on test records: each DS1 record is scanned twice,
 * with its annotated beats and with beatlens's own R peaks, and each statistic's range over those
 * scans, widened by MARGIN of its width on both sides (RR, QRS amplitude and noise ratio on a
 * log scale), becomes its bound. The bounds go into the
 * model's model.json (meta.qualityBounds) with --write; without it nothing is changed.
 *
 *   npx tsx scripts/quality-bounds.ts [--model default] [--write] [--check 100,200,…]
 *
 * --check scans other records (detected beats) and prints their statistics and quality line
 * against the bounds just measured: a look, not an input to the bounds.
 */
import { join, resolve } from 'node:path';
import { loadRecordFile } from '../src-main/ecg/import/load';
import { scanRecord } from '../src-main/evaluate/scan';
import { amendModelMeta, loadModelAsset } from '../src-main/infer/models';
import { type QualityBounds, type Range, type RecordStats } from '../src-main/infer/record-quality';
import { initBackend } from '../src-main/model/backend';
import { dataRoot } from '../src-main/paths';
import { DS1_RECORDS } from '../src-main/train/splitters';

/** Fraction of each training range's width added on both sides. */
const MARGIN = 0.25;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const median = (v: number[]): number => {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The values' range widened by MARGIN of its width on both sides, clamped; a scale (a positive
 * amount: RR, amplitude, noise ratio) is widened on a log scale, by the same fraction of its
 * width in decades, as twice a value is as far above it as half of it is below.
 */
function widened(values: number[], clamp: Range = [-Infinity, Infinity], scale = false): Range {
  const v = values.filter((x) => Number.isFinite(x) && (!scale || x > 0));
  const f = scale ? Math.log : (x: number): number => x;
  const g = scale ? Math.exp : (x: number): number => x;
  const lo = f(Math.min(...v));
  const hi = f(Math.max(...v));
  const w = MARGIN * (hi - lo);
  const round = (x: number): number => Number(x.toPrecision(4));
  return [round(Math.max(clamp[0], g(lo - w))), round(Math.min(clamp[1], g(hi + w)))];
}

const fmt = (s: RecordStats): string =>
  [
    s.medianCorrelation,
    s.ectopicFraction,
    s.medianRrSeconds,
    s.rrIrregularity,
    ...s.qrsAmplitude,
    ...s.noise,
    ...s.between,
    ...s.polarity,
  ]
    .map((v) => v.toFixed(3).padStart(7))
    .join(' ');

async function main(): Promise<void> {
  await initBackend('auto');
  const mitdb = resolve(arg('data-dir') ?? join(dataRoot(), 'mitdb'));
  const { model, info, dir, name } = await loadModelAsset(arg('model'));
  const nLeads = model.config.nLeads - (model.config.rhythmChannels ?? 0);
  process.stdout.write(
    'record  beats        corr ectopic    rr_s  irreg  amp… noise… between… polarity… (per lead)\n',
  );
  const stats: RecordStats[] = [];
  for (const rec of DS1_RECORDS) {
    const { record, beats } = loadRecordFile(join(mitdb, `${rec}.hea`));
    for (const source of ['annotations', 'detector'] as const) {
      const r = await scanRecord(model, record, source === 'annotations' ? beats : null, { info });
      stats.push(r.quality.stats);
      process.stdout.write(`${rec}  ${source.padEnd(11)} ${fmt(r.quality.stats)}\n`);
    }
  }
  const perLead = (pick: (s: RecordStats) => number[], clamp?: Range, scale = false): Range[] =>
    Array.from({ length: nLeads }, (_, l) =>
      widened(
        stats.map((s) => pick(s)[l]),
        clamp,
        scale,
      ),
    );
  const bounds: QualityBounds = {
    measuredOn: `MIT-BIH DS1 (${DS1_RECORDS.length} records), each scanned with its annotated beats and with beatlens's R peaks by this model; each statistic's range over the ${stats.length} scans widened by ${MARGIN} of its width on both sides (RR, QRS amplitude and noise on a log scale) (scripts/quality-bounds.ts)`,
    margin: MARGIN,
    medianCorrelation: widened(
      stats.map((s) => s.medianCorrelation),
      [-1, 1],
    ),
    ectopicFraction: widened(
      stats.map((s) => s.ectopicFraction),
      [0, 1],
    ),
    medianRrSeconds: widened(
      stats.map((s) => s.medianRrSeconds),
      undefined,
      true,
    ),
    rrIrregularity: widened(
      stats.map((s) => s.rrIrregularity),
      [0, Infinity],
    ),
    qrsAmplitude: perLead((s) => s.qrsAmplitude, [0, Infinity], true),
    noise: perLead((s) => s.noise, [0, Infinity], true),
    between: perLead((s) => s.between, [0, Infinity], true),
    polarity: perLead((s) => s.polarity, [-1, 1]),
    typicalNoise: Array.from({ length: nLeads }, (_, l) =>
      Number(median(stats.map((s) => s.noise[l])).toPrecision(4)),
    ),
    typicalBetween: Array.from({ length: nLeads }, (_, l) =>
      Number(median(stats.map((s) => s.between[l])).toPrecision(4)),
    ),
  };
  process.stdout.write(`${JSON.stringify(bounds, null, 1)}\n`);
  const check = arg('check');
  if (check) {
    for (const rec of check.split(',')) {
      const path = rec.includes('/') ? rec : join(mitdb, `${rec}.hea`);
      const { record } = loadRecordFile(path);
      const r = await scanRecord(model, record, null, { info: { ...info, qualityBounds: bounds } });
      process.stdout.write(
        `${record.id}  check       ${fmt(r.quality.stats)}\n  ${r.quality.line}\n`,
      );
    }
  }
  model.dispose();
  if (process.argv.includes('--write')) {
    amendModelMeta(dir, { qualityBounds: bounds });
    process.stdout.write(`wrote meta.qualityBounds into ${join(dir, 'model.json')} (${name})\n`);
  }
}

await main();
