/** The review screen's key table: every documented key maps to its action; times parse. */
import { describe, expect, it } from 'vitest';
import {
  episodeRevision,
  formatTime,
  parseTime,
  reviewAction,
  RHYTHM_KEY_HELP,
  rhythmAction,
} from '../../src-renderer/lib/review-keys';

const key = (
  k: string,
  mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {},
) =>
  reviewAction({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('reviewAction', () => {
  it('maps relabel, navigation, range, undo and redo keys', () => {
    expect(['n', 's', 'v', 'f', 'q', 'x'].map((k) => key(k))).toEqual(
      ['N', 'S', 'V', 'F', 'Q', 'artefact'].map((label) => ({ kind: 'label', label })),
    );
    expect(key('V', { shiftKey: true })).toEqual({ kind: 'label', label: 'V' });
    expect(key('j')).toEqual({ kind: 'flagged', by: 1 });
    expect(key('k')).toEqual({ kind: 'flagged', by: -1 });
    expect(key('ArrowRight', { shiftKey: true })).toEqual({ kind: 'move', by: 1, extend: true });
    expect(key('ArrowLeft')).toEqual({ kind: 'move', by: -1, extend: false });
    expect(key('z', { ctrlKey: true })).toEqual({ kind: 'undo' });
    expect(key('Z', { ctrlKey: true, shiftKey: true })).toEqual({ kind: 'redo' });
    expect(key('y', { ctrlKey: true })).toEqual({ kind: 'redo' });
    expect(key('z', { metaKey: true })).toEqual({ kind: 'undo' });
    expect(key('?', { shiftKey: true })).toEqual({ kind: 'help' });
    expect(key('n', { ctrlKey: true })).toBeNull();
    expect(key('a')).toBeNull();
  });

  it('parses typed times and formats them back', () => {
    expect(['75', '75.5', '1:15', '0:01:15', '1:02:03'].map(parseTime)).toEqual([
      75, 75.5, 75, 75, 3723,
    ]);
    expect(['', 'abc', '1::2', '-3', '1:2:3:4'].map(parseTime)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(formatTime(75.25)).toBe('1:15.3');
    expect(formatTime(3723)).toBe('1:02:03.0');
  });
});

const rkey = (
  k: string,
  mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {},
) =>
  rhythmAction({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('rhythm episode keys', () => {
  it('e enters the episode table; there keys confirm, delete, relabel, move edges, undo', () => {
    expect(key('e')).toEqual({ kind: 'episodes' });
    expect(rkey('ArrowDown')).toEqual({ kind: 'episode', by: 1 });
    expect(rkey('k')).toEqual({ kind: 'episode', by: -1 });
    expect(rkey('Enter')).toEqual({ kind: 'confirm' });
    expect(rkey('c')).toEqual({ kind: 'confirm' });
    expect(rkey('Delete')).toEqual({ kind: 'delete' });
    expect(rkey('d')).toEqual({ kind: 'delete' });
    expect(rkey('1')).toEqual({ kind: 'relabel', rhythm: 'AF' });
    expect(rkey('2')).toEqual({ kind: 'relabel', rhythm: 'AFL' });
    expect(rkey('9')).toEqual({ kind: 'relabel', rhythm: 'pause' });
    expect(rkey('[')).toEqual({ kind: 'edge', edge: 'start', by: -1 });
    expect(rkey(']')).toEqual({ kind: 'edge', edge: 'start', by: 1 });
    expect(rkey('{', { shiftKey: true })).toEqual({ kind: 'edge', edge: 'end', by: -1 });
    expect(rkey('}', { shiftKey: true })).toEqual({ kind: 'edge', edge: 'end', by: 1 });
    expect(rkey('z', { ctrlKey: true })).toEqual({ kind: 'undo' });
    expect(rkey('Z', { ctrlKey: true, shiftKey: true })).toEqual({ kind: 'redo' });
    expect(rkey('y', { ctrlKey: true })).toEqual({ kind: 'redo' });
    expect(rkey('Escape')).toEqual({ kind: 'leave' });
    expect(rkey('e')).toEqual({ kind: 'leave' });
    expect(rkey('v')).toBeNull();
    expect(RHYTHM_KEY_HELP.length).toBeGreaterThan(5);
  });

  it('moves an edge one R peak, never past the other edge or the record’s beats', () => {
    const beats = [100, 400, 700, 1000, 1300];
    const row = { startSample: 400, endSample: 1000 };
    const frozen = JSON.stringify(row);
    expect(episodeRevision({ kind: 'edge', edge: 'start', by: -1 }, row, beats)).toEqual({
      action: 'edges',
      startSample: 100,
      endSample: 1000,
    });
    expect(episodeRevision({ kind: 'edge', edge: 'end', by: 1 }, row, beats)).toEqual({
      action: 'edges',
      startSample: 400,
      endSample: 1300,
    });
    expect(
      episodeRevision(
        { kind: 'edge', edge: 'start', by: 1 },
        { startSample: 700, endSample: 1000 },
        beats,
      ),
    ).toBeNull();
    expect(
      episodeRevision(
        { kind: 'edge', edge: 'end', by: 1 },
        { startSample: 700, endSample: 1300 },
        beats,
      ),
    ).toBeNull();
    // An edge off the beats (a beat relabelled artefact) moves from its nearest beat.
    expect(
      episodeRevision(
        { kind: 'edge', edge: 'start', by: 1 },
        { startSample: 390, endSample: 1300 },
        beats,
      ),
    ).toEqual({ action: 'edges', startSample: 700, endSample: 1300 });
    expect(episodeRevision({ kind: 'confirm' }, row, beats)).toEqual({ action: 'confirm' });
    expect(episodeRevision({ kind: 'delete' }, row, beats)).toEqual({ action: 'delete' });
    expect(episodeRevision({ kind: 'relabel', rhythm: 'VT' }, row, beats)).toEqual({
      action: 'relabel',
      rhythm: 'VT',
    });
    expect(JSON.stringify(row)).toBe(frozen);
  });
});
