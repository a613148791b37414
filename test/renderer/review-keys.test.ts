/** The review screen's key table: every documented key maps to its action; times parse. */
import { describe, expect, it } from 'vitest';
import { formatTime, parseTime, reviewAction } from '../../src-renderer/lib/review-keys';

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
