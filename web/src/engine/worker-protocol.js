// The engine Worker's side of the protocol, shared by the page's worker
// (worker.js, which loads web/build/cnn.js) and the self-contained widget
// build (whose worker carries the wasm inside it). Message in:
// { id, op, payload }. Message out: { id, result } or
// { id, error: { name, message, code, params } } (code and params: an
// EngineError's, for a page that says the failure in its reader's language).
import { createHandlers } from './handlers.js';

/**
 * Serves the handlers of an engine (a promise of one) on `scope` (the
 * worker's global); `makeHandlers(engine)` gives them (default: handlers.js's).
 */
export function serveEngine(scope, engineReady, makeHandlers = createHandlers) {
  const ready = Promise.resolve(engineReady).then((engine) => makeHandlers(engine));
  scope.onmessage = async (event) => {
    const { id, op, payload } = event.data ?? {};
    try {
      const handlers = await ready;
      const handler = Object.hasOwn(handlers, op) ? handlers[op] : null;
      if (!handler) throw new Error(`unknown engine operation ${JSON.stringify(op)}`);
      const { result, transfer = [] } = await handler(payload ?? {});  // (importOnnx answers with a promise)
      scope.postMessage({ id, result }, transfer);
    } catch (e) {
      scope.postMessage({ id, error: { name: e?.name ?? 'Error', message: e?.message ?? String(e), code: e?.code ?? '', params: e?.params ?? {} } });
    }
  };
}
