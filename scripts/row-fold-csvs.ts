/**
 * The per-fold files of a scored MIT-BIH row for the experiment scripts (kernel sweep, seed
 * stability), as `beatlens results mitdb` writes a row's fold: beats.csv, and predictions.csv
 * (a normal-class row's APB and PVC segments, APB vs PVC renormalised, as Table 1 reads them).
 */
import { join } from 'node:path';
import type { SegmentDataset } from '../src-main/ecg/types';
import { beatsCsv, predictionsCsv, type ScoredRowFold } from '../src-main/evaluate/mitdbResults';
import { writeFileAtomic } from '../src-main/train/runInfo';

export function writeRowFoldCsvs(
  dir: string,
  data: SegmentDataset,
  { scored: fm, twoWay }: Pick<ScoredRowFold, 'scored' | 'twoWay'>,
): void {
  writeFileAtomic(join(dir, 'beats.csv'), beatsCsv(data, fm.index, fm.perSegment));
  writeFileAtomic(
    join(dir, 'predictions.csv'),
    predictionsCsv(
      data,
      fm.index,
      twoWay ? twoWay.probabilities : fm.probabilities,
      twoWay?.classes,
    ),
  );
}
