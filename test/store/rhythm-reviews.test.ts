/**
 * Rhythm review store: the machine's episodes are kept as found, the reviewer's version sits
 * beside them (confirm, relabel, edges, delete), every decision is appended to the log with its
 * before and after state, undo/redo replay the log, and all of it persists over a reopen.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  effectiveEpisodes,
  openStore,
  type MachineEpisode,
  type Store,
} from '../../src-main/store';
import { fakeScan, scanBeat, tempDir } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
let store: Store | null = null;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  store?.close();
  store = null;
  tmp.cleanup();
});

const ep = (rhythm: MachineEpisode['rhythm'], startSample: number, endSample: number) => ({
  rhythm,
  startSample,
  endSample,
  meanRateBpm: rhythm === 'pause' ? null : 90,
  maxRateBpm: rhythm === 'pause' ? null : 120,
  nBeats: 3,
});

function withEpisodes(path = join(tmp.dir, 's.sqlite')): { s: Store; scanId: number } {
  const s = (store = openStore(path));
  const scanId = fakeScan(
    s,
    [100, 400, 700, 1000, 1300, 2500, 2800].map((t) => scanBeat(t)),
  );
  // Given out of order: stored by start (episode 0 = AF at 100, 1 = pause, 2 = VT).
  s.rhythmReviews.storeEpisodes(scanId, { verdict: true, excludedKnown: true }, [
    ep('VT', 2500, 2800),
    ep('AF', 100, 1000),
    ep('pause', 1300, 2500),
  ]);
  return { s, scanId };
}

const states = (s: Store, scanId: number) =>
  s.rhythmReviews.episodes(scanId).map((e) => `${e.episode}:${e.state}`);

describe('rhythm reviews', () => {
  it('confirms, relabels, moves edges and deletes, undoes and redoes; the machine’s is kept', () => {
    const { s, scanId } = withEpisodes();
    expect(s.rhythmReviews.episodes(scanId).map((e) => e.machine.rhythm)).toEqual([
      'AF',
      'pause',
      'VT',
    ]);
    expect(states(s, scanId)).toEqual(['0:machine', '1:machine', '2:machine']);
    expect(s.rhythmReviews.revise(scanId, 0, { action: 'confirm' }).episode).toBe(0);
    // Confirming again changes nothing and logs nothing.
    expect(s.rhythmReviews.revise(scanId, 0, { action: 'confirm' }).decisionId).toBeNull();
    s.rhythmReviews.revise(scanId, 2, { action: 'delete' });
    s.rhythmReviews.revise(scanId, 1, { action: 'relabel', rhythm: 'AFL' });
    s.rhythmReviews.revise(scanId, 1, { action: 'edges', startSample: 1000, endSample: 2800 });
    expect(states(s, scanId)).toEqual(['0:confirmed', '1:changed', '2:deleted']);
    expect(s.rhythmReviews.episodes(scanId)[1].reviewer).toEqual({
      deleted: false,
      rhythm: 'AFL',
      startSample: 1000,
      endSample: 2800,
    });
    expect(effectiveEpisodes(s.rhythmReviews.episodes(scanId))).toEqual([
      { episode: 0, rhythm: 'AF', startSample: 100, endSample: 1000, state: 'confirmed' },
      { episode: 1, rhythm: 'AFL', startSample: 1000, endSample: 2800, state: 'changed' },
    ]);
    // The machine's rows never change.
    expect(() => s.db.prepare("UPDATE scan_episodes SET rhythm = 'VT'").run()).toThrow(
      /never changed/,
    );
    expect(() => s.db.prepare("UPDATE rhythm_decisions SET action = 'confirm'").run()).toThrow(
      /append-only/,
    );
    // Undo the edges, the relabel and the delete; one more undo takes back the confirm.
    expect(s.rhythmReviews.undo(scanId).episode).toBe(1);
    expect(s.rhythmReviews.episodes(scanId)[1].reviewer!.startSample).toBe(1300);
    s.rhythmReviews.undo(scanId);
    expect(states(s, scanId)).toEqual(['0:confirmed', '1:machine', '2:deleted']);
    s.rhythmReviews.undo(scanId);
    expect(states(s, scanId)).toEqual(['0:confirmed', '1:machine', '2:machine']);
    s.rhythmReviews.undo(scanId);
    expect(states(s, scanId)).toEqual(['0:machine', '1:machine', '2:machine']);
    expect(s.rhythmReviews.undo(scanId).decisionId).toBeNull();
    // Redo two, then a new decision clears the redo stack.
    s.rhythmReviews.redo(scanId);
    s.rhythmReviews.redo(scanId);
    expect(states(s, scanId)).toEqual(['0:confirmed', '1:machine', '2:deleted']);
    expect(s.rhythmReviews.history(scanId)).toMatchObject({ canUndo: true, canRedo: true });
    s.rhythmReviews.revise(scanId, 2, { action: 'confirm' });
    expect(states(s, scanId)).toEqual(['0:confirmed', '1:machine', '2:confirmed']);
    expect(s.rhythmReviews.history(scanId)).toMatchObject({ canUndo: true, canRedo: false });
  });

  it('keeps the reviewer’s episodes and the undo/redo stacks over a reopen', () => {
    const path = join(tmp.dir, 'p.sqlite');
    const { s, scanId } = withEpisodes(path);
    s.rhythmReviews.revise(scanId, 0, { action: 'relabel', rhythm: 'SVT' });
    s.rhythmReviews.revise(scanId, 1, { action: 'delete' });
    s.rhythmReviews.undo(scanId);
    s.close();
    store = null;
    const t = (store = openStore(path));
    expect(states(t, scanId)).toEqual(['0:changed', '1:machine', '2:machine']);
    expect(t.rhythmReviews.history(scanId)).toEqual({
      canUndo: true,
      canRedo: true,
      nDecisions: 3,
    });
    t.rhythmReviews.redo(scanId);
    expect(states(t, scanId)).toEqual(['0:changed', '1:deleted', '2:machine']);
  });

  it('refuses bad decisions with one line, changing nothing', () => {
    const { s, scanId } = withEpisodes();
    expect(() => s.rhythmReviews.revise(scanId, 7, { action: 'confirm' })).toThrow(
      /scan \d+ has no rhythm episode 7/,
    );
    expect(() =>
      s.rhythmReviews.revise(scanId, 0, { action: 'edges', startSample: 150, endSample: 1000 }),
    ).toThrow(/no beat at sample 150: episode edges are R peaks/);
    expect(() =>
      s.rhythmReviews.revise(scanId, 0, { action: 'edges', startSample: 1000, endSample: 100 }),
    ).toThrow(/the start must be a sample before the end/);
    expect(() =>
      s.rhythmReviews.revise(scanId, 0, { action: 'relabel', rhythm: 'AFIB' as 'AF' }),
    ).toThrow(/rhythm 'AFIB' is not one of AF, AFL/);
    expect(() => s.rhythmReviews.revise(scanId + 1, 0, { action: 'confirm' })).toThrow(
      /scan \d+ is not in the store/,
    );
    expect(() =>
      s.rhythmReviews.storeEpisodes(scanId, { verdict: true, excludedKnown: true }, []),
    ).toThrow(/stored already/);
    expect(s.rhythmReviews.history(scanId).nDecisions).toBe(0);
    expect(states(s, scanId)).toEqual(['0:machine', '1:machine', '2:machine']);
  });

  it('goes with its scan when the record is deleted', () => {
    const { s, scanId } = withEpisodes();
    s.rhythmReviews.revise(scanId, 0, { action: 'delete' });
    s.db.prepare('DELETE FROM records').run();
    expect(s.counts()).toMatchObject({ scan_episodes: 0, rhythm_reviews: 0, rhythm_decisions: 0 });
  });
});
