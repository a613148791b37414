/** A segment beat for hand-computed localisation cases: R peak at `position`, bounds −2…+3. */
import type { SegmentBeat } from '../../src-main/ecg/types';

export const beat = (position: number, aami: 'N' | 'V' | 'S' = 'N'): SegmentBeat => ({
  position,
  start: position - 2,
  end: position + 3,
  symbol: aami === 'N' ? 'N' : aami === 'V' ? 'V' : 'A',
  aami,
});
