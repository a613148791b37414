/**
 * While a record's inference runs in the worker, its windows come without attention or the
 * model's beat labels: ask again shortly (besides the job's end event, which a page that has just
 * opened may miss). Returns the cancel of the pending request.
 */
import type { RecordWindow } from '../../src-main/ipc/contract';

export function refetchWhileInferring(
  w: RecordWindow | null,
  refetch: () => void,
  ms = 1500,
): () => void {
  if (w?.inference.state !== 'running') return () => undefined;
  const t = setTimeout(refetch, ms);
  return () => clearTimeout(t);
}
