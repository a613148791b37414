import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateCvRunDir } from '../../src-main/evaluate/cv-run';
import { tinyCvRun } from './cv-fixture';

const dir = mkdtempSync(join(tmpdir(), 'beatlens-cvrun-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evaluateCvRunDir', () => {
  it('rebuilds the dataset of a run folder and scores attention and saliency per fold', async () => {
    const outDir = join(dir, 'run');
    const data = await tinyCvRun(outDir, 5);
    const att = await evaluateCvRunDir(outDir, 'attention');
    expect(att.folds).toHaveLength(2);
    expect(att.nSegments).toBe(8);
    const nAbnormal = data.meta.reduce(
      (s, m) => s + m.beats.filter((b) => b.aami !== 'N').length,
      0,
    );
    expect(att.folds.reduce((s, f) => s + f.nAbnormalBeats, 0)).toBe(nAbnormal);
    for (const f of att.folds) expect(f.pooledAuroc).toBeGreaterThanOrEqual(0);
    const cam = await evaluateCvRunDir(outDir, 'gradcam');
    expect(cam.folds).toHaveLength(2);
    await expect(evaluateCvRunDir(join(dir, 'nothing'), 'attention')).rejects.toThrow(
      /run.json not found/,
    );
  }, 60_000);
});
