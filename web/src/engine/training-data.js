// The training data of the page, fetched by the Worker when training starts:
// compact CNNDATA files (dataset.js) in one folder beside the page, listed in
// that folder's manifest.json ({ sets: { name: { file, bytes, sha256,
// compression?, rawBytes? } } }, written by `node tools/prepare_data.js
// page`). Only the page's own origin is read; a file is used only if its
// size and SHA-256 match the manifest, and a gzipped one (compression
// "gzip", the browser's DecompressionStream) only if it unpacks to exactly
// rawBytes.

import { EngineError } from './errors.js';
import { readDataset } from './dataset.js';

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

/** `url` resolved against `origin`, refused unless it is on that origin. */
export function sameOriginUrl(url, origin) {
  let u;
  try {
    u = new URL(url, origin);
  } catch {
    throw new EngineError(`${JSON.stringify(String(url))} is not a URL`);
  }
  if (u.origin !== new URL(origin).origin) {
    throw new EngineError(`training data is read from this page's own site (${new URL(origin).origin}) only, not from ${u.origin}`);
  }
  return u;
}

async function get(fetchFn, url) {
  const response = await fetchFn(url.href);
  if (!response.ok) throw new EngineError(`${url.pathname} could not be read (HTTP ${response.status})`);
  return response;
}

/**
 * Fetches data set `name` from the folder `folderUrl`: { data (readDataset's
 * object), bytes, sha256 }. onProgress(loadedBytes, totalBytes) is called as
 * the bytes arrive. fetchFn and origin default to the global fetch and the
 * scope's location.
 */
export async function fetchTrainingData(name, folderUrl, { fetchFn = globalThis.fetch, origin = globalThis.location?.href, onProgress = () => {} } = {}) {
  if (!origin) throw new EngineError('the page\'s origin is unknown: no training data can be fetched');
  const folder = sameOriginUrl(folderUrl.endsWith('/') ? folderUrl : `${folderUrl}/`, origin);
  const manifest = await (await get(fetchFn, new URL('manifest.json', folder))).json();
  const entry = manifest?.sets?.[name];
  if (!entry || typeof entry.file !== 'string' || !Number.isInteger(entry.bytes) || typeof entry.sha256 !== 'string') {
    const known = Object.keys(manifest?.sets ?? {});
    throw new EngineError(`there is no data set ${JSON.stringify(name)} beside the page (there are: ${known.join(', ') || 'none'})`);
  }
  const fileUrl = sameOriginUrl(new URL(entry.file, folder).href, origin);
  const response = await get(fetchFn, fileUrl);
  const bytes = new Uint8Array(entry.bytes);
  let loaded = 0;
  onProgress(0, entry.bytes);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > entry.bytes) {
      await reader.cancel();
      throw new EngineError(`${entry.file} is larger than the ${entry.bytes} bytes its manifest gives: it was not used`);
    }
    bytes.set(value, loaded);
    loaded += value.length;
    onProgress(loaded, entry.bytes);
  }
  if (loaded !== entry.bytes) throw new EngineError(`${entry.file} has ${loaded} bytes, but its manifest gives ${entry.bytes}: it was not used`);
  const sha256 = hex(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  if (sha256 !== entry.sha256) throw new EngineError(`${entry.file} does not match its checksum (SHA-256 ${sha256}, expected ${entry.sha256}): it was not used`);
  return { data: readDataset(await unpacked(bytes, entry)), bytes: entry.bytes, sha256 };
}

/** The file's bytes as the manifest entry says they are stored: as they are, or gzipped to be unpacked to entry.rawBytes. */
async function unpacked(bytes, entry) {
  if (entry.compression === undefined) return bytes;
  if (entry.compression !== 'gzip') {
    throw new EngineError(`${entry.file} is stored as ${JSON.stringify(entry.compression)}, which this page cannot unpack (it reads "gzip"): it was not used`);
  }
  if (!Number.isInteger(entry.rawBytes) || entry.rawBytes < 1) {
    throw new EngineError(`the manifest gives ${entry.file} an unpacked size (rawBytes) of ${JSON.stringify(entry.rawBytes)}, not a whole number of bytes: it was not used`);
  }
  const out = new Uint8Array(entry.rawBytes);
  let n = 0;
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (n + value.length > out.length) {
        await reader.cancel();
        throw new EngineError(`${entry.file} unpacks to more than the ${entry.rawBytes} bytes its manifest gives: it was not used`);
      }
      out.set(value, n);
      n += value.length;
    }
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError(`${entry.file} could not be unpacked (${e.message}): it was not used`);
  }
  if (n !== out.length) throw new EngineError(`${entry.file} unpacks to ${n} bytes, but its manifest gives ${entry.rawBytes}: it was not used`);
  return out;
}
