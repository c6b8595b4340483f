// The page's side of the engine Worker: request(op, payload) returns a
// promise of the handler's result; engine errors reject with EngineError.
// EngineClient.shared() gives every widget on a page the same Worker (and so
// the same wasm engine), while each keeps its own networks in it.

import { EngineError } from './engine.js';

export class EngineClient {
  constructor(workerUrl = new URL('./worker.js', import.meta.url)) {
    this.pending = new Map();
    this.nextId = 1;
    this.worker = new Worker(workerUrl, { type: 'module' });
    this.worker.onmessage = (event) => this.settle(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      this.failAll(new EngineError(`the engine worker failed: ${event.message || 'it could not start'}`));
    };
    this.worker.onmessageerror = () => this.failAll(new EngineError('the engine worker sent a message that could not be read'));
  }

  /** One client per page and worker URL, shared by every widget. */
  static shared(workerUrl) {
    const key = String(workerUrl ?? 'default');
    const registry = (globalThis.__cnnEngineClients ??= new Map());
    if (!registry.has(key)) registry.set(key, new EngineClient(workerUrl));
    return registry.get(key);
  }

  request(op, payload = {}, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, payload }, transfer);
    });
  }

  settle({ id, result, error }) {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (error) p.reject(new EngineError(error.message, { code: error.code ?? '', params: error.params ?? {} }));
    else p.resolve(result);
  }

  failAll(err) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  terminate() {
    this.worker.terminate();
    this.failAll(new EngineError('the engine worker was stopped'));
  }
}
