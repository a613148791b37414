/**
 * The core modules the app services call, gathered behind one typed object so the services can be
 * tested with small fakes and so a module that has not landed yet disables only its screen
 * (app:info lists which are wired) instead of breaking the app. Models are assets now
 * (`model-choice.ts`), never made here.
 */
import type { Beat, EcgRecord } from '../ecg/types';
import { synthesizeRecord } from '../ecg/synthetic';

export interface CoreModules {
  /** H2: a synthetic long record with exact beat annotations. */
  synthesizeRecord?: (opts: {
    seed: number;
    fs?: number;
    nLeads?: number;
    durationSeconds?: number;
    pvcRate?: number;
    apbRate?: number;
  }) => { record: EcgRecord; beats: Beat[] };
}

/** The modules available in this build. */
export function loadCoreModules(): CoreModules {
  return { synthesizeRecord };
}
