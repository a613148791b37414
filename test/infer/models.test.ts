import { describe, expect, it } from 'vitest';
import { defaultModelDir, runInfoOf } from '../../src-main/infer/models';
import { readModelManifest, type ModelManifest } from '../../src-main/model/weights';

describe('runInfoOf', () => {
  const shipped = readModelManifest(defaultModelDir());
  const withMeta = (meta: Record<string, unknown>): ModelManifest => ({ ...shipped, meta });

  it('reads the beat rule from the manifest meta', () => {
    const rule = {
      leads: ['MLII|II', 'V1'],
      beatThreshold: 0.2,
      maxCorrelation: 0.9,
      maxPrematurity: 0.95,
      minCompensation: 1.2,
      rhythmFreeCorrelation: 0.5,
    };
    expect(runInfoOf(withMeta(rule))).toEqual(rule);
  });

  it('drops values out of range or of the wrong type (a hand-edited manifest)', () => {
    const info = runInfoOf(
      withMeta({
        beatThreshold: 0,
        maxCorrelation: 'x',
        maxPrematurity: 3,
        minCompensation: -1,
        rhythmFreeCorrelation: 2,
      }),
    );
    expect(info).toEqual({
      leads: undefined,
      beatThreshold: undefined,
      maxCorrelation: undefined,
      maxPrematurity: undefined,
      minCompensation: undefined,
      rhythmFreeCorrelation: undefined,
    });
  });
});
