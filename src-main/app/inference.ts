/**
 * Runs a model over fixed-length tiles of a record to get attention and segment predictions for
 * the viewer, the grade study and the flagged-beat scan. Tiles are cut at multiples of the model's
 * nSamples so that a tile's result can be cached and reused while the user pans.
 */
import { tf } from '../model/tf';
import type { BeatlensModel } from '../model/types';
import type { EcgRecord } from '../ecg/types';
import { BeatlensError } from '../errors';

export interface TileResult {
  /** Attention per sample, scaled to [0, 1] by the tile's own maximum; null for 'classifier'. */
  attention: Float32Array | null;
  /** Class probabilities (exp of the log-softmax). */
  probabilities: Float32Array;
}

export interface LoadedModel {
  model: BeatlensModel;
  /** Human-readable origin, e.g. 'untrained joint model (seed 1)'. */
  note: string;
  /** Folder the model is saved in (scans in the worker load it from there). */
  dir?: string;
}

/** Checks that a record can be fed to the model; throws a one-line error naming the mismatch. */
export function checkRecordFits(model: BeatlensModel, record: EcgRecord): void {
  const cfg = model.config;
  if (record.fs !== cfg.fs) {
    throw new BeatlensError(
      'fs-mismatch',
      `record ${record.id}: fs=${record.fs} Hz but the model was trained at ${cfg.fs} Hz`,
    );
  }
  if (record.signals.length !== cfg.nLeads) {
    throw new BeatlensError(
      'lead-mismatch',
      `record ${record.id}: ${record.signals.length} leads but the model expects ${cfg.nLeads}`,
    );
  }
}

/**
 * Forward pass over a batch of (nLeads × nSamples) row-major segments.
 * Returns one TileResult per segment.
 */
export function runSegments(model: BeatlensModel, segments: Float32Array[]): TileResult[] {
  const { nLeads, nSamples } = model.config;
  if (segments.length === 0) return [];
  const nwc = new Float32Array(segments.length * nSamples * nLeads);
  segments.forEach((seg, b) => {
    for (let l = 0; l < nLeads; l++) {
      for (let s = 0; s < nSamples; s++) {
        nwc[(b * nSamples + s) * nLeads + l] = seg[l * nSamples + s];
      }
    }
  });
  // tidy frees the model's intermediate tensors; only the two outputs survive it.
  const outputs = tf.tidy(() => {
    const out = model.forward(tf.tensor3d(nwc, [segments.length, nSamples, nLeads]), false);
    return out.attention ? [out.logits, out.attention] : [out.logits];
  });
  const logProbs = outputs[0].dataSync() as Float32Array;
  const attention = outputs[1] ? (outputs[1].dataSync() as Float32Array) : null;
  for (const t of outputs) t.dispose();
  const nClasses = model.config.classes.length;
  return segments.map((_, b) => {
    const probabilities = new Float32Array(nClasses);
    for (let c = 0; c < nClasses; c++) probabilities[c] = Math.exp(logProbs[b * nClasses + c]);
    if (!attention) return { attention: null, probabilities };
    const a = attention.slice(b * nSamples, (b + 1) * nSamples);
    let hi = 0;
    for (const v of a) if (v > hi) hi = v;
    if (hi > 0) for (let i = 0; i < a.length; i++) a[i] /= hi;
    return { attention: a, probabilities };
  });
}

/** Cuts tile `tile` (samples tile*nSamples ..) of a record, zero-padded past the record's end. */
export function cutTile(record: EcgRecord, tile: number, nSamples: number): Float32Array {
  const nLeads = record.signals.length;
  const out = new Float32Array(nLeads * nSamples);
  const start = tile * nSamples;
  const n = Math.max(0, Math.min(nSamples, record.nSamples - start));
  for (let l = 0; l < nLeads; l++)
    out.set(record.signals[l].subarray(start, start + n), l * nSamples);
  return out;
}
