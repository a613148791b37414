/**
 * The core modules the app services call, gathered behind one typed object so the services can be
 * tested with small fakes and so a module that has not landed yet disables only its screen
 * (app:info lists which are wired) instead of breaking the app.
 */
import type { Beat, EcgRecord } from '../ecg/types';
import type { BeatlensModel } from '../model/types';
import { preprocessRecord } from '../ecg/preprocess';
import { synthesizeRecord } from '../ecg/synthetic';
import { defaultModelConfig } from '../model/config';
import { createModel } from '../model/registry';

export interface CoreModules {
  /** H2: per-lead filtering + normalisation applied before the model. */
  preprocessRecord?: (record: EcgRecord) => EcgRecord;
  /** H2: a synthetic long record with exact beat annotations. */
  synthesizeRecord?: (opts: {
    seed: number;
    fs?: number;
    nLeads?: number;
    durationSeconds?: number;
    pvcRate?: number;
    apbRate?: number;
  }) => { record: EcgRecord; beats: Beat[] };
  /** H5: an (untrained) model for a dataset shape. */
  createModelFor?: (shape: {
    method: 'joint' | 'classifier' | 'cascaded';
    pooling: 'l2' | 'max';
    kernelSamples?: number;
    nLeads: number;
    nSamples: number;
    fs: number;
    classes: string[];
    seed: number;
    /** Channel multiplier (smaller = faster, for the demo and tests). */
    width?: number;
  }) => BeatlensModel;
}

/** The modules available in this build. */
export function loadCoreModules(): CoreModules {
  return {
    preprocessRecord: (r) => preprocessRecord(r),
    synthesizeRecord,
    createModelFor: ({ seed, ...shape }) => createModel(defaultModelConfig(shape), seed),
  };
}
