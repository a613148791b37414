/**
 * Runs long work in a worker thread and relays its messages as app events, so training, CV,
 * whole-record inference and scans never block the main process (which answers the UI's IPC calls). Keeps each
 * job's events so a reloaded renderer can redraw its curves.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BeatlensError } from '../errors';
import type { AppEvent, JobSummary } from '../ipc/contract';
import type { EventBus } from '../ipc/events';
import type { JobRequest, WorkerMessage } from './job-protocol';

declare const __dirname: string | undefined;

/**
 * The bundled worker beside main.cjs (Electron); else (tsx, vitest) job-worker-dev.mjs, which
 * registers tsx's loader inside the worker thread and imports the TypeScript source. (A file, not
 * an eval'd string: eval workers define a global __filename that confuses ESM modules.)
 */
function createWorker(workerData: unknown): Worker {
  if (typeof __dirname === 'string' && existsSync(join(__dirname, 'job-worker.cjs'))) {
    return new Worker(join(__dirname, 'job-worker.cjs'), { workerData });
  }
  return new Worker(new URL('./job-worker-dev.mjs', import.meta.url), { workerData });
}

interface Job {
  summary: JobSummary;
  worker: Worker;
  events: AppEvent[];
  /** Resolves with the final summary when the job ends (done, cancelled or failed). */
  ended: Promise<JobSummary>;
}

export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private counter = 0;

  constructor(private readonly bus: EventBus) {}

  /**
   * Starts `request` in a new worker; `onMessage` sees every worker message first (e.g. to load
   * the trained model) and may return an app event to publish.
   */
  start(
    kind: JobSummary['kind'],
    request: JobRequest,
    onMessage: (m: WorkerMessage, job: JobSummary) => AppEvent | null | Promise<AppEvent | null>,
    id = `${kind}-${Date.now().toString(36)}-${++this.counter}`,
  ): JobSummary {
    const worker = createWorker(request);
    const summary: JobSummary = { id, kind, state: 'running', message: 'started' };
    let resolveEnded: (s: JobSummary) => void = () => undefined;
    const ended = new Promise<JobSummary>((r) => (resolveEnded = r));
    const job: Job = { summary, worker, events: [], ended };
    this.jobs.set(id, job);
    const publish = (e: AppEvent | null): void => {
      if (!e) return;
      job.events.push(e);
      this.bus.emit(e);
    };
    const finish = (state: JobSummary['state'], message: string): void => {
      if (summary.state !== 'running') return;
      summary.state = state;
      summary.message = message;
      publish({ type: 'job-state', job: { ...summary } });
      resolveEnded({ ...summary });
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      void (async () => {
        if (m.type === 'error') {
          finish(m.code === 'cancelled' ? 'cancelled' : 'failed', m.message);
          return;
        }
        try {
          publish(await onMessage(m, summary));
        } catch (e) {
          finish('failed', e instanceof Error ? e.message.split('\n')[0] : String(e));
          return;
        }
        if (m.type === 'train-done' || m.type === 'scan-done' || m.type === 'infer-done') {
          finish('done', m.note);
        }
      })();
    });
    worker.on('error', (e) => finish('failed', e.message.split('\n')[0]));
    worker.on('exit', (code) => {
      if (summary.state === 'running') finish('failed', `worker exited with code ${code}`);
    });
    publish({ type: 'job-state', job: { ...summary } });
    return { ...summary };
  }

  cancel(jobId: string): JobSummary {
    const job = this.jobs.get(jobId);
    if (!job) throw new BeatlensError('job-not-found', `job '${jobId}' does not exist`);
    if (job.summary.state === 'running') job.worker.postMessage({ type: 'cancel' });
    return { ...job.summary };
  }

  /** The job's final summary, once it has ended. */
  whenDone(jobId: string): Promise<JobSummary> {
    const job = this.jobs.get(jobId);
    if (!job) throw new BeatlensError('job-not-found', `job '${jobId}' does not exist`);
    return job.ended;
  }

  list(): JobSummary[] {
    return [...this.jobs.values()].map((j) => ({ ...j.summary }));
  }

  events(jobId: string): AppEvent[] {
    const job = this.jobs.get(jobId);
    if (!job) throw new BeatlensError('job-not-found', `job '${jobId}' does not exist`);
    return job.events;
  }

  async close(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.worker.terminate()));
  }
}
