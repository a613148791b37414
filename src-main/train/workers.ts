/**
 * Runs cross-validation folds in parallel child processes (child_process.fork: the bundled
 * fold-worker.cjs, or fold-worker.ts through tsx from the sources — see foldWorkerLaunch), one
 * fold at a time per worker, relaying training progress to the parent. Child processes rather
 * than worker_threads because each tfjs backend instance (and the wasm heap) is per process and
 * a crash or an out-of-memory in one fold must not take the run down.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BeatlensError } from '../errors';
import type { SegmentDataset } from '../ecg/types';
import type { BackendPreference } from '../model/backend';
import type { CvEvent, FoldResult, FoldTask } from './cross-validation';

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

/** How to start a fold worker process: the script and the Node flags it needs. */
export interface FoldWorkerLaunch {
  script: string;
  execArgv: string[];
  bundled: boolean;
}

/**
 * Picks the fold worker for where this module runs. Bundled (esbuild's CommonJS output, e.g.
 * dist-main/main.cjs in the packaged app) there are no TypeScript sources and no tsx, so the
 * worker is the fold-worker.cjs that scripts/build.mjs writes beside the bundle; from the sources
 * (tsx, vitest) it is fold-worker.ts run through tsx. `moduleUrl` is this module's URL (a
 * parameter for tests).
 */
export function foldWorkerLaunch(moduleUrl: string = import.meta.url): FoldWorkerLaunch {
  const self = fileURLToPath(moduleUrl);
  if (extname(self) === '.cjs') {
    const script = join(dirname(self), 'fold-worker.cjs');
    if (!existsSync(script)) {
      throw new BeatlensError(
        'fold-worker-missing',
        `${script} not found: rebuild with \`node scripts/build.mjs\` (it bundles the fold worker)`,
      );
    }
    return { script, execArgv: [], bundled: true };
  }
  return {
    script: fileURLToPath(new URL('./fold-worker.ts', moduleUrl)),
    execArgv: ['--import', 'tsx'],
    bundled: false,
  };
}

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

    let launch: FoldWorkerLaunch;
    try {
      launch = foldWorkerLaunch();
    } catch (e) {
      o.signal?.removeEventListener('abort', onAbort);
      return rejectAll(e);
    }
    for (let w = 0; w < o.workers; w++) {
      const child = fork(launch.script, [], {
        execArgv: launch.execArgv,
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: {
          ...process.env,
          BEATLENS_WASM_THREADS: process.env.BEATLENS_WASM_THREADS ?? '1',
          // Inside Electron, process.execPath is the app binary: run the worker as plain Node.
          ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
        },
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
