// The engine's Web Worker: loads the wasm engine once and serves the
// operations of handlers.js. Message in: { id, op, payload }. Message out:
// { id, result } or { id, error: { name, message } }.
import { loadEngine } from './engine.js';
import { createHandlers } from './handlers.js';

const ready = loadEngine().then((engine) => createHandlers(engine));

self.onmessage = async (event) => {
  const { id, op, payload } = event.data ?? {};
  try {
    const handlers = await ready;
    const handler = Object.hasOwn(handlers, op) ? handlers[op] : null;
    if (!handler) throw new Error(`unknown engine operation ${JSON.stringify(op)}`);
    const { result, transfer = [] } = handler(payload ?? {});
    self.postMessage({ id, result }, transfer);
  } catch (e) {
    self.postMessage({ id, error: { name: e?.name ?? 'Error', message: e?.message ?? String(e) } });
  }
};
