/**
 * The records' inference with the app's model (the one inference path, `inferRecord`), run in
 * the job worker and kept per model and record. The viewer asks for a window and gets the
 * attention once its record is done (the first window starts the job and reports its progress
 * as `infer-progress` events); grade studies wait for the records of their items.
 */
import { BeatlensError } from '../errors';
import type { JobRunner } from './jobs';
import type { RecordLibrary } from './records';
import type { RecordMaps } from './record-maps';

/** The model a result belongs to; `key` changes whenever the weights do. */
export interface InferenceModel {
  key: string;
  id: string;
  name: string;
  dir: string;
}

export type InferenceEntry =
  | { state: 'running'; jobId: string; done: number; total: number; ended: Promise<unknown> }
  | { state: 'ready'; maps: RecordMaps }
  | { state: 'failed'; code: string; message: string };

/** Map bytes kept for finished records (oldest first out): about 200 h of record at 180 Hz. */
const MAX_READY_BYTES = 512 * 1024 * 1024;

export class RecordInferences {
  private readonly entries = new Map<string, InferenceEntry>();

  constructor(
    private readonly jobs: JobRunner,
    private readonly library: RecordLibrary,
    private readonly maxReadyBytes = MAX_READY_BYTES,
  ) {}

  /** The record's inference with `model`; starts it when it has not run yet. */
  status(model: InferenceModel, recordId: string): InferenceEntry {
    const key = keyOf(model, recordId);
    const e = this.entries.get(key);
    // A cancelled inference (jobs:cancel) runs again when the record is next looked at.
    if (!e || (e.state === 'failed' && e.code === 'cancelled')) {
      this.start(model, [recordId]);
      return this.entries.get(key)!;
    }
    if (e.state === 'ready') {
      // Most recently used last, so eviction drops the record looked at longest ago.
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e;
  }

  /**
   * The maps of every record (one job for those not inferred yet). A record the model cannot
   * read is an error naming it.
   */
  async maps(
    model: InferenceModel,
    recordIds: readonly string[],
  ): Promise<Map<string, RecordMaps>> {
    const ids = [...new Set(recordIds)];
    const missing = ids.filter((id) => !this.entries.has(keyOf(model, id)));
    if (missing.length > 0) this.start(model, missing);
    const out = new Map<string, RecordMaps>();
    for (const id of ids) {
      let e = this.entries.get(keyOf(model, id));
      if (e?.state === 'running') {
        await e.ended;
        e = this.entries.get(keyOf(model, id));
      }
      if (!e) {
        throw new BeatlensError(
          'inference-evicted',
          `record ${id}: its inference was dropped from memory`,
        );
      }
      if (e.state === 'failed') throw new BeatlensError(e.code, `record ${id}: ${e.message}`);
      if (e.state === 'ready') out.set(id, e.maps);
    }
    return out;
  }

  /** Forgets a record's results (it was imported again). */
  forget(recordId: string): void {
    for (const k of [...this.entries.keys()]) {
      if (k.endsWith(`\n${recordId}`)) this.entries.delete(k);
    }
  }

  private start(model: InferenceModel, recordIds: readonly string[]): void {
    const items = recordIds.map((id) => this.library.get(id));
    const job = this.jobs.start('infer', { kind: 'infer', modelDir: model.dir, items }, (m, j) => {
      if (m.type === 'infer-progress') {
        const e = this.entries.get(keyOf(model, m.recordId));
        if (e?.state === 'running') [e.done, e.total] = [m.done, m.total];
        return {
          type: 'infer-progress',
          jobId: j.id,
          recordId: m.recordId,
          done: m.done,
          total: m.total,
        };
      }
      if (m.type === 'infer-record') this.setReady(keyOf(model, m.maps.recordId), m.maps);
      if (m.type === 'infer-failed') {
        this.entries.set(keyOf(model, m.recordId), {
          state: 'failed',
          code: m.code,
          message: m.message,
        });
      }
      return null;
    });
    const ended = this.jobs.whenDone(job.id).then((end) => {
      // A worker that died (or was cancelled) leaves its unfinished records failed, with why.
      for (const id of recordIds) {
        const e = this.entries.get(keyOf(model, id));
        if (e?.state === 'running' && e.jobId === job.id) {
          this.entries.set(keyOf(model, id), {
            state: 'failed',
            code: end.state === 'cancelled' ? 'cancelled' : 'inference-failed',
            message: end.message,
          });
        }
      }
    });
    for (const id of recordIds) {
      this.entries.set(keyOf(model, id), {
        state: 'running',
        jobId: job.id,
        done: 0,
        total: 0,
        ended,
      });
    }
  }

  private setReady(key: string, maps: RecordMaps): void {
    this.entries.delete(key);
    this.entries.set(key, { state: 'ready', maps });
    let bytes = 0;
    for (const e of this.entries.values()) if (e.state === 'ready') bytes += e.maps.map.byteLength;
    for (const [k, e] of this.entries) {
      if (bytes <= this.maxReadyBytes || k === key) break;
      if (e.state !== 'ready') continue;
      bytes -= e.maps.map.byteLength;
      this.entries.delete(k);
    }
  }
}

const keyOf = (model: InferenceModel, recordId: string): string => `${model.key}\n${recordId}`;
