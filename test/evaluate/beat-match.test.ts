import { describe, expect, it } from 'vitest';
import { matchBeats } from '../../src-main/evaluate/beat-match';

describe('matchBeats', () => {
  it('matches one-to-one within the tolerance', () => {
    const m = matchBeats([98, 205, 206, 400], [100, 200, 300], 10);
    expect(m).toEqual({
      truePositives: 2,
      falseNegatives: 1,
      falsePositives: 2,
      sensitivity: 2 / 3,
      positivePredictivity: 0.5,
    });
  });
});
