/** Small real models for the tests that train on synthetic data. */
import type { SegmentDataset } from '../../src-main/ecg/types';
import { defaultModelConfig } from '../../src-main/model/config';
import { createModel } from '../../src-main/model/registry';
import type { BeatlensModel } from '../../src-main/model/types';

/** The joint model for `ds`'s signal contract at a quarter of the default widths (fast on wasm). */
export function smallJointModel(
  ds: Pick<SegmentDataset, 'nLeads' | 'nSamples' | 'fs' | 'classes'>,
  seed: number,
): BeatlensModel {
  return createModel(
    defaultModelConfig({
      method: 'joint',
      nLeads: ds.nLeads,
      nSamples: ds.nSamples,
      fs: ds.fs,
      classes: ds.classes,
      width: 0.25,
    }),
    seed,
  );
}
