/**
 * Runs cross-validation folds in parallel child processes (child_process.fork with tsx), one
 * fold at a time per worker, relaying training progress to the parent. Child processes rather
 * than worker_threads because each tfjs backend instance (and the wasm heap) is per process and
 * a crash or an out-of-memory in one fold must not take the run down.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BeatlensError } from '../errors';
import type { SegmentDataset } from '../ecg/types';
import type { BackendPreference } from '../model/backend';
import type { CvEvent, FoldResult, FoldTask } from './crossValidation';

/** Parent → child. */
export type ToWorker =
  | { type: 'init'; data: SegmentDataset; backend: BackendPreference }
  | { type: 'fold'; task: FoldTask }
  | { type: 'abort' };

/** Child → parent. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'event'; event: CvEvent }
  | { type: 'done'; result: FoldResult }
  | { type: 'error'; code: string | null; message: string };

const workerScript = fileURLToPath(new URL('./foldWorker.ts', import.meta.url));

export interface WorkerPoolOptions {
  data: SegmentDataset;
  tasks: FoldTask[];
  workers: number;
  backend: BackendPreference;
  signal?: AbortSignal;
  onEvent: (e: CvEvent) => void;
  onFoldDone: (r: FoldResult) => void;
}

/** Resolves when every task is done; rejects with the first fold error (others are stopped). */
export function runFoldsInWorkers(o: WorkerPoolOptions): Promise<void> {
  const queue = [...o.tasks];
  const children: ChildProcess[] = [];
  let remaining = o.tasks.length;
  let failed = false;
  return new Promise<void>((resolveAll, rejectAll) => {
    const exited: boolean[] = [];
    let failure: Error | null = null;
    /** Rejects once every child has exited, so no fold process writes after we return. */
    const settleFailure = (): void => {
      if (failure && exited.every(Boolean)) rejectAll(failure);
    };
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      failure = e;
      o.signal?.removeEventListener('abort', onAbort);
      children.forEach((c, i) => {
        if (exited[i]) return;
        if (c.connected) c.send({ type: 'abort' } satisfies ToWorker);
        setTimeout(() => c.kill('SIGTERM'), 2000).unref();
      });
      settleFailure();
    };
    const onAbort = (): void =>
      fail(
        new BeatlensError('cancelled', 'training cancelled; resume it from its last checkpoint'),
      );
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });

    const next = (child: ChildProcess): void => {
      const task = queue.shift();
      if (!task) {
        child.disconnect();
        return;
      }
      o.onEvent({ type: 'fold-start', fold: task.fold, folds: task.folds, resumed: false });
      child.send({ type: 'fold', task } satisfies ToWorker);
    };

    for (let w = 0; w < o.workers; w++) {
      const child = fork(workerScript, [], {
        execArgv: ['--import', 'tsx'],
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: { ...process.env, BEATLENS_WASM_THREADS: process.env.BEATLENS_WASM_THREADS ?? '1' },
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      children.push(child);
      child.on('message', (m: FromWorker) => {
        if (failed) return;
        if (m.type === 'ready') next(child);
        else if (m.type === 'event') o.onEvent(m.event);
        else if (m.type === 'done') {
          o.onFoldDone(m.result);
          remaining--;
          if (remaining === 0) {
            o.signal?.removeEventListener('abort', onAbort);
            resolveAll();
          }
          next(child);
        } else if (m.type === 'error') {
          fail(m.code ? new BeatlensError(m.code, m.message) : new Error(m.message));
        }
      });
      const slot = children.length - 1;
      exited.push(false);
      child.on('exit', (code, sig) => {
        exited[slot] = true;
        settleFailure();
        if (!failed && remaining > 0 && (code !== 0 || sig)) {
          const last = stderr.trim().split('\n').filter(Boolean).at(-1) ?? '';
          fail(
            new Error(`fold worker exited with ${sig ?? `code ${code}`}${last ? `: ${last}` : ''}`),
          );
        }
      });
      child.send({ type: 'init', data: o.data, backend: o.backend } satisfies ToWorker);
    }
  });
}
