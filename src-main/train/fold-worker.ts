/**
 * Child-process entry of the fold worker pool (see workers.ts): receives the dataset once, then
 * trains the folds it is sent, relaying progress. Not meant to be run by hand.
 */
import { isBeatlensError } from '../errors';
import type { SegmentDataset } from '../ecg/types';
import { initBackend, type BackendInfo } from '../model/backend';
import { runFold } from './cross-validation';
import type { FromWorker, ToWorker } from './workers';

let data: SegmentDataset | null = null;
let backend: BackendInfo | null = null;
const abort = new AbortController();
const send = (m: FromWorker): void => {
  process.send?.(m);
};

process.on('message', (m: ToWorker) => {
  void handle(m).catch((e: unknown) => {
    send({
      type: 'error',
      code: isBeatlensError(e) ? e.code : null,
      message: e instanceof Error ? e.message : String(e),
    });
    // Cancelled: nothing more to do here; the checkpoint of the last epoch is on disk.
    if (abort.signal.aborted) process.disconnect?.();
  });
});
process.on('disconnect', () => process.exit(0));

async function handle(m: ToWorker): Promise<void> {
  if (m.type === 'abort') {
    abort.abort();
    return;
  }
  if (m.type === 'init') {
    data = m.data;
    backend = await initBackend(m.backend);
    send({ type: 'ready' });
    return;
  }
  if (!data || !backend) throw new Error('fold worker got a fold before init');
  const result = await runFold(
    data,
    m.task,
    backend,
    (p) => send({ type: 'event', event: { ...p, type: 'train' } }),
    abort.signal,
  );
  send({ type: 'done', result });
}
