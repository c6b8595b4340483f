// Time to 98% and 98.5% held-out on the playground page in headless Chromium
// pinned to one core (taskset), training in the page's Worker with the
// page's default settings (the LeNet-style preset and the hyperparameters of
// web/src/ui/train/state.js), in two ways, each on a fresh page:
//   views:    the training view's Start button is pressed and the view does
//             what it does for a learner (polls progress every 180 ms,
//             draws the curves, the filters and the feature maps, the
//             confusion matrix at the end);
//   no views: the same run is made and started through the page's Worker
//             client directly, and nothing is drawn.
// Either way the bench itself asks the Worker for the weights 4 times a
// second (a copy, answered between training slices); after the run, each copy
// is evaluated on all 10,000 held-out digits (MNIST's test set, the page's
// web/build/data/mnist.cnndz) in the page, with no clock running. Time is wall time from pressing start (the
// data is fetched then, as for a learner), read when the copy arrives, so a
// figure is never earlier than the weights it is based on. images/s is the
// run's own (images seen / the run's clock, as the view shows it); the views'
// cost is 1 - (images/s with views) / (images/s without), from the same
// invocation.
//
//   npm run bench:train [-- --quick] [--rounds N] [--cpu N] [--json FILE]
//     --quick: one round (default 2, alternating views / no views)
//     --cpu: the core to pin Chromium to (default 0)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { startBenchServer } from './browser.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync'];
const TARGETS = [0.98, 0.985];
const CHECK_MS = 250;
const MAX_SECONDS = 240;  // a run still going then (a very busy machine) counts what it reached

// Runs in the page: trains once, returns the weight copies with their times.
async function trainInPage({ views, checkMs, maxSeconds }) {
  const client = globalThis.__cnnEngineClients?.get('default');
  if (!client) throw new Error('the page has no engine client');
  const state = await import('/web/src/ui/train/state.js');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  let runId = null;
  const request = client.request.bind(client);
  client.request = (op, payload, transfer) => {
    const answer = request(op, payload, transfer);
    if (op === 'trainCreate') answer.then((r) => { runId = r.id; }, () => {});
    return answer;
  };
  const t0 = performance.now();
  if (views) {
    document.querySelector('#train [data-testid=train-start]').click();
  } else {
    const { layers, dataset, ...hyper } = state.defaultTrainState();
    const made = await client.request('trainCreate', {
      layers, inputShape: [1, 28, 28], classes: 10, dataset, dataUrl: new URL('build/data/', document.baseURI).href, ...hyper,
    });
    await client.request('trainStart', { id: made.id });
  }
  const checkpoints = [];
  const kept = (globalThis.benchWeights = []);  // the copies stay in the page for evaluateInPage
  let progress = null;
  for (;;) {
    await sleep(checkMs);
    if (runId === null) continue;
    progress = await client.request('trainProgress', { id: runId, curveFrom: 1e9, heldOutFrom: 1e9 });
    if (progress.state === 'loading') continue;
    const { params } = await client.request('trainParams', { id: runId });
    checkpoints.push({ wallMs: performance.now() - t0, step: progress.step });
    kept.push(params);
    if (!progress.running || performance.now() - t0 > maxSeconds * 1000) break;
  }
  if (progress.running) await client.request('trainPause', { id: runId });
  return { checkpoints, progress, hyper: state.defaultTrainState() };
}

// Runs in the page after training: each copy's accuracy on all held-out digits.
async function evaluateInPage() {
  const { loadEngine } = await import('/web/src/engine/engine.js');
  const { TrainingRun } = await import('/web/src/engine/training.js');
  const { fetchTrainingData } = await import('/web/src/engine/training-data.js');
  const { layersFromText, PRESETS } = await import('/web/src/ui/train/state.js');
  const engine = await loadEngine({ moduleUrl: new URL('/web/build/cnn.js', location.href).href });
  const { data } = await fetchTrainingData('mnist', '/web/build/data/');
  const run = new TrainingRun(engine, { layers: layersFromText(PRESETS.lenet), inputShape: [1, 28, 28], classes: 10 });
  run.setData(data);
  return globalThis.benchWeights.map((params) => {
    run.net.params().set(params);
    run.net.paramsChanged();
    return run.evaluate({ confusion: false }).accuracy;
  });
}

async function oneRun(browser, base, views) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    page.on('pageerror', (e) => console.error(`bench: page error: ${e.message}`));
    await page.goto(`${base}/web/index.html`);
    await page.waitForFunction(() => globalThis.__cnnEngineClients?.get('default')
      && !document.querySelector('#train [data-testid=train-start]')?.disabled, null, { timeout: 120000 });
    if (views) await page.locator('#train').scrollIntoViewIfNeeded();
    const r = await page.evaluate(trainInPage, { views, checkMs: CHECK_MS, maxSeconds: MAX_SECONDS });
    const accuracies = await page.evaluate(evaluateInPage);
    const reached = Object.fromEntries(TARGETS.map((t) => {
      const i = accuracies.findIndex((a) => a >= t);
      return [t, i < 0 ? null : { seconds: r.checkpoints[i].wallMs / 1000, step: r.checkpoints[i].step }];
    }));
    return {
      views, reached, imagesPerSecond: r.progress.imagesPerSecond, images: r.progress.images,
      wallSeconds: r.checkpoints.at(-1).wallMs / 1000, final: accuracies.at(-1), best: Math.max(...accuracies), hyper: r.hyper,
    };
  } finally {
    await page.close();
  }
}

function loadAverage() {
  return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}

async function main() {
  const args = process.argv.slice(2);
  let rounds = 2;
  let cpu = 0;
  let jsonFile = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--quick') rounds = 1;
    else if (args[i] === '--rounds') rounds = Number(args[++i]);
    else if (args[i] === '--cpu') cpu = Number(args[++i]);
    else if (args[i] === '--json') jsonFile = args[++i];
    else {
      console.error('usage: npm run bench:train [-- --quick] [--rounds N] [--cpu N] [--json FILE]');
      process.exit(2);
    }
  }
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number from 1, not ${rounds}`);
  if (!Number.isInteger(cpu) || cpu < 0 || cpu >= os.cpus().length) throw new Error(`--cpu must be a core from 0 to ${os.cpus().length - 1}, not ${cpu}`);
  if (spawnSync('taskset', ['-c', String(cpu), 'true']).status !== 0) throw new Error('taskset (util-linux) is needed to pin Chromium to one core');
  // Chromium and every process it starts on one core.
  const dir = mkdtempSync(join(os.tmpdir(), 'cnn-bench-'));
  const wrapper = join(dir, 'chromium-one-core');
  writeFileSync(wrapper, `#!/bin/sh\nexec taskset -c ${cpu} /usr/bin/chromium "$@"\n`);
  chmodSync(wrapper, 0o755);
  const server = await startBenchServer();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: wrapper, args: CHROMIUM_ARGS });
  const version = browser.version();
  const results = [];
  try {
    for (let r = 0; r < rounds; r++) {
      for (const views of r % 2 ? [false, true] : [true, false]) {
        const before = loadAverage();
        const res = await oneRun(browser, base, views);
        res.loadAverage = { before, after: loadAverage() };
        results.push(res);
        const t = (x) => (x ? `${x.seconds.toFixed(1)} s (step ${x.step})` : 'not reached');
        console.log(`${views ? 'views   ' : 'no views'}: 98% ${t(res.reached[0.98])}, 98.5% ${t(res.reached[0.985])}, ` +
          `${Math.round(res.imagesPerSecond).toLocaleString('en-US')} images/s, ${res.images.toLocaleString('en-US')} images in ${res.wallSeconds.toFixed(1)} s, ` +
          `held-out at the end ${(100 * res.final).toFixed(2)}% (best ${(100 * res.best).toFixed(2)}%); load average ${res.loadAverage.before} -> ${res.loadAverage.after}`);
      }
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const ips = (v) => mean(results.filter((r) => r.views === v).map((r) => r.imagesPerSecond));
  const cost = 1 - ips(true) / ips(false);
  const { layers, ...hyper } = results[0].hyper;
  console.log(`Chromium ${version}, one core (cpu ${cpu}), the page's default run: ${JSON.stringify(hyper)}`);
  console.log(`the views cost ${(100 * cost).toFixed(1)}% of training throughput (mean images/s with views ${Math.round(ips(true))}, ` +
    `without ${Math.round(ips(false))}, ${rounds} round${rounds > 1 ? 's' : ''})`);
  if (jsonFile) {
    writeFileSync(jsonFile, JSON.stringify({ date: new Date().toISOString(), cpu: os.cpus()[0]?.model, runs: results, viewsCost: cost }, null, 2));
    console.log(`wrote ${jsonFile}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`bench failed: ${e.stack ?? e}`);
    process.exit(1);
  });
}
