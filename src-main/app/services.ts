/**
 * The app services behind every IPC channel: a record library, the trained models the app uses
 * (beat labels from the shipped classifier and the map from the shipped localiser, or one model
 * chosen for both from the shipped ones or the model library and kept across restarts), their
 * inference of each record (in the job worker), grade studies, long-work jobs (training, scans) and the built-in
 * synthetic demo study. `createAppServices` is what Electron's main and the HTTP bridge both
 * call, so the browser tests exercise the same code as the app.
 */
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { BeatlensError } from '../errors';
import type { AppInfo } from '../ipc/contract';
import type { ChannelImpl } from '../ipc/handlers';
import type { EventBus } from '../ipc/events';
import { loadCoreModules } from './core';
import type { CoreModules } from './core';
import { RecordLibrary } from './records';
import type { ModelInference, WindowInference } from './records';
import { StudyService } from './studies';
import type { PoolName } from './studies';
import { JobRunner } from './jobs';
import { ReviewService } from './review';
import { ReportService } from './report';
import type { PdfPrinter } from '../holter/pdf';
import { DEMO, ensureDemoInStore, storedPools } from './demo';
import { initBackend } from '../model/backend';
import { openStore } from '../store/index';
import type { Store, StoredSegmentInfo } from '../store/index';
import { loadImports } from '../store/ingest';
import { readCalibration, writeCalibration } from './display-calibration';
import { FileAccess, isImportable, isModelManifest } from './file-access';
import { ModelChoice, type CurrentModel } from './model-choice';
import { RecordInferences } from './record-inference';
import { segmentAttention } from './record-maps';
import { isTrainingSegment, trainingExclusion } from './training-data';

export { DEMO } from './demo';

export interface AppServicesOptions {
  shell: 'electron' | 'browser';
  events: EventBus;
  /** Folder for the store, runs and the model library (default BEATLENS_HOME or ~/.beatlens). */
  home?: string;
  /** Set up the built-in synthetic demo study (written into the store at the first start). */
  demo?: boolean;
  /** Override core modules (tests). */
  core?: CoreModules;
  /**
   * The default shipped model's folder (default resources/models/default; tests point elsewhere);
   * the other shipped models are the folders beside it.
   */
  shippedModelDir?: string;
  /** App version shown in the UI (Electron passes app.getVersion()). */
  version?: string;
  /**
   * The system file dialog, run in main (Electron passes one); it answers the chosen paths.
   * Without it `files:open` is unavailable and files come in through `files:upload`.
   */
  pickFiles?: (kind: 'records' | 'model') => Promise<string[]>;
  /** Prints a report page to PDF (Electron's printToPDF); absent: the browser prints it. */
  printPdf?: PdfPrinter;
}

export interface AppServices {
  impl: ChannelImpl;
  library: RecordLibrary;
  /** The files the renderer may import (opaque ids), and staged uploads. */
  files: FileAccess;
  /** The trained models the app uses (labels and map), and the list to choose from. */
  models: ModelChoice;
  /** Each record's inference with those models (run in the job worker). */
  inferences: RecordInferences;
  /** Grade studies and beat reviews of scans live in the store; null when it could not open. */
  studies: StudyService | null;
  reviews: ReviewService | null;
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
  const library = new RecordLibrary();
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
          ...(r.startTime ? { startTime: r.startTime } : {}),
        },
        r.nBeats > 0 ? s.records.beats(id) : null,
        () => s.records.load(id),
      );
    }
  }
  const studies = store ? new StudyService(store) : null;
  const reviews = store ? new ReviewService(store, (id) => library.get(id)) : null;
  const libraryDir = join(home, 'models');
  const models = new ModelChoice({
    libraryDir,
    shippedDir: opts.shippedModelDir,
    settings: store?.settings ?? null,
  });
  await models.init();
  const inferences = new RecordInferences(jobs, library);
  /** What the viewer shows of the models for a record (starting their inference). */
  const inferenceOf = (recordId: string): WindowInference | null => {
    const [labels, map] = [models.get('labels'), models.get('map')];
    if (!labels || !map) return null;
    const part = (m: CurrentModel): ModelInference => ({
      model: { id: m.id, name: m.name },
      entry: inferences.status(m, recordId),
    });
    const l = part(labels);
    // One model for both: one entry (one inference), so the window sees them as the same.
    return { labels: l, map: map.key === labels.key ? l : part(map) };
  };

  /** The demo study's stored segments (empty until a start with `demo` wrote them). */
  const demoSegments = store ? storedPools(store).demo : [];
  if (opts.demo && demoSegments.length === 0)
    notes.push('demo segment pool unavailable (no store)');

  const requireStudies = (): StudyService => studies ?? unavailable('grade studies', 'the store');
  const requireReviews = (): ReviewService => reviews ?? unavailable('beat review', 'the store');
  const reports = store
    ? new ReportService({
        store,
        record: (id) => library.get(id),
        model: (role) => models.get(role),
        maps: async (m, id) => (await inferences.maps(m, [id])).get(id)!,
        printer: opts.printPdf ?? null,
      })
    : null;
  const requireReports = (): ReportService => reports ?? unavailable('reports', 'the store');
  /** Study pools: the demo's stored segments, or the other pvc-apb segments in the store. */
  const poolFor = (name: PoolName): { name: PoolName; segments: StoredSegmentInfo[] } => {
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

  const impl: ChannelImpl = {
    'app:info': (): AppInfo => {
      const model = models.get();
      const { note, map } = models.list();
      return {
        version: opts.version ?? packageVersion(),
        shell: opts.shell,
        capabilities: {
          import: true,
          synthetic: demoSegments.length > 0,
          model: Boolean(model),
          training: demoSegments.length > 0,
          study: Boolean(studies && model),
          scan: Boolean(reviews && model),
        },
        notes: note ? [...notes, note] : notes,
        model: model?.info ?? null,
        mapModel: map,
      };
    },
    'models:list': () => models.list(),
    'models:choose': ({ modelId }) => models.choose(modelId),
    'models:defaults': () => models.useDefaults(),
    'models:import': ({ fileId, name }) => {
      const path = files.path(fileId);
      if (!isModelManifest(path)) {
        throw new BeatlensError(
          'model-import-file',
          `${basename(path)} is not a model.json: choose a model folder's model.json with its weights.bin`,
        );
      }
      return models.importFolder(dirname(path), name);
    },
    'records:list': ({ search }) => library.list(search),
    'files:open': async ({ kind }) => {
      if (!opts.pickFiles) {
        unavailable('the system file dialog', 'the browser version uploads files instead');
      }
      const wanted = kind ?? 'records';
      return (await opts.pickFiles(wanted))
        .filter(wanted === 'model' ? isModelManifest : isImportable)
        .map((p) => files.grant(p));
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
      inferences.forget(input.record.id);
      return library.add(input.record, input.beats ? [...input.beats] : null);
    },
    'records:window': (args) => {
      const { record } = library.get(args.recordId);
      const inference = args.startSample < record.nSamples ? inferenceOf(record.id) : null;
      return library.window(args, inference);
    },
    'display:calibration': () => readCalibration(store?.settings ?? null),
    'display:calibrate': ({ devicePxPerMm }) =>
      writeCalibration(store?.settings ?? null, devicePxPerMm),
    'studies:list': () => requireStudies().list(),
    'studies:create': async ({ dataset, ...args }) => {
      const service = requireStudies();
      // The items carry the map model's attention (the localiser unless a model was chosen).
      const model = models.require('map');
      const pool = poolFor(dataset ?? 'demo');
      // Honest material: never a segment (or, where the model says so, a record) it trained on.
      const exclusion = trainingExclusion(model.meta, model.info.fs);
      if (!exclusion.known) {
        throw new BeatlensError(
          'study-training-unknown',
          `model '${model.name}' does not say which segments it trained on (no trainingSegments in its meta), so its study could show it its own training data: choose another model`,
        );
      }
      const unseen = pool.segments.filter((x) => !isTrainingSegment(exclusion, x));
      if (unseen.length === 0) {
        throw new BeatlensError(
          'study-pool-trained',
          `all ${pool.segments.length} ${pool.name} segments are training data of '${model.name}': choose another model or pool`,
        );
      }
      const s = store as Store;
      return service.create(
        args,
        { name: pool.name, segments: unseen },
        async (ids) => {
          const segments = ids.map((id) => {
            const seg = s.segments.get(id);
            if (!seg) {
              throw new BeatlensError('study-segment', `segment ${id} is no longer in the store`);
            }
            return seg;
          });
          // The items' attention comes from the one inference path over their whole records.
          const maps = await inferences.maps(
            model,
            segments.map((x) => x.recordId),
          );
          return segments.map((seg) =>
            segmentAttention(maps.get(seg.recordId)!, seg.offset, seg.fs, seg.nSamples),
          );
        },
        { id: model.id, name: model.name, key: model.key },
        pool.segments.length - unseen.length,
      );
    },
    'studies:item': (args) => requireStudies().item(args),
    'studies:grade': (args) => requireStudies().grade(args),
    'studies:progress': (args) => requireStudies().progress(args),
    'studies:export': (args) => requireStudies().export(args),
    'train:start': (args) => {
      const source = args.dataset ?? 'demo';
      if (args.task !== 'pvc-apb' && source !== 'mitdb') {
        throw new BeatlensError(
          'train-task',
          `task ${args.task} needs the MIT-BIH folder (its all-normal segments); the ${source} data has pvc-apb only`,
        );
      }
      if (source === 'demo') poolFor('demo');
      if (args.resumeJobId !== undefined && !/^train-[0-9a-z]+$/.test(args.resumeJobId)) {
        throw new BeatlensError(
          'train-resume',
          `resumeJobId '${args.resumeJobId}' is not the id of a training run (train-…)`,
        );
      }
      const id = args.resumeJobId ?? `train-${Date.now().toString(36)}`;
      return jobs.start(
        'train',
        {
          kind: 'train',
          runDir: join(home, 'runs', id),
          runName: id,
          task: args.task,
          rhythm: args.rhythm ?? false,
          method: args.method,
          pooling: args.pooling,
          kernelSamples: args.kernelSamples,
          protocol: args.protocol,
          folds: args.folds ?? 'first',
          preset: args.preset,
          seed: args.seed,
          epochs: args.epochs,
          source,
          storePath: join(home, 'beatlens.sqlite'),
          libraryDir,
          modelWidth: DEMO.modelWidth,
        },
        // The trained model goes into the model library (the worker saves it there); it is
        // used once chosen, so a short run never silently replaces the shipped model.
        (m, job) =>
          m.type === 'train-progress' || m.type === 'train-fold' ? { jobId: job.id, ...m } : null,
        // A resumed run gets a fresh job id but trains into the same run folder.
        args.resumeJobId ? `${id}-r${Date.now().toString(36)}` : id,
      );
    },
    'jobs:cancel': ({ jobId }) => jobs.cancel(jobId),
    'jobs:list': () => jobs.list(),
    'jobs:events': ({ jobId }) => jobs.events(jobId),
    'scan:start': ({ recordId, minProbability }) => {
      const { record, beats } = library.get(recordId);
      const reviewService = requireReviews();
      const min = minProbability ?? 0.5;
      const model = models.require('labels');
      return jobs.start(
        'scan',
        {
          kind: 'scan',
          modelDir: model.dir,
          record,
          beats,
          minProbability: min,
        },
        (m, job) => {
          if (m.type === 'scan-progress') return { ...m, jobId: job.id, recordId };
          if (m.type === 'scan-done') {
            reviewService.saveScan(recordId, m, { modelName: model.name, minProbability: min });
          }
          return null;
        },
      );
    },
    'review:scans': ({ recordId }) => requireReviews().scans(recordId),
    'review:beats': ({ scanId }) => requireReviews().beats(scanId),
    'review:label': ({ scanId, samples, label }) => requireReviews().label(scanId, samples, label),
    'review:undo': ({ scanId }) => requireReviews().undo(scanId),
    'review:redo': ({ scanId }) => requireReviews().redo(scanId),
    'review:templates': ({ scanId, label }) => requireReviews().templates(scanId, label),
    'review:export': ({ scanId, format }) => requireReviews().export(scanId, format),
    'rhythm:episodes': ({ scanId }) => requireReviews().episodes(scanId),
    'rhythm:revise': ({ scanId, episode, revision }) =>
      requireReviews().reviseEpisode(scanId, episode, revision),
    'rhythm:undo': ({ scanId }) => requireReviews().undoEpisode(scanId),
    'rhythm:redo': ({ scanId }) => requireReviews().redoEpisode(scanId),
    'report:get': ({ scanId }) => requireReports().view(scanId),
    'report:signoff': ({ scanId, reviewer }) => requireReports().signOff(scanId, reviewer),
    'report:export': ({ scanId, format }) => requireReports().export(scanId, format),
  };

  return {
    impl,
    library,
    files,
    models,
    inferences,
    studies,
    reviews,
    store,
    close: () => {
      void jobs.close();
      files.close();
      store?.close();
    },
  };
}
