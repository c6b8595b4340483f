// The bench page in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core; never a downloaded browser). Serves the repository root on
// 127.0.0.1 (the page needs web/build, web/src/engine, tools/bench and the
// peers in node_modules) plus POST /bench/onnx, which encodes the benchmark
// model with onnx-proto from the weights the page sends.
//
//   node tools/bench/browser.js [--quick]   run the page, print the table
//     (--result-json: print the result as one line of JSON instead)
//   node tools/bench/browser.js --serve     serve it on PORT (default 8090)
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import sirv from 'sirv';

import { onnxModelBytes } from './lenet.js';
import { formatTable } from './suite.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(process.env.CNN_BENCH_MODULES ? `${process.env.CNN_BENCH_MODULES}/x.js` : import.meta.url);
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync'];

export function startBenchServer(port = 0) {
  const { onnx } = require('onnx-proto');
  const modules = process.env.CNN_BENCH_MODULES;
  const serveRoot = sirv(root, { dev: true });
  const serveModules = modules ? sirv(modules, { dev: true }) : null;
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/bench/onnx') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        try {
          const plain = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          const W = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, { w: Float32Array.from(v.w), b: Float32Array.from(v.b) }]));
          const bytes = onnxModelBytes(onnx, W);
          res.setHeader('Content-Type', 'application/octet-stream');
          res.end(Buffer.from(bytes));
        } catch (e) {
          res.statusCode = 400;
          res.end(String(e.message ?? e));
        }
      });
      return;
    }
    const notFound = () => {
      res.statusCode = 404;
      res.end('not found');
    };
    if (serveModules && req.url.startsWith('/node_modules/')) {
      req.url = req.url.slice('/node_modules'.length);
      serveModules(req, res, notFound);
    } else {
      serveRoot(req, res, notFound);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export async function runInBrowser({ quick = false, log = () => {} } = {}) {
  const server = await startBenchServer();
  const url = `http://127.0.0.1:${server.address().port}/tools/bench/index.html?autorun${quick ? '&quick' : ''}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => log(`page: ${m.text()}`));
    page.on('requestfailed', (r) => log(`page request failed: ${r.url()}`));
    page.on('response', (r) => { if (r.status() >= 400) log(`page: ${r.status()} ${r.url()}`); });
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    log(`bench page: ${url}`);
    await page.goto(url);
    await page.waitForFunction(() => window.benchResult || window.benchError, null, { timeout: 30 * 60 * 1000, polling: 1000 });
    const error = await page.evaluate(() => window.benchError);
    if (error) throw new Error(`the bench page failed: ${error}`);
    const result = await page.evaluate(() => window.benchResult);
    result.meta.runtime = `Chromium ${await browser.version()}`;
    return result;
  } finally {
    await browser.close();
    server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--serve')) {
    const port = Number(process.env.PORT ?? 8090);
    startBenchServer(port).then(() => console.log(`bench page: http://localhost:${port}/tools/bench/index.html`));
  } else {
    runInBrowser({ quick: args.includes('--quick'), log: (m) => console.error(`bench: ${m}`) }).then(
      (r) => console.log(args.includes('--result-json') ? JSON.stringify(r) : formatTable(r)),
      (e) => { console.error(e.stack ?? e); process.exit(1); },
    );
  }
}
