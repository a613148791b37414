/**
 * The app services behind every IPC channel: a record library, grade studies, long-work jobs
 * (training, scans) and the built-in synthetic demo study. `createAppServices` is what Electron's
 * main and the HTTP bridge both call, so the browser tests exercise the same code as the app.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import type { SegmentDataset } from '../ecg/types';
import { BeatlensError } from '../errors';
import type { AppInfo } from '../ipc/contract';
import type { ChannelImpl } from '../ipc/handlers';
import type { EventBus } from '../ipc/events';
import { loadCoreModules } from './core';
import type { CoreModules } from './core';
import { RecordLibrary } from './records';
import { StudyService, datasetPool } from './studies';
import type { PoolName, StudyPool } from './studies';
import { runSegments } from './inference';
import { JobRunner } from './jobs';
import { FlagService } from './flags';
import { loadModel, saveModel } from '../model/weights';
import { initBackend } from '../model/backend';
import { openStore, sha256Files } from '../store/index';
import type { Store } from '../store/index';
import type { RecordFormat } from '../store/index';
import { readdirSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import type { LoadedModel } from './inference';

export interface AppServicesOptions {
  shell: 'electron' | 'browser';
  events: EventBus;
  /** Folder for studies and runs (default BEATLENS_HOME or ~/.beatlens). */
  home?: string;
  /** Set up the built-in synthetic demo study. */
  demo?: boolean;
  /** Override core modules (tests). */
  core?: CoreModules;
  /** App version shown in the UI (Electron passes app.getVersion()). */
  version?: string;
}

export interface AppServices {
  impl: ChannelImpl;
  library: RecordLibrary;
  studies: StudyService;
  close(): void;
}

/** Shape of the demo study: MIT-BIH-like, 2 leads at 360 Hz, 2000-sample segments. */
export const DEMO = {
  seed: 7,
  fs: 360,
  nLeads: 2,
  nSamples: 2000,
  nSegments: 60,
  modelWidth: 0.25,
} as const;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(process.cwd(), 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function unavailable(what: string, owner: string): never {
  throw new BeatlensError('not-available', `${what} is not available in this build (${owner})`);
}

export async function createAppServices(opts: AppServicesOptions): Promise<AppServices> {
  const core = opts.core ?? loadCoreModules();
  const home = opts.home ?? process.env.BEATLENS_HOME ?? join(homedir(), '.beatlens');
  const library = new RecordLibrary(core.preprocessRecord);
  const studies = new StudyService(join(home, 'studies'));
  const notes: string[] = [];
  let pool: SegmentDataset | null = null;
  const jobs = new JobRunner(opts.events);
  const flags = new FlagService(join(home, 'flags'));
  await initBackend('auto');
  // Imported records persist in the project's SQLite store (H3), shared with the CLI.
  let store: Store | null = null;
  try {
    store = openStore(join(home, 'beatlens.sqlite'));
    for (const r of store.records.list()) {
      const id = r.id;
      const s = store;
      library.addLazy(
        {
          id,
          patientId: r.patientId,
          fs: r.fs,
          nSamples: r.nSamples,
          leadNames: r.leadNames,
          units: r.units,
          source: r.source,
        },
        r.nBeats > 0 ? s.records.beats(id) : null,
        () => s.records.load(id),
      );
    }
  } catch (e) {
    store = null;
    notes.push(
      `record store unavailable, imports last until the app closes (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
    );
  }

  if (opts.demo) {
    if (core.synthesizeRecord) {
      const { record, beats } = core.synthesizeRecord({
        seed: DEMO.seed,
        fs: DEMO.fs,
        nLeads: DEMO.nLeads,
        durationSeconds: 300,
        pvcRate: 0.08,
        apbRate: 0.04,
      });
      library.add({ ...record, id: 'demo-1', source: `synthetic:${DEMO.seed}` }, beats);
    } else notes.push('synthetic demo record unavailable (H2 synthesizeRecord missing)');
    if (core.synthesizeDataset) {
      pool = core.synthesizeDataset({
        seed: DEMO.seed,
        nSegments: DEMO.nSegments,
        fs: DEMO.fs,
        nLeads: DEMO.nLeads,
        nSamples: DEMO.nSamples,
      });
    } else notes.push('demo segment pool unavailable (H2 synthesizeDataset missing)');
    if (core.createModelFor && pool) {
      const model = core.createModelFor({
        method: 'joint',
        pooling: 'l2',
        nLeads: pool.nLeads,
        nSamples: pool.nSamples,
        fs: pool.fs,
        classes: pool.classes,
        seed: 1,
        width: DEMO.modelWidth,
      });
      library.setModel({
        model,
        note: 'untrained joint model (seed 1): train one to see real attention',
      });
    } else notes.push('model unavailable (H5 createModel missing)');
  }

  const requirePool = (): SegmentDataset => pool ?? unavailable('the demo segment pool', 'H2');
  /** Study pools: the demo set, or the pvc-apb segments prepared into the store by the CLI. */
  const poolFor = (name: PoolName): StudyPool => {
    if (name === 'demo') return datasetPool(requirePool());
    if (!store) return unavailable('the record store', 'H3 openStore');
    const s = store;
    const infos = s.segments.list({ task: 'pvc-apb' });
    if (infos.length === 0) {
      throw new BeatlensError(
        'store-empty',
        'the store has no pvc-apb segments: run `beatlens prepare` first, or use the demo study',
      );
    }
    return {
      name,
      refs: infos.map((i) => i.id),
      labels: infos.map((i) => i.label),
      segment: (id) => {
        const seg = s.segments.get(id);
        if (!seg)
          throw new BeatlensError('study-segment', `segment ${id} is no longer in the store`);
        return seg;
      },
    };
  };
  const requireModel = (): LoadedModel =>
    library.currentModel() ?? unavailable('a model', 'H5 createModel');

  const impl: ChannelImpl = {
    'app:info': (): AppInfo => ({
      version: opts.version ?? packageVersion(),
      shell: opts.shell,
      capabilities: {
        import: Boolean(core.loadRecordFile),
        synthetic: Boolean(core.synthesizeDataset),
        model: Boolean(library.currentModel()),
        training: Boolean(pool),
        study: Boolean(pool && library.currentModel()),
        scan: Boolean(library.currentModel()),
      },
      notes,
    }),
    'records:list': ({ search }) => library.list(search),
    'records:import': ({ path, fs }) => {
      if (!core.loadRecordFile) unavailable('record import', 'H1 loadRecordFile');
      const { record, beats } = core.loadRecordFile(path, fs === undefined ? {} : { fs });
      if (store) {
        // The checksum covers the file and its siblings (a WFDB record's .dat and .atr).
        const base = basename(path, extname(path));
        const files = readdirSync(dirname(path))
          .filter((f) => f === basename(path) || f.startsWith(`${base}.`))
          .sort()
          .map((f) => join(dirname(path), f));
        const format =
          ({ '.hea': 'wfdb', '.csv': 'csv', '.edf': 'edf' } as Record<string, RecordFormat>)[
            extname(path).toLowerCase()
          ] ?? 'other';
        const checksum = sha256Files(files);
        const existing = store.records.get(record.id);
        if (!existing || existing.checksum !== checksum) {
          store.records.import({ record, format, checksum, beats }, { replace: Boolean(existing) });
        }
      }
      return library.add(record, beats);
    },
    'records:window': (args) => library.window(args),
    'studies:list': () => studies.list(),
    'studies:create': ({ dataset, ...args }) => {
      const p = poolFor(dataset ?? 'demo');
      const { model, note } = requireModel();
      const { nLeads, nSamples, fs } = model.config;
      return studies.create(
        args,
        p,
        (refs) => {
          const out: Float32Array[] = [];
          for (let i = 0; i < refs.length; i += 16) {
            const batch = refs.slice(i, i + 16).map((r) => {
              const seg = p.segment(r);
              if (seg.nLeads !== nLeads || seg.nSamples !== nSamples || seg.fs !== fs) {
                throw new BeatlensError(
                  'study-model-mismatch',
                  `the ${p.name} segments are ${seg.nLeads} leads × ${seg.nSamples} samples at ${seg.fs} Hz but the model expects ${nLeads} × ${nSamples} at ${fs} Hz: train on them first`,
                );
              }
              return seg.data;
            });
            for (const r of runSegments(model, batch)) {
              out.push(r.attention ?? new Float32Array(nSamples).fill(1));
            }
          }
          return out;
        },
        note,
      );
    },
    'studies:item': (args) => studies.item(args, poolFor),
    'studies:grade': (args) => studies.grade(args),
    'studies:progress': (args) => studies.progress(args),
    'studies:export': (args) => studies.export(args),
    'train:start': (args) => {
      if ((args.dataset ?? 'demo') === 'demo') requirePool();
      const id = args.resumeJobId ?? `train-${Date.now().toString(36)}`;
      const runDir = join(home, 'runs', id);
      return jobs.start(
        'train',
        {
          kind: 'train',
          runDir,
          method: args.method,
          pooling: args.pooling,
          kernelSamples: args.kernelSamples,
          protocol: args.protocol,
          preset: args.preset,
          seed: args.seed,
          epochs: args.epochs,
          source: args.dataset ?? 'demo',
          storePath: join(home, 'beatlens.sqlite'),
          dataset: {
            seed: DEMO.seed,
            nSegments: DEMO.nSegments,
            fs: DEMO.fs,
            nLeads: DEMO.nLeads,
            nSamples: DEMO.nSamples,
          },
          modelWidth: DEMO.modelWidth,
        },
        async (m, job) => {
          if (m.type === 'train-progress') return { jobId: job.id, ...m };
          if (m.type === 'train-fold') return { jobId: job.id, ...m };
          if (m.type === 'train-done') {
            // The trained model now drives the viewer's attention and new grade studies.
            const model = await loadModel(m.modelDir);
            library.currentModel()?.model.dispose();
            library.setModel({ model, note: m.note, dir: m.modelDir });
          }
          return null;
        },
        // A resumed run gets a fresh job id but trains into the same run folder.
        args.resumeJobId ? `${id}-r${Date.now().toString(36)}` : id,
      );
    },
    'jobs:cancel': ({ jobId }) => jobs.cancel(jobId),
    'jobs:list': () => jobs.list(),
    'jobs:events': ({ jobId }) => jobs.events(jobId),
    'scan:start': async ({ recordId, minProbability }) => {
      const { record, beats } = library.get(recordId);
      const current = requireModel();
      if (!current.dir) {
        const dir = join(home, 'models', 'untrained-demo');
        await saveModel(current.model, dir, { note: current.note });
        current.dir = dir;
      }
      return jobs.start(
        'scan',
        {
          kind: 'scan',
          modelDir: current.dir,
          record,
          beats,
          minProbability: minProbability ?? 0.5,
        },
        (m, job) => {
          if (m.type === 'scan-progress') return { ...m, jobId: job.id, recordId };
          if (m.type === 'scan-done') flags.replace(recordId, m.flagged);
          return null;
        },
      );
    },
    'flags:list': ({ recordId }) => flags.list(recordId),
    'flags:review': ({ recordId, flagId, decision }) => flags.review(recordId, flagId, decision),
    'flags:export': ({ recordId, format }) =>
      flags.export(recordId, format, library.get(recordId).record.fs),
  };

  return {
    impl,
    library,
    studies,
    close: () => {
      void jobs.close();
      store?.close();
    },
  };
}
