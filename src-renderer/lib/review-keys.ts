/**
 * The review screen's keys, in one table: the help overlay and docs/app.md list these, and the
 * screen's key handler maps a KeyboardEvent to one of these actions.
 */
import type {
  EpisodeRevision,
  ReviewEpisodeRow,
  ReviewLabel,
  ReviewRhythm,
} from '../../src-main/ipc/contract';

export type ReviewAction =
  | { kind: 'label'; label: ReviewLabel }
  | { kind: 'move'; by: 1 | -1; extend: boolean }
  | { kind: 'flagged'; by: 1 | -1 }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'goto' }
  | { kind: 'templates' }
  | { kind: 'sort' }
  | { kind: 'episodes' }
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
  ['e', 'rhythm episodes: review the episode table (its keys below), e or Esc back to the beats'],
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
  if (key === 'e') return { kind: 'episodes' };
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

/** What a key does in the rhythm-episode table (the `e` mode of the review screen). */
export type RhythmAction =
  | { kind: 'episode'; by: 1 | -1 }
  | { kind: 'confirm' }
  | { kind: 'delete' }
  | { kind: 'relabel'; rhythm: ReviewRhythm }
  | { kind: 'edge'; edge: 'start' | 'end'; by: 1 | -1 }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'help' }
  | { kind: 'leave' };

/** Digit → rhythm in the episode table. */
export const RHYTHM_KEYS: Readonly<Record<string, ReviewRhythm>> = {
  '1': 'AF',
  '2': 'AFL',
  '3': 'SVT',
  '4': 'VT',
  '5': 'bigeminy',
  '6': 'trigeminy',
  '7': 'bradycardia',
  '8': 'tachycardia',
  '9': 'pause',
};

/** The episode table's keys, for the help overlay and docs/app.md (same order as the handler). */
export const RHYTHM_KEY_HELP: ReadonlyArray<[string, string]> = [
  ['↓ / ↑, j / k', 'next / previous episode'],
  ['Enter, c', 'confirm the episode (a deleted one comes back)'],
  ['Delete, Backspace, d', 'delete the episode (not this rhythm)'],
  [
    '1 … 9',
    'relabel: 1 AF, 2 atrial flutter, 3 SVT, 4 VT, 5 bigeminy, 6 trigeminy, 7 bradycardia, 8 tachycardia, 9 pause',
  ],
  ['[ / ]', 'move the start one beat earlier / later'],
  ['shift + [ / ]  ({ / })', 'move the end one beat earlier / later'],
  ['ctrl + z', 'undo a rhythm decision (unlimited; kept over a reload)'],
  ['ctrl + shift + z, ctrl + y', 'redo'],
  ['e, Esc', 'back to the beats'],
];

/** The action of a key press in the episode table, or null for keys it leaves alone. */
export function rhythmAction(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
): RhythmAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && key === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
  if (mod && key === 'y') return { kind: 'redo' };
  if (mod || e.altKey) return null;
  if (key === 'ArrowDown' || key === 'j') return { kind: 'episode', by: 1 };
  if (key === 'ArrowUp' || key === 'k') return { kind: 'episode', by: -1 };
  if (key === 'Enter' || key === 'c') return { kind: 'confirm' };
  if (key === 'Delete' || key === 'Backspace' || key === 'd') return { kind: 'delete' };
  if (key in RHYTHM_KEYS) return { kind: 'relabel', rhythm: RHYTHM_KEYS[key] };
  if (key === '[') return { kind: 'edge', edge: e.shiftKey ? 'end' : 'start', by: -1 };
  if (key === ']') return { kind: 'edge', edge: e.shiftKey ? 'end' : 'start', by: 1 };
  if (key === '{') return { kind: 'edge', edge: 'end', by: -1 };
  if (key === '}') return { kind: 'edge', edge: 'end', by: 1 };
  if (e.key === '?') return { kind: 'help' };
  if (key === 'e' || key === 'Escape') return { kind: 'leave' };
  return null;
}

/**
 * The revision a rhythm key asks of an episode, with its edges moved over `beatSamples` (the
 * scan's R peaks, sorted): null when the key changes nothing (an edge at the record's first or
 * last beat, or an episode that would end where it starts).
 */
export function episodeRevision(
  a: Extract<RhythmAction, { kind: 'confirm' | 'delete' | 'relabel' | 'edge' }>,
  row: Pick<ReviewEpisodeRow, 'startSample' | 'endSample'>,
  beatSamples: readonly number[],
): EpisodeRevision | null {
  if (a.kind === 'confirm') return { action: 'confirm' };
  if (a.kind === 'delete') return { action: 'delete' };
  if (a.kind === 'relabel') return { action: 'relabel', rhythm: a.rhythm };
  const at = a.edge === 'start' ? row.startSample : row.endSample;
  const i = nearestIndex(beatSamples, at);
  const j = i + a.by;
  if (i < 0 || j < 0 || j >= beatSamples.length) return null;
  const [startSample, endSample] =
    a.edge === 'start' ? [beatSamples[j], row.endSample] : [row.startSample, beatSamples[j]];
  return endSample > startSample ? { action: 'edges', startSample, endSample } : null;
}

/** Index of the sample nearest `s` in sorted `samples` (-1 when empty). */
function nearestIndex(samples: readonly number[], s: number): number {
  let lo = 0;
  let hi = samples.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid] < s) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && Math.abs(samples[lo - 1] - s) < Math.abs(samples[lo] - s) ? lo - 1 : lo;
}
