/**
 * The models the app uses, as every screen shows them (the header, the viewer, studies, scans):
 * `current` makes the beat labels, `map` the map (the shipped localiser unless a model was
 * chosen); one shared state, refreshed at start and whenever a model is chosen, so the screens
 * always name the models behind what they show.
 */
import type { ModelInfo, ModelList } from '../../src-main/ipc/contract';
import { call } from './bridge';

export const appModel = $state<{
  current: ModelInfo | null;
  map: ModelInfo | null;
  explicit: boolean;
  note: string | null;
  loaded: boolean;
}>({ current: null, map: null, explicit: false, note: null, loaded: false });

/** Takes the model list's current model (after models:list, models:choose or models:import). */
export function setModels(list: ModelList): void {
  appModel.current = list.current;
  appModel.map = list.map;
  appModel.explicit = list.explicit;
  appModel.note = list.note;
  appModel.loaded = true;
}

export async function refreshModels(): Promise<ModelList> {
  const list = await call('models:list', {});
  setModels(list);
  return list;
}
