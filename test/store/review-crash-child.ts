/**
 * Child process for review-crash.test.ts: relabels beats of scan `scanId` one decision at a time
 * (every seventh an undo), printing `decide <n>` before and `done <n> <decisions in log>` after each,
 * until the parent kills it.
 */
import { openStore } from '../../src-main/store';

const [storePath, scanArg] = process.argv.slice(2);
const store = openStore(storePath);
const scanId = Number(scanArg);
const samples = store.beatReviews.beats(scanId).map((b) => b.beatSample);
const labels = ['N', 'S', 'V', 'F', 'Q', 'artefact'] as const;
process.stdout.write('ready\n');
for (let n = 0; ; n++) {
  process.stdout.write(`decide ${n}\n`);
  if (n % 7 === 6) store.beatReviews.undo(scanId);
  else {
    const start = (n * 13) % samples.length;
    store.beatReviews.label(
      scanId,
      samples.slice(start, start + 1 + (n % 5)),
      labels[n % labels.length],
    );
  }
  process.stdout.write(`done ${n} ${store.beatReviews.decisions(scanId).length}\n`);
}
