/**
 * The record library of a running app: imported and demo records, their summaries, and decimated
 * windows for the viewer with what the app's models made of the record (their inference, run
 * once per record and model in the job worker: `record-inference.ts`): the map model's attention
 * on one scale for the record, the labels model's beat labels and segment predictions.
 */
import type { Beat, EcgRecord } from '../ecg/types';
import { BeatlensError } from '../errors';
import type { RecordSummary, RecordWindow } from '../ipc/contract';
import { decimateMinMax, MinMaxPyramid, toJsonArray } from './decimate';
import { windowAttention } from './record-maps';
import type { InferenceEntry } from './record-inference';

/** One model's part of a window: which model, and its inference of the record. */
export interface ModelInference {
  model: { id: string; name: string };
  entry: InferenceEntry;
}

/**
 * What the window shows of the models: beat labels and predictions from `labels`, the map from
 * `map` (the same model and entry when one model serves both).
 */
export interface WindowInference {
  labels: ModelInference;
  map: ModelInference;
}

interface Entry {
  /** Signals are loaded on first use for records that come from the store. */
  record: EcgRecord | null;
  load: () => EcgRecord;
  /** Metadata for listing without loading signals. */
  meta: Omit<EcgRecord, 'signals'>;
  beats: Beat[] | null;
  /** Per lead, the min/max pyramid behind zoomed-out viewer tiles (built on first use). */
  pyramids?: MinMaxPyramid[];
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
    startTime: record.startTime ?? null,
  };
}

export class RecordLibrary {
  private readonly entries = new Map<string, Entry>();

  add(record: EcgRecord, beats: Beat[] | null): RecordSummary {
    const { signals: _signals, ...meta } = record;
    this.entries.set(record.id, {
      record,
      load: () => record,
      meta,
      beats,
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

  window(
    args: {
      recordId: string;
      startSample: number;
      nSamples: number;
      maxPoints: number;
      withAttention?: boolean;
    },
    inference: WindowInference | null,
  ): RecordWindow {
    const e = this.entry(args.recordId);
    const { record, beats } = e;
    if (args.startSample >= record.nSamples) {
      throw new BeatlensError(
        'window-out-of-range',
        `startSample=${args.startSample} is past the end of record ${record.id} (${record.nSamples} samples)`,
      );
    }
    const nSamples = Math.min(args.nSamples, record.nSamples - args.startSample);
    // Buckets sized by the requested span: a viewer tile past the record's end keeps its size.
    // Zoomed-out tiles come from the pyramid (the same values, without a pass over the samples).
    e.pyramids ??= record.signals.map((s) => new MinMaxPyramid(s));
    const pyramids = e.pyramids;
    const leads = record.signals.map(
      (s, l) =>
        pyramids[l].window(args.startSample, args.nSamples, args.maxPoints) ??
        decimateMinMax(s, args.startSample, args.nSamples, args.maxPoints),
    );
    const bucketSamples = leads[0].bucketSamples;
    const end = args.startSample + nSamples;
    const annotated = (beats ?? [])
      .filter((b) => b.sample >= args.startSample && b.sample < end)
      .map((b) => ({ sample: b.sample, symbol: b.symbol, aami: b.aami }));

    const shown = this.shown(inference, args.startSample, end, bucketSamples);
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
      ...shown,
      attention: args.withAttention === false ? null : shown.attention,
      beats: shown.beats ?? annotated,
      beatSource: shown.beats ? 'model' : annotated.length > 0 || beats ? 'annotations' : null,
    };
  }

  /** The models' part of a window: attention, predictions, beat labels and what they did. */
  private shown(
    inference: WindowInference | null,
    start: number,
    end: number,
    bucketSamples: number,
  ): Pick<
    RecordWindow,
    'attention' | 'mapSource' | 'predictions' | 'model' | 'mapModel' | 'inference' | 'modelNote'
  > & {
    beats: RecordWindow['beats'] | null;
  } {
    if (!inference) {
      return {
        attention: null,
        mapSource: null,
        predictions: [],
        beats: null,
        model: null,
        mapModel: null,
        inference: { state: 'none', done: 0, total: 0 },
        modelNote: 'no trained model available: no attention or beat labels',
      };
    }
    const { labels, map } = inference;
    const same = labels.entry === map.entry;
    const parts = same ? [labels] : [labels, map];
    const running = parts.find((p) => p.entry.state === 'running');
    const failed = parts.find((p) => p.entry.state === 'failed');
    const state = failed ? 'failed' : running ? 'running' : 'ready';
    const notes: string[] = [];
    for (const { model, entry } of parts) {
      if (entry.state === 'running') {
        notes.push(
          `${model.name}: inferring the record${entry.total ? ` (${entry.done} of ${entry.total} segments)` : ''}…`,
        );
      } else if (entry.state === 'failed') {
        notes.push(`${model.name} cannot be run on this record (${entry.code}): ${entry.message}`);
      }
    }
    const l = labels.entry.state === 'ready' ? labels.entry.maps : null;
    const m = map.entry.state === 'ready' ? map.entry.maps : null;
    if (m) {
      const what = m.mapSource === 'gradxinput' ? 'gradient × input' : 'attention';
      const excluded = m.excluded.length
        ? [
            `${m.excluded.length} bad stretch(es) left out (${m.excluded.map((x) => x.reason).join(', ')})`,
          ]
        : [];
      notes.push(
        `${map.model.name}: ${[
          `${what} on one scale for the record (1 = its maximum, ${m.maxValue.toPrecision(3)})`,
          ...m.warnings,
          ...excluded,
        ].join('; ')}`,
      );
    }
    if (l && !same) {
      // The labels' model's own warnings (its map is not shown).
      if (l.warnings.length) notes.push(`${labels.model.name}: ${l.warnings.join('; ')}`);
    }
    const progress = running?.entry.state === 'running' ? running.entry : null;
    const nSegments = (l ?? m)?.segments.length ?? 0;
    return {
      attention: m ? toJsonArray(windowAttention(m, start, end - start, bucketSamples), 3) : null,
      mapSource: m?.mapSource ?? null,
      predictions: l
        ? l.segments
            .filter((s) => s.offset < end && s.offset + s.length > start)
            .map((s) => ({
              startSample: s.offset,
              nSamples: s.length,
              label: s.label,
              probability: s.probability,
            }))
        : [],
      beats: l
        ? l.beats
            .filter((b) => b.sample >= start && b.sample < end)
            .map((b) => ({ sample: b.sample, symbol: b.label, aami: b.label }))
        : null,
      model: labels.model,
      mapModel: map.model,
      inference:
        state === 'running'
          ? { state, done: progress?.done ?? 0, total: progress?.total ?? 0 }
          : state === 'failed'
            ? { state, done: 0, total: 0 }
            : { state, done: nSegments, total: nSegments },
      modelNote: notes.join(' · '),
    };
  }
}
