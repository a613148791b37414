/**
 * The record library of a running app: imported and demo records, their summaries, and decimated
 * windows with model attention for the viewer. Attention is computed per model-sized tile on
 * demand and cached, so panning over a 30-minute record only runs the model on visible tiles.
 */
import type { Beat, EcgRecord } from '../ecg/types';
import { BeatlensError } from '../errors';
import type { RecordSummary, RecordWindow } from '../ipc/contract';
import { bucketMax, decimateMinMax, toJsonArray } from './decimate';
import { checkRecordFits, cutTile, runSegments } from './inference';
import type { LoadedModel, TileResult } from './inference';

/** Above this many tiles in one window the viewer asks the user to zoom in for attention. */
export const MAX_ATTENTION_TILES = 24;

interface Entry {
  /** Signals are loaded on first use for records that come from the store. */
  record: EcgRecord | null;
  load: () => EcgRecord;
  /** Metadata for listing without loading signals. */
  meta: Omit<EcgRecord, 'signals'>;
  beats: Beat[] | null;
  /** Model input version of the record (preprocessed), made on first use. */
  modelInput: EcgRecord | null;
  /** tile index → result, for the current model only. */
  tiles: Map<number, TileResult>;
}

export function summarize(
  record: Omit<EcgRecord, 'signals'> & { nLeads?: number; signals?: Float32Array[] },
  beats: Beat[] | null,
): RecordSummary {
  let beatCounts: Record<string, number> | null = null;
  if (beats) {
    beatCounts = { N: 0, S: 0, V: 0, F: 0, Q: 0 };
    for (const b of beats) beatCounts[b.aami] = (beatCounts[b.aami] ?? 0) + 1;
  }
  return {
    id: record.id,
    patientId: record.patientId,
    fs: record.fs,
    nLeads: record.signals?.length ?? record.nLeads ?? record.leadNames.length,
    leadNames: record.leadNames,
    nSamples: record.nSamples,
    durationSeconds: record.nSamples / record.fs,
    beatCounts,
    source: record.source,
  };
}

export class RecordLibrary {
  private readonly entries = new Map<string, Entry>();
  private model: LoadedModel | null = null;

  constructor(private readonly preprocess?: (r: EcgRecord) => EcgRecord) {}

  add(record: EcgRecord, beats: Beat[] | null): RecordSummary {
    const { signals: _signals, ...meta } = record;
    this.entries.set(record.id, {
      record,
      load: () => record,
      meta,
      beats,
      modelInput: null,
      tiles: new Map(),
    });
    return summarize(record, beats);
  }

  /** A record whose signals stay on disk until it is first viewed (records from the store). */
  addLazy(meta: Omit<EcgRecord, 'signals'>, beats: Beat[] | null, load: () => EcgRecord): void {
    this.entries.set(meta.id, {
      record: null,
      load,
      meta,
      beats,
      modelInput: null,
      tiles: new Map(),
    });
  }

  has(recordId: string): boolean {
    return this.entries.has(recordId);
  }

  private entry(recordId: string): Entry & { record: EcgRecord } {
    const e = this.entries.get(recordId);
    if (!e)
      throw new BeatlensError('record-not-found', `record '${recordId}' is not in the library`);
    e.record ??= e.load();
    return e as Entry & { record: EcgRecord };
  }

  list(search?: string): RecordSummary[] {
    const q = (search ?? '').trim().toLowerCase();
    return [...this.entries.values()]
      .map((e) => summarize(e.meta, e.beats))
      .filter(
        (s) =>
          !q ||
          s.id.toLowerCase().includes(q) ||
          s.patientId.toLowerCase().includes(q) ||
          s.source.toLowerCase().includes(q),
      );
  }

  get(recordId: string): { record: EcgRecord; beats: Beat[] | null } {
    const e = this.entry(recordId);
    return { record: e.record, beats: e.beats };
  }

  /** Replaces the model used for attention; cached tiles of the old model are dropped. */
  setModel(model: LoadedModel | null): void {
    this.model = model;
    for (const e of this.entries.values()) e.tiles.clear();
  }

  currentModel(): LoadedModel | null {
    return this.model;
  }

  /** Model results for tiles [t0, t1] of a record (computed once, then cached). */
  tileResults(recordId: string, t0: number, t1: number): Map<number, TileResult> {
    const e = this.entry(recordId);
    if (!this.model) throw new BeatlensError('no-model', 'no model is loaded');
    const { model } = this.model;
    checkRecordFits(model, e.record);
    e.modelInput ??= this.preprocess ? this.preprocess(e.record) : e.record;
    const n = model.config.nSamples;
    const missing: number[] = [];
    for (let t = t0; t <= t1; t++) if (!e.tiles.has(t)) missing.push(t);
    const batchSize = 16;
    for (let i = 0; i < missing.length; i += batchSize) {
      const batch = missing.slice(i, i + batchSize);
      const results = runSegments(
        model,
        batch.map((t) => cutTile(e.modelInput!, t, n)),
      );
      batch.forEach((t, j) => e.tiles.set(t, results[j]));
    }
    const out = new Map<number, TileResult>();
    for (let t = t0; t <= t1; t++) out.set(t, e.tiles.get(t)!);
    return out;
  }

  window(args: {
    recordId: string;
    startSample: number;
    nSamples: number;
    maxPoints: number;
    withAttention?: boolean;
  }): RecordWindow {
    const { record, beats } = this.get(args.recordId);
    if (args.startSample >= record.nSamples) {
      throw new BeatlensError(
        'window-out-of-range',
        `startSample=${args.startSample} is past the end of record ${record.id} (${record.nSamples} samples)`,
      );
    }
    const nSamples = Math.min(args.nSamples, record.nSamples - args.startSample);
    const leads = record.signals.map((s) =>
      decimateMinMax(s, args.startSample, nSamples, args.maxPoints),
    );
    const bucketSamples = leads[0].bucketSamples;
    const end = args.startSample + nSamples;
    const windowBeats = (beats ?? [])
      .filter((b) => b.sample >= args.startSample && b.sample < end)
      .map((b) => ({ sample: b.sample, symbol: b.symbol, aami: b.aami }));

    let attention: number[] | null = null;
    const predictions: RecordWindow['predictions'] = [];
    let modelNote: string | null = this.model ? this.model.note : 'no model loaded';
    if (args.withAttention !== false && this.model) {
      const tileN = this.model.model.config.nSamples;
      const t0 = Math.floor(args.startSample / tileN);
      const t1 = Math.floor((end - 1) / tileN);
      if (t1 - t0 + 1 > MAX_ATTENTION_TILES) {
        modelNote = `zoom in to at most ${MAX_ATTENTION_TILES} segments to see attention`;
      } else {
        try {
          const tiles = this.tileResults(record.id, t0, t1);
          const full = new Float32Array((t1 - t0 + 1) * tileN);
          const classes = this.model.model.config.classes;
          for (const [t, r] of tiles) {
            if (r.attention) full.set(r.attention, (t - t0) * tileN);
            let best = 0;
            for (let c = 1; c < r.probabilities.length; c++) {
              if (r.probabilities[c] > r.probabilities[best]) best = c;
            }
            predictions.push({
              startSample: t * tileN,
              nSamples: tileN,
              label: classes[best],
              probability: r.probabilities[best],
            });
          }
          const hasAttention = [...tiles.values()].some((r) => r.attention);
          if (hasAttention) {
            attention = toJsonArray(
              bucketMax(full, args.startSample - t0 * tileN, nSamples, bucketSamples),
              3,
            );
          }
        } catch (e) {
          if (e instanceof BeatlensError) modelNote = e.message;
          else throw e;
        }
      }
    }
    return {
      recordId: record.id,
      fs: record.fs,
      leadNames: record.leadNames,
      units: record.units,
      startSample: args.startSample,
      nSamples,
      bucketSamples,
      min: leads.map((d) => toJsonArray(d.min)),
      max: leads.map((d) => toJsonArray(d.max)),
      beats: windowBeats,
      attention,
      predictions,
      modelNote,
    };
  }
}
