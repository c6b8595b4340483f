// The page's engine Web Worker: loads the wasm engine once and serves the
// operations of handlers.js and, for the training view, training-handlers.js
// (the protocol: worker-protocol.js).
import { loadEngine } from './engine.js';
import { createHandlers } from './handlers.js';
import { createTrainingHandlers } from './training-handlers.js';
import { serveEngine } from './worker-protocol.js';

serveEngine(self, loadEngine(), (engine) => ({ ...createHandlers(engine), ...createTrainingHandlers(engine) }));
