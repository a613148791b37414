/**
 * The built-in synthetic demo, kept in the SQLite store like imported data: one long record
 * ('demo-1', for the viewer and flagged-beat review) and H2's synthetic PVC/APB study (records
 * `syn-<seed>-<k>` with their 'pvc-apb' segments, the demo grade-study and training pool). It is
 * written once, at the first start, in one transaction, so a kill leaves either all of it or none.
 */
import { BeatlensError } from '../errors';
import type { CoreModules } from './core';
import { prepareSyntheticIntoStore, PAPER_TASK } from '../store/ingest';
import { sha256Float32 } from '../store/index';
import type { Store, StoredSegmentInfo } from '../store/index';
import type { SegmentDataset } from '../ecg/types';
import { PVC_APB_CLASSES } from '../train/datasets';

/** Shape of the demo study: MIT-BIH-like, 2 leads at 360 Hz, 2000-sample segments. */
export const DEMO = {
  seed: 7,
  fs: 360,
  nLeads: 2,
  nSamples: 2000,
  nSegments: 60,
  modelWidth: 0.25,
} as const;

export const DEMO_RECORD_ID = 'demo-1';

/** Record ids `synthesizeStudy` gives the demo study's records (H2: `syn-<seed>-<k>`). */
const DEMO_STUDY_RECORD = new RegExp(`^syn-${DEMO.seed}-\\d+$`);

export function isDemoStudyRecord(recordId: string): boolean {
  return DEMO_STUDY_RECORD.test(recordId);
}

/** The stored 'pvc-apb' segments, split into the demo study's and everything else. */
export function storedPools(store: Store): {
  demo: StoredSegmentInfo[];
  other: StoredSegmentInfo[];
} {
  const all = store.segments.list({ task: PAPER_TASK });
  return {
    demo: all.filter((s) => isDemoStudyRecord(s.recordId)),
    other: all.filter((s) => !isDemoStudyRecord(s.recordId)),
  };
}

/**
 * The demo study's stored segments as a model-ready dataset, with `ids[i]` the store id of row i
 * (so a training run's predictions name real segments). Reads what `ensureDemoInStore` wrote
 * rather than synthesising it again, so training, studies and reviews see the same segments.
 */
export function loadDemoDataset(store: Store): SegmentDataset & { ids: number[] } {
  const recordIds = [...new Set(storedPools(store).demo.map((s) => s.recordId))];
  if (recordIds.length === 0) {
    throw new BeatlensError(
      'demo-missing',
      `the store has no demo segments (records syn-${DEMO.seed}-<k>): start the app with the demo once`,
    );
  }
  return store.segments.loadDataset({ task: PAPER_TASK, recordIds }, PVC_APB_CLASSES);
}

/**
 * Writes the demo into `store` unless it is already there; returns what was added ([] when
 * nothing). Idempotent: a second start, or a store where `beatlens prepare synthetic` already
 * stored the same seed, writes nothing.
 */
export function ensureDemoInStore(store: Store, core: CoreModules): string[] {
  const missing = (): { record: boolean; study: boolean } => ({
    record: Boolean(core.synthesizeRecord) && !store.records.has(DEMO_RECORD_ID),
    study: storedPools(store).demo.length === 0,
  });
  if (!missing().record && !missing().study) return [];
  return store.transaction(() => {
    // Checked again under the write lock: another process may have written the demo meanwhile.
    const need = missing();
    const added: string[] = [];
    if (need.record && core.synthesizeRecord) {
      const { record, beats } = core.synthesizeRecord({
        seed: DEMO.seed,
        fs: DEMO.fs,
        nLeads: DEMO.nLeads,
        durationSeconds: 300,
        pvcRate: 0.08,
        apbRate: 0.04,
      });
      const demo = { ...record, id: DEMO_RECORD_ID, patientId: DEMO_RECORD_ID };
      store.records.import({
        record: { ...demo, source: `synthetic:${DEMO.seed}` },
        format: 'synthetic',
        checksum: sha256Float32(demo.signals),
        beats,
      });
      added.push(DEMO_RECORD_ID);
    }
    if (need.study) {
      const stored = prepareSyntheticIntoStore(store, {
        seed: DEMO.seed,
        nSegments: DEMO.nSegments,
        fs: DEMO.fs,
        nLeads: DEMO.nLeads,
      });
      if (!stored.every((r) => isDemoStudyRecord(r.id))) {
        throw new BeatlensError(
          'demo-ids',
          `the synthetic demo records are not named syn-${DEMO.seed}-<k> (got ${stored[0]?.id})`,
        );
      }
      added.push(...stored.map((r) => r.id));
    }
    return added;
  });
}
