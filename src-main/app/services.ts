/**
 * The app services behind every IPC channel: a record library, grade studies, long-work jobs
 * (training, scans) and the built-in synthetic demo study. `createAppServices` is what Electron's
 * main and the HTTP bridge both call, so the browser tests exercise the same code as the app.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { BeatlensError } from '../errors';
import type { AppInfo } from '../ipc/contract';
import type { ChannelImpl } from '../ipc/handlers';
import type { EventBus } from '../ipc/events';
import { loadCoreModules } from './core';
import type { CoreModules } from './core';
import { RecordLibrary } from './records';
import { StudyService } from './studies';
import type { PoolName, StudyPool } from './studies';
import { runSegments } from './inference';
import { JobRunner } from './jobs';
import { FlagService } from './flags';
import { DEMO, ensureDemoInStore, storedPools } from './demo';
import { loadModel, saveModel } from '../model/weights';
import { initBackend } from '../model/backend';
import { openStore } from '../store/index';
import type { Store } from '../store/index';
import { loadImports } from '../store/ingest';
import { FileAccess, isImportable } from './file-access';
import type { LoadedModel } from './inference';

export { DEMO } from './demo';

export interface AppServicesOptions {
  shell: 'electron' | 'browser';
  events: EventBus;
  /** Folder for the store, runs and models (default BEATLENS_HOME or ~/.beatlens). */
  home?: string;
  /** Set up the built-in synthetic demo study (written into the store at the first start). */
  demo?: boolean;
  /** Override core modules (tests). */
  core?: CoreModules;
  /** App version shown in the UI (Electron passes app.getVersion()). */
  version?: string;
  /**
   * The system file dialog, run in main (Electron passes one); it answers the chosen paths.
   * Without it `files:open` is unavailable and files come in through `files:upload`.
   */
  pickFiles?: () => Promise<string[]>;
}

export interface AppServices {
  impl: ChannelImpl;
  library: RecordLibrary;
  /** The files the renderer may import (opaque ids), and staged uploads. */
  files: FileAccess;
  /** Grade studies and flagged-beat reviews live in the store; null when it could not open. */
  studies: StudyService | null;
  flags: FlagService | null;
  store: Store | null;
  close(): void;
}

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

const firstLine = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e)).split('\n')[0];

export async function createAppServices(opts: AppServicesOptions): Promise<AppServices> {
  const core = opts.core ?? loadCoreModules();
  const home = opts.home ?? process.env.BEATLENS_HOME ?? join(homedir(), '.beatlens');
  const library = new RecordLibrary(core.preprocessRecord);
  const files = new FileAccess(join(home, 'uploads'));
  const notes: string[] = [];
  const jobs = new JobRunner(opts.events);
  await initBackend('auto');
  // Records, grade studies and flagged-beat reviews persist in the project's SQLite store (H3),
  // shared with the CLI.
  let store: Store | null = null;
  try {
    store = openStore(join(home, 'beatlens.sqlite'));
  } catch (e) {
    notes.push(
      `record store unavailable: imports last until the app closes; studies and reviews are off (${firstLine(e)})`,
    );
  }
  if (store && opts.demo) {
    try {
      ensureDemoInStore(store, core);
    } catch (e) {
      notes.push(`synthetic demo could not be written to the store (${firstLine(e)})`);
    }
  }
  if (store) {
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
  }
  const studies = store ? new StudyService(store) : null;
  const flags = store ? new FlagService(store) : null;

  /** The demo study's stored segments (empty until a start with `demo` wrote them). */
  const demoSegments = store ? storedPools(store).demo : [];
  if (opts.demo && demoSegments.length > 0) {
    if (core.createModelFor) {
      const { nLeads, nSamples, fs } = demoSegments[0];
      const model = core.createModelFor({
        method: 'joint',
        pooling: 'l2',
        nLeads,
        nSamples,
        fs,
        classes: [...new Set(demoSegments.map((x) => x.label))].sort(),
        seed: 1,
        width: DEMO.modelWidth,
      });
      library.setModel({
        model,
        note: 'untrained joint model (seed 1): train one to see real attention',
      });
    } else notes.push('model unavailable (H5 createModel missing)');
  } else if (opts.demo) notes.push('demo segment pool unavailable (no store)');

  const requireStudies = (): StudyService => studies ?? unavailable('grade studies', 'the store');
  const requireFlags = (): FlagService => flags ?? unavailable('flagged-beat review', 'the store');
  /** Study pools: the demo's stored segments, or the other pvc-apb segments in the store. */
  const poolFor = (name: PoolName): StudyPool => {
    if (name === 'demo') {
      if (demoSegments.length === 0) unavailable('the demo segment pool', 'the store');
      return { name, segments: demoSegments };
    }
    if (!store) return unavailable('the record store', 'H3 openStore');
    const segments = storedPools(store).other;
    if (segments.length === 0) {
      throw new BeatlensError(
        'store-empty',
        'the store has no pvc-apb segments: run `beatlens prepare` first, or use the demo study',
      );
    }
    return { name, segments };
  };
  const requireModel = (): LoadedModel =>
    library.currentModel() ?? unavailable('a model', 'H5 createModel');

  const impl: ChannelImpl = {
    'app:info': (): AppInfo => ({
      version: opts.version ?? packageVersion(),
      shell: opts.shell,
      capabilities: {
        import: true,
        synthetic: demoSegments.length > 0,
        model: Boolean(library.currentModel()),
        training: demoSegments.length > 0,
        study: Boolean(studies && library.currentModel()),
        scan: Boolean(library.currentModel()),
      },
      notes,
    }),
    'records:list': ({ search }) => library.list(search),
    'files:open': async () => {
      if (!opts.pickFiles) {
        unavailable('the system file dialog', 'the browser version uploads files instead');
      }
      return (await opts.pickFiles()).filter(isImportable).map((p) => files.grant(p));
    },
    'files:upload': (args) => files.upload(args),
    'records:import': ({ fileId, fs }) => {
      // The same reading, validation and checksum as `beatlens import` (store/ingest.ts).
      const [input] = loadImports([files.path(fileId)], { fs });
      if (store) {
        const existing = store.records.get(input.record.id);
        if (!existing || existing.checksum !== input.checksum) {
          store.records.import(input, { replace: Boolean(existing) });
        }
      }
      return library.add(input.record, input.beats ? [...input.beats] : null);
    },
    'records:window': (args) => library.window(args),
    'studies:list': () => requireStudies().list(),
    'studies:create': ({ dataset, ...args }) => {
      const p = poolFor(dataset ?? 'demo');
      const { model, note } = requireModel();
      const { nLeads, nSamples, fs } = model.config;
      const s = store as Store;
      return requireStudies().create(
        args,
        p,
        (ids) => {
          const out: Float32Array[] = [];
          for (let i = 0; i < ids.length; i += 16) {
            const batch = ids.slice(i, i + 16).map((id) => {
              const seg = s.segments.get(id);
              if (!seg) {
                throw new BeatlensError('study-segment', `segment ${id} is no longer in the store`);
              }
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
    'studies:item': (args) => requireStudies().item(args),
    'studies:grade': (args) => requireStudies().grade(args),
    'studies:progress': (args) => requireStudies().progress(args),
    'studies:export': (args) => requireStudies().export(args),
    'train:start': (args) => {
      if ((args.dataset ?? 'demo') === 'demo') poolFor('demo');
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
      const flagService = requireFlags();
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
          if (m.type === 'scan-done') flagService.replace(recordId, m.flagged);
          return null;
        },
      );
    },
    'flags:list': ({ recordId }) => requireFlags().list(recordId),
    'flags:review': ({ recordId, flagId, decision }) =>
      requireFlags().review(recordId, flagId, decision),
    'flags:export': ({ recordId, format }) =>
      requireFlags().export(recordId, format, library.get(recordId).record.fs),
  };

  return {
    impl,
    library,
    files,
    studies,
    flags,
    store,
    close: () => {
      void jobs.close();
      files.close();
      store?.close();
    },
  };
}
