// The engine client of every widget on a page: one Worker, shared (see
// EngineClient.shared). Unbundled, the Worker is web/src/engine/worker.js;
// the self-contained build (tools/dist.js) fills WORKER_SOURCE with the
// bundled worker (the wasm inside it), started from a Blob URL made once per
// page.
import { EngineClient } from '../engine/client.js';

const WORKER_SOURCE = null;

export function sharedClient() {
  if (!WORKER_SOURCE) return EngineClient.shared();
  const url = (globalThis.__cnnWorkerBlobUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' })));
  return EngineClient.shared(url);
}
