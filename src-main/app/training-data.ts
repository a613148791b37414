/**
 * Which stored segments a model learned from, read from its meta, so that grade studies are
 * drawn only from material the model has not seen: `trainingSegments` ("record:offset" at the
 * model's fs, written by `beatlens train` and by the app), `trainingRecords` (whole records, for
 * patient-wise protocols), and for a model trained on every segment of a listed set of MIT-BIH
 * records (the shipped model: DS1), those records.
 */
import { parseMitdbDescription } from '../train/datasets';
import { ecgDescription } from '../train/task-data';

export interface TrainingExclusion {
  /** Whether the model says what it trained on (a study over a model that does not is refused). */
  known: boolean;
  /** The model's fs: the rate of `segments`' offsets. */
  fs: number;
  /** record id → sorted first samples (at `fs`) of its training segments. */
  segments: Map<string, number[]>;
  /** Records the model trained on as a whole. */
  records: Set<string>;
}

/** Offsets of the same segment at two rates differ by rounding: this many model samples. */
const OFFSET_TOLERANCE = 2;

export function trainingExclusion(meta: Record<string, unknown>, fs: number): TrainingExclusion {
  const segments = new Map<string, number[]>();
  const records = new Set<string>();
  let known = false;
  if (Array.isArray(meta.trainingSegments)) {
    known = true;
    for (const id of meta.trainingSegments) {
      const m = /^(.*):(\d+)$/.exec(String(id));
      if (!m) continue;
      const list = segments.get(m[1]) ?? [];
      list.push(Number(m[2]));
      segments.set(m[1], list);
    }
    for (const list of segments.values()) list.sort((a, b) => a - b);
  }
  if (Array.isArray(meta.trainingRecords)) {
    known = true;
    for (const r of meta.trainingRecords) records.add(String(r));
  }
  // Trained on the whole dataset (no fold): every record it lists is training data, including
  // the segments it held out to pick its epoch.
  const mitdb =
    typeof meta.dataset === 'string' ? parseMitdbDescription(ecgDescription(meta.dataset)) : null;
  if (mitdb?.records && meta.fold === undefined) {
    known = true;
    for (const r of mitdb.records) records.add(r);
  }
  return { known, fs, segments, records };
}

/** Whether a stored segment (offset at its own fs) is training material of the model. */
export function isTrainingSegment(
  ex: TrainingExclusion,
  seg: { recordId: string; offset: number; fs: number },
): boolean {
  if (ex.records.has(seg.recordId)) return true;
  const offsets = ex.segments.get(seg.recordId);
  if (!offsets) return false;
  const at = (seg.offset * ex.fs) / seg.fs;
  // Binary search for the nearest training offset.
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  return [lo - 1, lo].some((i) => i >= 0 && Math.abs(offsets[i] - at) <= OFFSET_TOLERANCE);
}
