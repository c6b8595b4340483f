// Where a model comes from when it is not one of the catalogue's: a file
// dropped or picked on the page, or a URL given in a widget's `model`
// attribute. No DOM here, so it is tested in Node (tests/web/model-source.test.js).
//
// A model file is the engine's own (.cnnm, starting "CNNMODEL") or an ONNX
// export (a protobuf); the engine parses both. What is checked here is only
// what the page can tell before the engine sees the bytes: the file's kind
// (told by its first bytes, not by its name: an HTML page served for a
// missing file is named as such), its size, and the options a teacher gives
// beside it: the input normalisation and the labels. Every problem is a
// SourceError { key, params } that the page says in its reader's language.

/** The largest model file the page opens (bytes). */
export const MAX_MODEL_BYTES = 64 * 1024 * 1024;
/** The largest labels file. */
export const MAX_LABELS_BYTES = 1024 * 1024;
/** Names of the files the model importer takes. */
export const MODEL_FILE_PATTERN = /\.(onnx|cnnm)$/i;

export class SourceError extends Error {
  constructor(key, params = {}) {
    super(`${key} ${JSON.stringify(params)}`);
    this.name = 'SourceError';
    this.key = key;
    this.params = params;
  }
}

const MAGIC = [...'CNNMODEL'].map((c) => c.charCodeAt(0));

/**
 * The kind of a file from its first bytes: 'cnnm', 'onnx', 'html' (a web
 * page, as servers send for a missing file), 'image', or null (none of these).
 */
export function sniffModel(bytes) {
  if (bytes.length >= 8 && MAGIC.every((b, i) => bytes[i] === b)) return 'cnnm';
  const head = new TextDecoder().decode(bytes.subarray(0, 256)).trimStart().toLowerCase();
  if (head.startsWith('<!doctype') || head.startsWith('<html') || head.startsWith('<head') || head.startsWith('<body') || head.startsWith('<?xml') || head.startsWith('<')) return 'html';
  if ((bytes[0] === 0x89 && bytes[1] === 0x50) || (bytes[0] === 0xff && bytes[1] === 0xd8) || (bytes[0] === 0x47 && bytes[1] === 0x49)) return 'image';
  // an ONNX ModelProto starts with a field tag: ir_version (0x08), or another of its fields (wire type 0 or 2)
  if (bytes.length >= 2 && [0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42].includes(bytes[0])) return 'onnx';
  return null;
}

/** The last part of a URL's path, for messages ('models/my.onnx' -> 'my.onnx'). */
export function fileName(url) {
  try {
    return decodeURIComponent(new URL(url, 'http://x/').pathname.split('/').pop() || String(url));
  } catch {
    return String(url);
  }
}

/**
 * A model file's bytes checked as a model: { bytes, format }. `what` names
 * where they came from in messages (an attribute and its value, or a file name).
 */
export function checkModelBytes(bytes, what) {
  if (bytes.length > MAX_MODEL_BYTES) throw new SourceError('source.tooBig', { what, mb: mb(bytes.length), max: mb(MAX_MODEL_BYTES) });
  if (bytes.length === 0) throw new SourceError('source.empty', { what });
  const format = sniffModel(bytes);
  if (format === 'html') throw new SourceError('source.html', { what });
  if (format === 'image') throw new SourceError('source.image', { what });
  if (!format) throw new SourceError('source.notModel', { what });
  return { bytes, format };
}

/**
 * Fetches a file under the page's rules (same origin, or a server that
 * allows it by CORS): its bytes, checked for size as they arrive. `what`
 * names the attribute and value in messages; `max` the size limit.
 */
export async function fetchBytes(url, what, max = MAX_MODEL_BYTES, fetchImpl = globalThis.fetch) {
  let res;
  try {
    res = await fetchImpl(url);
  } catch (e) {
    throw new SourceError('source.fetchFailed', { what, message: e?.message ?? String(e) });
  }
  if (!res.ok) throw new SourceError('source.httpStatus', { what, status: `${res.status} ${res.statusText ?? ''}`.trim() });
  const declared = Number(res.headers?.get?.('content-length'));
  if (declared > max) throw new SourceError('source.tooBig', { what, mb: mb(declared), max: mb(max) });
  if (!res.body?.getReader) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > max) throw new SourceError('source.tooBig', { what, mb: mb(bytes.length), max: mb(max) });
    return bytes;
  }
  const reader = res.body.getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      reader.cancel().catch(() => {});
      throw new SourceError('source.tooBig', { what, mb: `> ${mb(max)}`, max: mb(max) });
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

function mb(bytes) {
  return (bytes / (1024 * 1024)).toFixed(1);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * An input normalisation as a teacher writes it: PyTorch's own arguments
 * ('(0.1307,), (0.3081,)' or '(0.485, 0.456, 0.406), (0.229, 0.224, 0.225)'),
 * or the numbers alone, the means first ('0.1307, 0.3081'). Returns
 * { mean, std }, or null for '' / 'none'. `name` is the option as the
 * reader wrote it (an attribute, a field) for messages.
 */
export function parseNormalize(text, name = 'normalize') {
  const s = String(text ?? '').trim();
  if (s === '' || s.toLowerCase() === 'none') return null;
  const tokens = s.replace(/[()[\]]/g, ' ').split(/[\s,]+/).filter(Boolean);
  if (!tokens.every((x) => NUMBER.test(x))) throw new SourceError('source.normalizeNumbers', { name, value: s });
  const numbers = tokens.map(Number);
  if (numbers.length % 2 !== 0 || numbers.length === 0) throw new SourceError('source.normalizeCount', { name, value: s, n: numbers.length });
  const half = numbers.length / 2;
  const mean = numbers.slice(0, half), std = numbers.slice(half);
  const bad = std.find((v) => !(v > 0));
  if (bad !== undefined) throw new SourceError('source.normalizeStd', { name, value: s, std: bad });
  return { mean, std };
}

/** A normalisation as the attribute would say it ('0.1307,0.3081'). */
export function normalizeText(n) {
  return n ? [...n.mean, ...n.std].join(',') : '';
}

/** Whether a `labels` value names a file (labels.txt, classes.json) rather than listing the names. */
export function isLabelsFile(text) {
  const s = String(text ?? '').trim();
  return !s.includes(',') && /\.(txt|json)$/i.test(s);
}

/** Names separated by commas ('T-shirt, Trouser, ...'); spaces around each name dropped. */
export function parseLabelList(text, name = 'labels') {
  const s = String(text ?? '').trim();
  if (s === '') return null;
  const labels = s.split(',').map((x) => x.trim());
  if (labels.some((x) => x === '')) throw new SourceError('source.labelsEmpty', { name, value: s });
  return labels;
}

/**
 * A labels file's text: a JSON array of strings (.json), else one name per
 * line (.txt; blank lines at the end ignored).
 */
export function parseLabelsFile(text, what, isJson) {
  if (isJson) {
    let v;
    try {
      v = JSON.parse(text);
    } catch {
      throw new SourceError('source.labelsJson', { what });
    }
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.trim() !== '')) throw new SourceError('source.labelsJson', { what });
    return v.map((x) => x.trim());
  }
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n').map((x) => x.trim());
  if (lines.length === 0 || lines.some((x) => x === '')) throw new SourceError('source.labelsLines', { what });
  return lines;
}

/** Labels against the model's outputs: refused when the counts differ. */
export function checkLabels(labels, outputs, what) {
  if (labels && labels.length !== outputs) throw new SourceError('source.labelsCount', { what, n: labels.length, outputs });
  return labels;
}

/**
 * The network's input from an image in [0, 1] (C x H x W, channel-major):
 * (x - mean[c]) / std[c], as transforms.Normalize does after ToTensor.
 * One value serves every channel.
 */
export function normalizeInput(image, normalize, channels) {
  if (!normalize) return image;
  const out = new Float32Array(image.length);
  const plane = image.length / channels;
  for (let c = 0; c < channels; c++) {
    const m = normalize.mean[normalize.mean.length === 1 ? 0 : c], s = normalize.std[normalize.std.length === 1 ? 0 : c];
    for (let i = c * plane; i < (c + 1) * plane; i++) out[i] = (image[i] - m) / s;
  }
  return out;
}
