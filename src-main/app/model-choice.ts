/**
 * Which trained model the app uses: the shipped default (resources/models/default), another
 * shipped model (resources/models/localiser, the one whose map localises best), or one in the
 * model library ($BEATLENS_HOME/models, shared with `beatlens models`), chosen in the app and
 * kept in the store's settings so the choice survives a restart. Never an untrained model: a
 * model whose meta records no training is listed but refused, and when no trained model can be
 * loaded the app has none (and shows no attention, labels, studies or scans).
 */
import { BeatlensError, isBeatlensError } from '../errors';
import { defaultModelDir, importModel, listModels, type ModelSummary } from '../infer/models';
import { loadModel, readModelManifest } from '../model/weights';
import type { ModelInfo, ModelList } from '../ipc/contract';
import type { SettingsRepository } from '../store/settings';
import type { InferenceModel } from './record-inference';

/** The settings key of the chosen model's id ('default', another shipped name, a library name). */
export const MODEL_SETTING = 'app.model';

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
  private current: CurrentModel | null = null;
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

  /** At start: the stored choice, else the shipped model; never an untrained one. */
  async init(): Promise<void> {
    const chosen = this.o.settings?.get(MODEL_SETTING) ?? 'default';
    try {
      this.current = await this.load(chosen);
      return;
    } catch (e) {
      this.note = `the chosen model '${chosen}' cannot be used (${describe(e)})`;
    }
    if (chosen !== 'default') {
      try {
        this.current = await this.load('default');
        this.note += '; using the shipped model';
        return;
      } catch (e) {
        this.note += `; nor the shipped model (${describe(e)})`;
      }
    }
    this.note += ': no trained model is available, so no attention, beat labels, studies or scans';
  }

  get(): CurrentModel | null {
    return this.current;
  }

  /** The current model, or a one-line error saying there is none. */
  require(): CurrentModel {
    if (!this.current) {
      throw new BeatlensError(
        'no-model',
        `no trained model is available${this.note ? ` (${this.note})` : ''}`,
      );
    }
    return this.current;
  }

  list(): ModelList {
    let models: ModelInfo[] = [];
    let note = this.note;
    try {
      models = this.summaries().map(toInfo);
    } catch (e) {
      note = `the model list cannot be read (${describe(e)})`;
    }
    return { models, current: this.current?.info ?? null, note };
  }

  /** Uses model `id` from now on (and after a restart); a model that fails to load changes nothing. */
  async choose(id: string): Promise<ModelList> {
    const next = await this.load(id);
    this.o.settings?.set(MODEL_SETTING, id);
    this.current = next;
    this.note = null;
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
