/**
 * Rhythm episodes as WFDB annotations: `+` with MIT aux at each episode's start and the rhythm
 * in force (or `(N`) at its end, nested episodes restating the outer rhythm, pauses as comments;
 * written by the MIT-format writer and read back by the project's own reader.
 */
import { describe, expect, it } from 'vitest';
import { annotationCode, formatMitAnnotations } from '../../../src-main/ecg/wfdb/annotation-writer';
import { parseMitAnnotations } from '../../../src-main/ecg/wfdb/annotations';
import {
  COMMENT_CODE,
  mergeAnnotations,
  RHYTHM_AUX,
  RHYTHM_CODE,
  rhythmAnnotations,
} from '../../../src-main/ecg/wfdb/rhythm-annotations';
import { REVIEW_RHYTHMS } from '../../../src-main/store';

const FS = 360;

describe('rhythmAnnotations', () => {
  it('has an aux for every rhythm a reviewer can give but pause, and WFDB’s + and " codes', () => {
    expect(Object.keys(RHYTHM_AUX).sort()).toEqual(
      REVIEW_RHYTHMS.filter((r) => r !== 'pause').sort(),
    );
    expect(annotationCode('+')).toBe(RHYTHM_CODE);
    expect(annotationCode('"')).toBe(COMMENT_CODE);
  });

  it('writes episode starts and ends, restates the outer rhythm after a nested one, pauses as comments', () => {
    const anns = rhythmAnnotations(
      [
        { rhythm: 'AF', startSample: 1000, endSample: 9000 },
        { rhythm: 'tachycardia', startSample: 3000, endSample: 4000 },
        { rhythm: 'pause', startSample: 10000, endSample: 11440 },
        { rhythm: 'VT', startSample: 12000, endSample: 12500 },
        { rhythm: 'AFL', startSample: 12501, endSample: 13000 },
      ],
      FS,
    );
    expect(anns.map((a) => [a.sample, a.code === RHYTHM_CODE ? '+' : '"', a.aux])).toEqual([
      [999, '+', '(AFIB'],
      [2999, '+', '(TACH'],
      [4001, '+', '(AFIB'],
      [9001, '+', '(N'],
      [10720, '"', 'PAUSE 4.00 s'],
      [11999, '+', '(VT'],
      [12500, '+', '(AFL'],
      [13001, '+', '(N'],
    ]);
    expect(() => rhythmAnnotations([{ rhythm: 'AFIB', startSample: 0, endSample: 9 }], FS)).toThrow(
      /rhythm 'AFIB' has no WFDB rhythm annotation/,
    );
  });

  it('merges with beats, and the reader gets back every beat and every rhythm annotation', () => {
    const beats = [100, 1000, 1360, 1720, 2080, 4000].map((sample) => ({ sample, code: 1 }));
    const rhythm = rhythmAnnotations(
      [
        { rhythm: 'bigeminy', startSample: 1000, endSample: 2080 },
        { rhythm: 'pause', startSample: 2080, endSample: 4000 },
      ],
      FS,
    );
    // A rhythm annotation at a beat's sample goes first, the beat on the next chan.
    const merged = mergeAnnotations(beats, [
      ...rhythm,
      { sample: 100, code: RHYTHM_CODE, aux: '(N' },
    ]);
    const back = parseMitAnnotations(formatMitAnnotations(merged), 'x.rev');
    expect(back.map((a) => [a.sample, a.symbol, a.aux, a.chan])).toEqual([
      [100, '+', '(N', 0],
      [100, 'N', '', 1],
      [999, '+', '(B', 0],
      [1000, 'N', '', 0],
      [1360, 'N', '', 0],
      [1720, 'N', '', 0],
      [2080, 'N', '', 0],
      [2081, '+', '(N', 0],
      [3040, '"', 'PAUSE 5.33 s', 0],
      [4000, 'N', '', 0],
    ]);
  });
});
