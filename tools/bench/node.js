// npm run bench: the comparison with the engines people use instead, in one Node process (single
// thread, SIMD on), then, for context, our native build's figures (a
// subprocess: tools/bench_model.cpp, tools/bench_conv.cpp), then the same
// comparison on the bench page in headless Chromium (tools/bench/browser.js).
//
//   npm run bench [-- --json FILE] [--quick] [--node-only | --browser-only]
//
// The peers are devDependencies, loaded only here and by the bench page.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

import { loadEngine } from '../../web/src/engine/engine.js';
import { onnxModelBytes } from './lenet.js';
import { runSuite, formatTable } from './suite.js';
import { oursTrainer } from './train.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// CNN_BENCH_MODULES: another node_modules to take the peers from (development).
const require = createRequire(process.env.CNN_BENCH_MODULES ? `${process.env.CNN_BENCH_MODULES}/x.js` : import.meta.url);

export async function loadPeers() {
  // @tensorflow/tfjs is tfjs-core plus the gradient functions training needs
  // (tfjs-core alone registers none) and the cpu backend.
  const tf = require('@tensorflow/tfjs');
  require('@tensorflow/tfjs-backend-cpu');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  wasm.setThreadsCount(1);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm');
  await tf.ready();
  if (tf.getBackend() !== 'wasm') throw new Error('the TF.js wasm backend did not start');
  const ort = require('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  const convnetjs = require('convnetjs');
  const { onnx } = require('onnx-proto');
  return { tf, ort, convnetjs, onnx };
}

// Our native build's figures for the same rows (tools/bench_model.cpp and
// tools/bench_conv.cpp, built by scripts/build.sh), keyed by row name.
export function nativeFigures(log) {
  const dir = process.env.CNN_NATIVE_BUILD ?? `${root}build/native`;
  const out = {};
  const run = (exe, args) => {
    if (!existsSync(exe)) {
      log(`(${exe} is missing: native figures left out; build with scripts/build.sh)`);
      return null;
    }
    const r = spawnSync(exe, [...args, '--json'], { encoding: 'utf8' });
    if (r.status !== 0) {
      log(`(${exe} failed: ${r.stderr.trim()})`);
      return null;
    }
    return JSON.parse(r.stdout);
  };
  const model = run(`${dir}/bench_model`, []);
  if (model) {
    for (const peer of ['TF.js wasm', 'ORT Web', 'ConvNetJS', 'TF.js cpu']) {
      out[`(a) batch-1 latency vs ${peer}`] = model.latency_ms;
      out[`(b) batch-64 throughput vs ${peer}`] = model.batch64_img_s;
    }
    for (const peer of ['ConvNetJS', 'TF.js cpu']) out[`(c) training batch 32 vs ${peer}`] = model.train32_img_s ?? NaN;
  }
  const conv = run(`${dir}/bench_conv`, ['--all', '--seconds', '0.3']);
  if (conv) {
    for (const s of conv.shapes) {
      const simd = s.kernels.filter((k) => !k.kernel.endsWith('_ref'));
      const best = Math.max(...simd.map((k) => k.gflops));
      out[`(d) conv ${s.shape} vs TF.js wasm`] = best;
    }
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  let jsonFile = null;
  const flags = new Set();
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--json') jsonFile = args[++i];
    else if (['--quick', '--node-only', '--browser-only'].includes(args[i])) flags.add(args[i]);
    else {
      console.error('usage: npm run bench [-- --json FILE] [--quick] [--node-only | --browser-only]');
      process.exit(2);
    }
  }
  const log = (m) => console.error(`bench: ${m}`);
  const quick = flags.has('--quick');
  const report = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, platform: `${os.platform()} ${os.arch()}` },
  };
  if (!flags.has('--browser-only')) {
    const engine = await loadEngine();
    const peers = await loadPeers();
    const result = await runSuite({
      engine, ...peers, onnxModelBytes: (W) => onnxModelBytes(peers.onnx, W), oursTrainer,
      options: { quick, log },
    });
    const native = nativeFigures(log);
    result.meta.runtime = `Node ${process.versions.node} (V8 ${process.versions.v8})`;
    for (const r of result.rows) r.native = native[r.name] ?? null;
    console.log(`\n== Node ${process.versions.node}, one thread, ${report.machine.cpu}, ${report.date.slice(0, 10)}`);
    console.log(formatTable(result, native));
    report.node = result;
  }
  if (!flags.has('--node-only')) {
    // In a process of its own: the peers loaded above change globals that
    // playwright-core reads when it loads.
    const child = spawnSync(process.execPath, [fileURLToPath(new URL('./browser.js', import.meta.url)), '--result-json',
      ...(quick ? ['--quick'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
    if (child.status !== 0) throw new Error('the bench page run failed (see above)');
    const result = JSON.parse(child.stdout.trim().split('\n').pop());
    console.log(`\n== ${result.meta.runtime}, one thread, ${report.machine.cpu}, ${report.date.slice(0, 10)}`);
    console.log(formatTable(result));
    report.browser = result;
  }
  if (jsonFile) {
    // Every figure and ratio, keyed by row name.
    const keyed = (res) => res && Object.fromEntries(res.rows.map((r) => [r.name, r]));
    writeFileSync(jsonFile, JSON.stringify({ ...report, node: report.node && { meta: report.node.meta, checks: report.node.checks, rows: keyed(report.node) },
      browser: report.browser && { meta: report.browser.meta, checks: report.browser.checks, rows: keyed(report.browser) } }, null, 2));
    log(`wrote ${jsonFile}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`bench failed: ${e.stack ?? e}`);
    process.exit(1);
  });
}
