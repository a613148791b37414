/**
 * Which trained models the app uses, in two roles: the model whose beat labels the scan, the
 * review screen and the Holter report count (`labels`), and the model whose map the viewer, the
 * review screen, the report strips and grade studies show (`map`). With no explicit choice the
 * labels come from the shipped scan classifier (resources/models/default) and the map from the
 * shipped model that localises (resources/models/localiser), so a reviewer sees why each beat was
 * counted; a model chosen in the app (another shipped one or one in the model library,
 * $BEATLENS_HOME/models, shared with `beatlens models`) serves both roles and is kept in the
 * store's settings so the choice survives a restart. Never an untrained model: a model whose meta
 * records no training is listed but refused, and when no trained model can be loaded the app has
 * none (and shows no attention, labels, studies or scans).
 */
import { BeatlensError, isBeatlensError } from '../errors';
import { defaultModelDir, importModel, listModels, type ModelSummary } from '../infer/models';
import { loadModel, readModelManifest } from '../model/weights';
import type { ModelInfo, ModelList } from '../ipc/contract';
import type { SettingsRepository } from '../store/settings';
import type { InferenceModel } from './record-inference';

/**
 * The settings key of the explicitly chosen model's id ('default', another shipped name, a
 * library name), which then serves both roles; absent (or empty): the default of each role.
 */
export const MODEL_SETTING = 'app.model';

/** What a model is used for: the beat labels it counts, or the map it shows. */
export type ModelRole = 'labels' | 'map';

/** The shipped model of each role when no model was chosen explicitly. */
export const DEFAULT_MODELS: Readonly<Record<ModelRole, string>> = {
  labels: 'default',
  map: 'localiser',
};

export interface CurrentModel extends InferenceModel {
  info: ModelInfo;
  /** The manifest's meta (provenance, training segments). */
  meta: Record<string, unknown>;
}

/** A model counts as trained when its meta names a run, a preset or its training segments. */
export function isTrained(meta: Record<string, unknown>): boolean {
  return (
    typeof meta.runId === 'string' ||
    typeof meta.preset === 'string' ||
    Array.isArray(meta.trainingSegments)
  );
}

/** Run, fold, protocol, preset and data in one line, or null when the meta says nothing. */
export function provenanceOf(meta: Record<string, unknown>): string | null {
  const str = (k: string): string | null => (typeof meta[k] === 'string' ? String(meta[k]) : null);
  const fold =
    typeof meta.fold === 'number'
      ? `fold ${meta.fold + 1}${typeof meta.folds === 'number' ? `/${meta.folds}` : ''}`
      : null;
  const parts = [
    str('runId') && `run ${str('runId')}`,
    fold,
    str('protocol'),
    str('preset') && `preset ${str('preset')}`,
    str('dataset'),
  ].filter((p): p is string => Boolean(p));
  return parts.length ? parts.join(' · ') : null;
}

function toInfo(s: ModelSummary): ModelInfo {
  return {
    id: s.name,
    name: s.title,
    description: s.description,
    method: s.method,
    classes: s.classes,
    leads: s.leads,
    nLeads: s.nLeads,
    fs: s.fs,
    nSamples: s.nSamples,
    shipped: s.shipped,
    trained: isTrained(s.meta),
    provenance: provenanceOf(s.meta),
    savedAt: s.savedAt,
  };
}

const firstLine = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e)).split('\n')[0];
const describe = (e: unknown): string =>
  `${isBeatlensError(e) ? e.code : 'internal'}: ${firstLine(e)}`;

export class ModelChoice {
  private current: Record<ModelRole, CurrentModel | null> = { labels: null, map: null };
  /** True when the user chose a model (it serves both roles). */
  private explicit = false;
  private note: string | null = null;

  constructor(
    private readonly o: {
      libraryDir: string;
      /**
       * The default shipped model's folder (default resources/models/default; tests move it);
       * the other shipped models are the folders beside it.
       */
      shippedDir?: string;
      /** Where the choice is kept; null: it lasts until the app closes. */
      settings: SettingsRepository | null;
    },
  ) {}

  /** At start: the stored choice for both roles, else each role's default; never an untrained model. */
  async init(): Promise<void> {
    const chosen = this.o.settings?.get(MODEL_SETTING) || null;
    this.note = null;
    if (chosen) {
      try {
        const m = await this.load(chosen);
        this.current = { labels: m, map: m };
        this.explicit = true;
        return;
      } catch (e) {
        this.note = `the chosen model '${chosen}' cannot be used (${describe(e)})`;
      }
    }
    await this.initDefaults();
  }

  /** Each role's shipped default; a localiser that is not shipped leaves the map to the labels' model. */
  private async initDefaults(): Promise<void> {
    this.explicit = false;
    let labels: CurrentModel | null = null;
    try {
      labels = await this.load(DEFAULT_MODELS.labels);
      if (this.note) this.note += '; using the shipped models';
    } catch (e) {
      this.note = this.note
        ? `${this.note}; nor the shipped model (${describe(e)})`
        : `the shipped model cannot be used (${describe(e)})`;
    }
    let map = labels;
    try {
      map = await this.load(DEFAULT_MODELS.map);
    } catch (e) {
      // Not shipped here (a test's model folder): the caption names the labels' model as the map's.
      if (labels && !(isBeatlensError(e) && e.code === 'model-missing')) {
        const why = `the shipped model '${DEFAULT_MODELS.map}' cannot be used (${describe(e)}), so the map comes from the labels' model`;
        this.note = this.note ? `${this.note}; ${why}` : why;
      }
    }
    // Without the labels' model the app shows nothing, the map included (the note says why).
    this.current = { labels, map: labels ? map : null };
    if (!labels) {
      this.note +=
        ': no trained model is available, so no attention, beat labels, studies or scans';
    }
  }

  /** The model of `role` (default: the labels' model), or null when none can be used. */
  get(role: ModelRole = 'labels'): CurrentModel | null {
    return this.current[role];
  }

  /** The model of `role`, or a one-line error saying there is none. */
  require(role: ModelRole = 'labels'): CurrentModel {
    const m = this.current[role];
    if (!m) {
      throw new BeatlensError(
        'no-model',
        `no trained model is available${this.note ? ` (${this.note})` : ''}`,
      );
    }
    return m;
  }

  list(): ModelList {
    let models: ModelInfo[] = [];
    let note = this.note;
    try {
      models = this.summaries().map(toInfo);
    } catch (e) {
      note = `the model list cannot be read (${describe(e)})`;
    }
    return {
      models,
      current: this.current.labels?.info ?? null,
      map: this.current.map?.info ?? null,
      explicit: this.explicit,
      note,
    };
  }

  /**
   * Uses model `id` for both labels and map from now on (and after a restart); a model that
   * fails to load changes nothing.
   */
  async choose(id: string): Promise<ModelList> {
    const next = await this.load(id);
    this.o.settings?.set(MODEL_SETTING, id);
    this.current = { labels: next, map: next };
    this.explicit = true;
    this.note = null;
    return this.list();
  }

  /** Forgets the explicit choice: labels from the scan classifier, map from the localiser. */
  async useDefaults(): Promise<ModelList> {
    this.o.settings?.set(MODEL_SETTING, '');
    this.note = null;
    await this.initDefaults();
    return this.list();
  }

  /** Copies the model folder `dir` into the library as `name` (checked first, all or nothing). */
  async importFolder(dir: string, name: string): Promise<ModelList> {
    await importModel(dir, name, { libraryDir: this.o.libraryDir, shippedDir: this.o.shippedDir });
    return this.list();
  }

  private summaries(): ModelSummary[] {
    return listModels(this.o.libraryDir, this.o.shippedDir ?? defaultModelDir());
  }

  /** A listed model by id, checked (checksum, architecture, whole weights) and trained. */
  private async load(id: string): Promise<CurrentModel> {
    const summary = this.summaries().find((s) => s.name === id);
    if (!summary) {
      throw new BeatlensError(
        'model-missing',
        id === 'default'
          ? `the shipped model is missing (${this.o.shippedDir ?? defaultModelDir()})`
          : `model '${id}' is not in the model library (${this.o.libraryDir})`,
      );
    }
    if (!isTrained(summary.meta)) {
      throw new BeatlensError(
        'model-untrained',
        `model '${id}' records no training (no run, preset or training segments in its meta); beatlens shows nothing from an untrained model`,
      );
    }
    (await loadModel(summary.dir)).dispose();
    const manifest = readModelManifest(summary.dir);
    const info = toInfo(summary);
    return {
      key: `${id}@${manifest.weightsSha256}`,
      id,
      name: info.name,
      dir: summary.dir,
      info,
      meta: summary.meta,
    };
  }
}
