/**
 * The model the app uses, as every screen shows it (the header, the viewer, studies, scans):
 * one shared state, refreshed at start and whenever a model is chosen, so the screens always
 * name the model behind what they show.
 */
import type { ModelInfo, ModelList } from '../../src-main/ipc/contract';
import { call } from './bridge';

export const appModel = $state<{ current: ModelInfo | null; note: string | null; loaded: boolean }>(
  { current: null, note: null, loaded: false },
);

/** Takes the model list's current model (after models:list, models:choose or models:import). */
export function setModels(list: ModelList): void {
  appModel.current = list.current;
  appModel.note = list.note;
  appModel.loaded = true;
}

export async function refreshModels(): Promise<ModelList> {
  const list = await call('models:list', {});
  setModels(list);
  return list;
}
