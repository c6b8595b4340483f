// The page under test in Debian's Chromium (driven by playwright-core; no
// browser is ever downloaded): web/ (or another folder) served on an
// ephemeral port of 127.0.0.1 and a browser with a fresh profile, for the
// test files that open the page.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.js';
import { CHROMIUM, ARGS } from './widget-steps.js';

/** Where screenshots go. */
export const OUT = new URL('../../test-results/', import.meta.url);

/**
 * Starts the server and the browser: { base, context, page, errors (the
 * page's uncaught errors), close() }. `name` names the temporary profile;
 * `root` is the folder to serve (web/ by default); the other options go to
 * the context as they are (e.g. hasTouch and isMobile for a phone).
 */
export async function openBrowser(name, viewport = { width: 1280, height: 900 }, { root, ...options } = {}) {
  const server = await startServer(0, '127.0.0.1', root);
  const base = `http://127.0.0.1:${server.address().port}`;
  const profile = mkdtempSync(join(tmpdir(), `cnn-e2e-${name}-`));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport, ...options });
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  mkdirSync(OUT, { recursive: true });
  return {
    base, context, page, errors,
    async close() {
      await context.close();
      server.close();
      try { rmSync(profile, { recursive: true, force: true, maxRetries: 5 }); } catch { /* only a temp dir */ }
    },
  };
}
