/**
 * Rhythm episodes as WFDB annotations, the way the MIT-BIH Arrhythmia Database carries rhythm:
 * a rhythm-change annotation (`+`, code 28) whose aux text names the rhythm now in force —
 * `(AFIB`, `(AFL`, `(SVTA`, `(VT`, `(B` (ventricular bigeminy), `(T` (ventricular trigeminy),
 * `(SBR` (sinus bradycardia) — until the next `+`; `(N` where an episode ends and no other is in
 * force. MIT-BIH's rhythm list has no tachycardia that is not SVT or VT: a rate episode is
 * `(TACH` (readers take any aux text; a rhythm comparator scores it as a rhythm of its own).
 *
 * Pauses are not rhythms: one long RR interval inside whatever rhythm holds. Written as `(PAUSE`
 * they would end the rhythm in force and need it restated after, and rhythm comparators (WFDB's
 * `epicmp`, `rxr`) would score them as an unknown rhythm. So a pause is a comment annotation
 * (`"`, code 22, as WFDB's own annotators write notes) with aux `PAUSE 3.21 s`, at the middle of
 * the pause, where there is no beat; WAVE and LightWAVE show the text, rhythm tools ignore it.
 *
 * Episodes may overlap (a tachycardia inside AF): at each boundary the rhythm in force is the
 * one of the latest-started episode still running, so a nested episode's end restates the outer
 * rhythm instead of `(N`. A `+` is placed one sample before the episode's first R peak and its
 * end one sample after the last (MIT-BIH's annotators put the change just before the first beat
 * of the new rhythm), so no rhythm annotation shares a sample with a beat annotation (WFDB
 * requires simultaneous annotations to differ in `chan`).
 */
import { BeatlensError } from '../../errors';
import type { RhythmKind } from '../rhythm-episodes';
import type { WfdbAnnotationOut } from './annotation-writer';

/** The aux text of each rhythm's `+` annotation (pauses are comments, not rhythms). */
export const RHYTHM_AUX: Readonly<Record<Exclude<RhythmKind, 'pause'> | 'AFL', string>> = {
  AF: '(AFIB',
  AFL: '(AFL',
  SVT: '(SVTA',
  VT: '(VT',
  bigeminy: '(B',
  trigeminy: '(T',
  bradycardia: '(SBR',
  tachycardia: '(TACH',
};
/** The aux of the rhythm in force where no episode is: normal sinus rhythm. */
export const NORMAL_AUX = '(N';
/** WFDB's rhythm-change (`+`) and comment (`"`, NOTE) codes. */
export const RHYTHM_CODE = 28;
export const COMMENT_CODE = 22;

export interface RhythmStretch {
  rhythm: string;
  /** First and last R peak of the episode (a pause: the beats before and after it). */
  startSample: number;
  endSample: number;
}

/** Seconds of a pause as its comment says it: `PAUSE 3.21 s`. */
export const pauseText = (seconds: number): string => `PAUSE ${seconds.toFixed(2)} s`;

/**
 * The `+` rhythm annotations and pause comments of `episodes` (samples at `fs`), sorted by
 * sample. An unknown rhythm is a one-line error.
 */
export function rhythmAnnotations(
  episodes: readonly RhythmStretch[],
  fs: number,
): WfdbAnnotationOut[] {
  const out: WfdbAnnotationOut[] = [];
  const spans: Array<{ aux: string; from: number; to: number; order: number }> = [];
  episodes.forEach((e, i) => {
    if (e.rhythm === 'pause') {
      out.push({
        sample: Math.round((e.startSample + e.endSample) / 2),
        code: COMMENT_CODE,
        aux: pauseText((e.endSample - e.startSample) / fs),
      });
      return;
    }
    const aux = (RHYTHM_AUX as Record<string, string>)[e.rhythm];
    if (aux === undefined) {
      throw new BeatlensError(
        'wfdb-annotation-invalid',
        `rhythm '${e.rhythm}' has no WFDB rhythm annotation (one of ${Object.keys(RHYTHM_AUX).join(', ')}, pause)`,
      );
    }
    if (e.endSample <= e.startSample) return; // one beat: no stretch of rhythm to annotate
    spans.push({ aux, from: Math.max(0, e.startSample - 1), to: e.endSample + 1, order: i });
  });
  const bounds = [...new Set(spans.flatMap((s) => [s.from, s.to]))].sort((a, b) => a - b);
  let inForce: string | null = null;
  for (const t of bounds) {
    let now: (typeof spans)[number] | null = null;
    for (const s of spans) {
      if (
        s.from <= t &&
        t < s.to &&
        (!now || s.from > now.from || (s.from === now.from && s.order > now.order))
      )
        now = s;
    }
    const aux: string | null = now ? now.aux : inForce === null ? null : NORMAL_AUX;
    if (aux !== null && aux !== inForce) out.push({ sample: t, code: RHYTHM_CODE, aux });
    inForce = aux;
  }
  return out.sort((a, b) => a.sample - b.sample);
}

/**
 * Beat annotations and rhythm annotations in one stream for the writer: by sample, and at one
 * sample the rhythm annotation first (as MIT-BIH orders them), each later one on the next `chan`.
 */
export function mergeAnnotations(
  beats: readonly WfdbAnnotationOut[],
  rhythm: readonly WfdbAnnotationOut[],
): WfdbAnnotationOut[] {
  const all = [...rhythm.map((a) => ({ a, k: 0 })), ...beats.map((a) => ({ a, k: 1 }))].sort(
    (x, y) => x.a.sample - y.a.sample || x.k - y.k,
  );
  let last = -1;
  let chan = 0;
  return all.map(({ a }) => {
    chan = a.sample === last ? chan + 1 : 0;
    last = a.sample;
    return { ...a, chan: a.chan ?? chan };
  });
}
