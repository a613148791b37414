/**
 * A tiny publish/subscribe hub for progress events of long work. Main forwards events to the
 * window with webContents.send; the HTTP bridge streams them as server-sent events.
 */
import type { AppEvent } from './contract';

export interface EventBus {
  emit(event: AppEvent): void;
  subscribe(listener: (event: AppEvent) => void): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<(event: AppEvent) => void>();
  return {
    emit(event) {
      for (const l of listeners) l(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
