// The engine client of every widget on a page: one Worker, shared (see
// EngineClient.shared). Unbundled, the Worker is web/src/engine/worker.js;
// the self-contained build (tools/dist.js) fills WORKER_SOURCE with the
// bundled worker, started from a Blob URL made once per page. That Worker
// fetches cnn.wasm from the bundle's folder, which it is told first (a
// Blob URL has no folder to resolve against).
import { EngineClient } from '../engine/client.js';

const WORKER_SOURCE = null;

export function sharedClient() {
  if (!WORKER_SOURCE) return EngineClient.shared();
  const base = new URL('./', import.meta.url).href;
  const url = (globalThis.__cnnWorkerBlobUrl ??= URL.createObjectURL(new Blob(
    [`self.CNN_ASSET_BASE = ${JSON.stringify(base)};\n`, WORKER_SOURCE], { type: 'text/javascript' })));
  return EngineClient.shared(url);
}
