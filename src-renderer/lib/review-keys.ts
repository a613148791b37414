/**
 * The review screen's keys, in one table: the help overlay and docs/app.md list these, and the
 * screen's key handler maps a KeyboardEvent to one of these actions.
 */
import type { ReviewLabel } from '../../src-main/ipc/contract';

export type ReviewAction =
  | { kind: 'label'; label: ReviewLabel }
  | { kind: 'move'; by: 1 | -1; extend: boolean }
  | { kind: 'flagged'; by: 1 | -1 }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'goto' }
  | { kind: 'templates' }
  | { kind: 'sort' }
  | { kind: 'help' }
  | { kind: 'escape' };

export const LABEL_KEYS: Readonly<Record<string, ReviewLabel>> = {
  n: 'N',
  s: 'S',
  v: 'V',
  f: 'F',
  q: 'Q',
  x: 'artefact',
};

/** Key → what it does, for the help overlay (same order as the handler below). */
export const REVIEW_KEY_HELP: ReadonlyArray<[string, string]> = [
  ['j / k', 'next / previous flagged beat'],
  ['→ / ←', 'next / previous beat (in the list order)'],
  ['shift + → / ←', 'extend the selection (a range of beats)'],
  ['n s v f q', 'relabel the current beat or the selection N, S, V, F or Q'],
  ['x', 'relabel as artefact (not a beat)'],
  ['ctrl + z', 'undo (unlimited; kept over a reload)'],
  ['ctrl + shift + z, ctrl + y', 'redo'],
  ['g', 'go to a time (12:30, 1:02:03 or seconds), then Enter'],
  ['o', 'sort the list by time or by score'],
  ['t', 'template view on / off (there ↑/↓ pick a cluster, the label keys relabel it)'],
  ['?', 'this help'],
  ['Esc', 'close the help, clear the selection'],
];

/** The action of a key press, or null for keys the review screen leaves alone. */
export function reviewAction(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
): ReviewAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && key === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
  if (mod && key === 'y') return { kind: 'redo' };
  if (mod || e.altKey) return null;
  if (key === 'ArrowRight' || key === 'ArrowDown')
    return { kind: 'move', by: 1, extend: e.shiftKey };
  if (key === 'ArrowLeft' || key === 'ArrowUp') return { kind: 'move', by: -1, extend: e.shiftKey };
  if (key === 'j') return { kind: 'flagged', by: 1 };
  if (key === 'k') return { kind: 'flagged', by: -1 };
  if (key in LABEL_KEYS) return { kind: 'label', label: LABEL_KEYS[key] };
  if (key === 'g') return { kind: 'goto' };
  if (key === 'o') return { kind: 'sort' };
  if (key === 't') return { kind: 'templates' };
  if (e.key === '?') return { kind: 'help' };
  if (key === 'Escape') return { kind: 'escape' };
  return null;
}

/** Seconds of a typed time: '75', '75.5', '1:15', '0:01:15'; null when it is none. */
export function parseTime(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$|^\d+(:\d{1,2}){1,2}(\.\d+)?$/.test(t)) return null;
  return t.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

/** h:mm:ss.s (or m:ss.s under an hour) of a time in seconds. */
export function formatTime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = (seconds % 60).toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
