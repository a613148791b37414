/**
 * Beat review store: the machine's labels are kept, the reviewer's labels sit beside them, every
 * decision (label, undo, redo) is appended to the log and persists, undo/redo replay the log
 * (a reload keeps the redo stack), and `effectiveLabels` prefers the reviewer's label.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { effectiveLabels, MIGRATIONS, openStore, type Store } from '../../src-main/store';
import { fakeImport, fakeScan, scanBeat, tempDir } from './fixtures';

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

const beat = scanBeat;

function withScan(path = join(tmp.dir, 's.sqlite')): { s: Store; scanId: number } {
  const s = (store = openStore(path));
  const scanId = fakeScan(s, [beat(100), beat(400, 'V'), beat(700), beat(1000, 'S')]);
  return { s, scanId };
}

const labels = (s: Store, scanId: number): string[] =>
  effectiveLabels(s, scanId).map((b) => b.label);

describe('beat reviews', () => {
  it('keeps the machine label, labels beats and ranges, undoes and redoes without limit', () => {
    const { s, scanId } = withScan();
    expect(labels(s, scanId)).toEqual(['N', 'V', 'N', 'S']);
    expect(s.beatReviews.history(scanId)).toEqual({
      canUndo: false,
      canRedo: false,
      nDecisions: 0,
    });
    s.beatReviews.label(scanId, [400], 'N');
    s.beatReviews.label(scanId, [100, 400, 700], 'artefact');
    s.beatReviews.label(scanId, [1000], 'V');
    expect(labels(s, scanId)).toEqual(['artefact', 'artefact', 'artefact', 'V']);
    // The machine's labels are untouched and cannot be changed.
    expect(s.beatReviews.beats(scanId).map((b) => b.machineLabel)).toEqual(['N', 'V', 'N', 'S']);
    expect(() => s.db.prepare("UPDATE scan_beats SET machine_label = 'Q'").run()).toThrow(
      /never changed/,
    );
    // Undo all three, then one more undo does nothing.
    expect(s.beatReviews.undo(scanId).samples).toEqual([1000]);
    expect(labels(s, scanId)).toEqual(['artefact', 'artefact', 'artefact', 'S']);
    expect(s.beatReviews.undo(scanId).samples).toEqual([100, 400, 700]);
    expect(labels(s, scanId)).toEqual(['N', 'N', 'N', 'S']);
    s.beatReviews.undo(scanId);
    expect(labels(s, scanId)).toEqual(['N', 'V', 'N', 'S']);
    expect(effectiveLabels(s, scanId).every((b) => b.source === 'machine')).toBe(true);
    expect(s.beatReviews.undo(scanId).decisionId).toBeNull();
    // Redo two, undo one, redo it again.
    s.beatReviews.redo(scanId);
    s.beatReviews.redo(scanId);
    expect(labels(s, scanId)).toEqual(['artefact', 'artefact', 'artefact', 'S']);
    s.beatReviews.undo(scanId);
    s.beatReviews.redo(scanId);
    expect(labels(s, scanId)).toEqual(['artefact', 'artefact', 'artefact', 'S']);
    expect(s.beatReviews.history(scanId)).toMatchObject({ canUndo: true, canRedo: true });
    // A new decision clears the redo stack.
    s.beatReviews.label(scanId, [700], 'F');
    expect(s.beatReviews.history(scanId).canRedo).toBe(false);
    expect(s.beatReviews.redo(scanId).decisionId).toBeNull();
    expect(labels(s, scanId)).toEqual(['artefact', 'artefact', 'F', 'S']);
    // The log is append-only: every label, undo and redo is a row.
    const log = s.beatReviews.decisions(scanId);
    expect(log.map((d) => d.action)).toEqual([
      'label',
      'label',
      'label',
      'undo',
      'undo',
      'undo',
      'redo',
      'redo',
      'undo',
      'redo',
      'label',
    ]);
    expect(() => s.db.prepare("UPDATE review_decisions SET label = 'N'").run()).toThrow(
      /append-only/,
    );
    const e = effectiveLabels(s, scanId)[2];
    expect(e).toEqual({ sample: 700, label: 'F', machineLabel: 'N', source: 'reviewer' });
  });

  it('logs nothing when the labels already hold; refuses unknown beats, labels and scans', () => {
    const { s, scanId } = withScan();
    s.beatReviews.label(scanId, [400], 'N');
    expect(s.beatReviews.label(scanId, [400], 'N').decisionId).toBeNull();
    expect(s.beatReviews.label(scanId, [400, 700], 'N').samples).toEqual([700]);
    expect(() => s.beatReviews.label(scanId, [401], 'N')).toThrow(/no beat at sample 401/);
    expect(() => s.beatReviews.label(scanId, [400], 'X' as 'N')).toThrow(/is not one of/);
    expect(() => s.beatReviews.label(scanId + 1, [400], 'N')).toThrow(
      /scan \d+ is not in the store/,
    );
    expect(() => effectiveLabels(s, scanId + 1)).toThrow(/not in the store/);
    // A refused decision wrote nothing.
    expect(s.beatReviews.decisions(scanId)).toHaveLength(2);
    expect(() =>
      s.beatReviews.createScan({
        recordId: '100',
        modelName: null,
        beatSource: 'detector',
        fs: 360,
        minProbability: 0.5,
        beats: [beat(5), beat(5)],
      }),
    ).toThrow(/sample 5 twice/);
    expect(s.beatReviews.scans('100')).toHaveLength(1);
  });

  it('keeps labels, the undo and the redo stack across a reopen (restart)', () => {
    const path = join(tmp.dir, 'reopen.sqlite');
    const { s, scanId } = withScan(path);
    s.beatReviews.label(scanId, [100], 'V');
    s.beatReviews.label(scanId, [700], 'Q');
    s.beatReviews.undo(scanId);
    s.close();
    const r = (store = openStore(path));
    expect(r.version).toBe(MIGRATIONS.length);
    expect(labels(r, scanId)).toEqual(['V', 'V', 'N', 'S']);
    expect(r.beatReviews.history(scanId)).toMatchObject({ canUndo: true, canRedo: true });
    r.beatReviews.redo(scanId);
    expect(labels(r, scanId)).toEqual(['V', 'V', 'Q', 'S']);
    expect(r.beatReviews.scans('100')[0]).toMatchObject({
      nBeats: 4,
      nReviewed: 2,
      modelName: 'test model',
    });
  });

  it("protects a record whose scan holds the reviewer's decisions; a scan alone goes with it", () => {
    const { s, scanId } = withScan();
    s.beatReviews.label(scanId, [100], 'V');
    expect(() => s.records.delete('100')).toThrow(
      /record 100 cannot be deleted: .*1 reviewDecisions/,
    );
    expect(s.beatReviews.scans('100')).toHaveLength(1);
    s.records.import(fakeImport('200'));
    s.beatReviews.createScan({
      recordId: '200',
      modelName: null,
      beatSource: 'detector',
      fs: 360,
      minProbability: 0.5,
      beats: [beat(5)],
    });
    s.records.delete('200');
    expect(s.beatReviews.scans('200')).toHaveLength(0);
    expect(s.counts().scan_beats).toBe(4);
  });
});
