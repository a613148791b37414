/**
 * Crash safety of beat review: a child deciding as fast as it can is SIGKILLed at random moments.
 * After every kill the store passes its integrity checks, every decision the child reported done
 * is in the log, and the reviewer's labels equal a replay of the log (no half-applied decision).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src-main/random';
import { openStore, type ReviewLabel } from '../../src-main/store';
import { fakeImport, tempDir } from './fixtures';
import { bundleChild, runAndKill } from './kill-child';

const tmp = tempDir('beatlens-review-crash-');
const childFile = join(tmp.dir, 'review-crash-child.cjs');

beforeAll(() => bundleChild(join(__dirname, 'review-crash-child.ts'), childFile));
afterAll(() => tmp.cleanup());

/** The reviewer labels a replay of the decision log gives (undo/redo by the stack rule). */
function replay(path: string, scanId: number): Map<number, ReviewLabel> {
  const store = openStore(path);
  try {
    const rows = store.db
      .prepare(
        'SELECT id, action, label, target_id AS targetId FROM review_decisions WHERE scan_id = ? ORDER BY id',
      )
      .all(scanId) as Array<{
      id: number;
      action: string;
      label: ReviewLabel | null;
      targetId: number | null;
    }>;
    const changes = store.db.prepare(
      'SELECT beat_sample AS sample FROM review_changes WHERE decision_id = ?',
    );
    const done: number[] = [];
    let undone: number[] = [];
    let state = new Map<number, ReviewLabel>();
    const snapshots = new Map<
      number,
      { before: Map<number, ReviewLabel>; after: Map<number, ReviewLabel> }
    >();
    for (const r of rows) {
      if (r.action === 'label') {
        const before = new Map(state);
        for (const { sample } of changes.all(r.id) as Array<{ sample: number }>)
          state.set(sample, r.label!);
        snapshots.set(r.id, { before, after: new Map(state) });
        done.push(r.id);
        undone = [];
      } else if (r.action === 'undo') {
        const d = done.pop()!;
        expect(r.targetId).toBe(d);
        undone.push(d);
        state = new Map(snapshots.get(d)!.before);
      } else {
        const d = undone.pop()!;
        expect(r.targetId).toBe(d);
        done.push(d);
        state = new Map(snapshots.get(d)!.after);
      }
    }
    return state;
  } finally {
    store.close();
  }
}

describe('beat review crash safety', () => {
  it('SIGKILL at random moments never loses a decision or leaves half of one', async () => {
    const path = join(tmp.dir, 'review.sqlite');
    const setup = openStore(path);
    setup.records.import(fakeImport('100', { nSamples: 40_000, beatEvery: 200 }));
    const scanId = setup.beatReviews.createScan({
      recordId: '100',
      modelName: 'm',
      beatSource: 'annotations',
      fs: 360,
      minProbability: 0.5,
      beats: Array.from({ length: 150 }, (_, i) => ({
        beatSample: 100 + 200 * i,
        machineLabel: i % 5 === 0 ? ('V' as const) : ('N' as const),
        score: 0.1,
        correlation: null,
        segmentLabel: 'PVC',
        segmentProbability: 0.9,
        referenceSymbol: 'N',
      })),
    });
    setup.close();
    const rng = createRng(7);
    let reported = 0;
    let midDecision = 0;
    for (let k = 0; k < 20; k++) {
      const lines = await runAndKill(childFile, [path, String(scanId)], 20 + rng.int(120));
      const last = lines.at(-1) ?? '';
      if (last.startsWith('decide ')) midDecision++;
      const dones = lines.filter((l) => l.startsWith('done '));
      const store = openStore(path);
      try {
        expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(store.db.pragma('foreign_key_check')).toEqual([]);
        const nLog = store.beatReviews.decisions(scanId).length;
        if (dones.length) {
          const lastDone = Number(dones.at(-1)!.split(' ')[2]);
          expect(nLog, 'a decision reported done was lost').toBeGreaterThanOrEqual(lastDone);
          reported = lastDone;
        }
        const stored = new Map(
          store.beatReviews
            .beats(scanId)
            .filter((b) => b.reviewerLabel !== null)
            .map((b) => [b.beatSample, b.reviewerLabel!]),
        );
        store.close();
        expect(stored).toEqual(replay(path, scanId));
      } finally {
        if (store.db.open) store.close();
      }
    }
    expect(reported).toBeGreaterThan(20);
    // The test only means something if kills land inside decisions.
    expect(midDecision).toBeGreaterThanOrEqual(5);
  }, 120_000);
});
