// The bench page: runs tools/bench/suite.js in the browser with the peers
// loaded by index.html's script tags (UMD globals tf, ort, convnetjs), and
// the page's MNIST split for the training rows (e). The
// ONNX model is encoded by the bench server (POST /bench/onnx), which has
// onnx-proto. When ?autorun is in the URL it starts at once and leaves the
// result in window.benchResult (tools/bench/browser.js reads it).
import { loadEngine } from '../../web/src/engine/engine.js';
import { fetchTrainingData } from '../../web/src/engine/training-data.js';
import { EngineClient } from '../../web/src/engine/client.js';
import { runSuite, formatTable } from './suite.js';
import { oursTrainer } from './train.js';

const logEl = document.getElementById('log');
const tableEl = document.getElementById('table');
const log = (m) => { logEl.textContent += `${m}\n`; };

async function onnxModelBytes(W) {
  const plain = Object.fromEntries(Object.entries(W).map(([k, v]) => [k, { w: Array.from(v.w), b: Array.from(v.b) }]));
  const r = await fetch('/bench/onnx', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plain) });
  if (!r.ok) throw new Error(`the bench server could not encode the ONNX model: ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function run(quick) {
  const { tf, ort, convnetjs } = window;
  tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  tf.wasm.setThreadsCount(1);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm');
  await tf.ready();
  ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  const engine = await loadEngine({ moduleUrl: new URL('../../web/build/cnn.js', import.meta.url).href });
  // The page's training data (made by the build: tools/prepare_data.js page), for the rows (e).
  const { data: trainingData } = await fetchTrainingData('mnist', new URL('../../web/build/data/', import.meta.url).href);
  // Browsers coarsen performance.now(): calls are timed in groups of >= 3 ms.
  const result = await runSuite({
    engine, tf, ort, convnetjs, onnxModelBytes: async (W) => onnxModelBytes(W), oursTrainer, trainingData,
    workerClient: EngineClient.shared(),
    options: { quick, log, groupMs: 3 },
  });
  result.meta.runtime = navigator.userAgent.match(/(HeadlessChrome|Chrome|Chromium|Firefox|Safari)\/[\d.]+/)?.[0] ?? navigator.userAgent;
  tableEl.textContent = formatTable(result);
  return result;
}

const params = new URLSearchParams(location.search);
document.getElementById('run').onclick = () => run(document.getElementById('quick').checked).catch((e) => log(`failed: ${e.stack ?? e}`));
if (params.has('autorun')) {
  run(params.has('quick')).then(
    (r) => { window.benchResult = r; },
    (e) => { log(`failed: ${e.stack ?? e}`); window.benchError = String(e.stack ?? e); },
  );
}
