// The engine's Web Worker: loads the wasm engine once and serves the
// operations of handlers.js (the protocol: worker-protocol.js).
import { loadEngine } from './engine.js';
import { serveEngine } from './worker-protocol.js';

serveEngine(self, loadEngine());
