import { readDataset } from '../engine/dataset.js';
import { fetchBytes, checkModelBytes, parseLabelsFile, checkLabels, sniffModel, SourceError, MAX_LABELS_BYTES } from './model-source.js';

// The models the playground can show, and how to open one in the engine
// Worker. A catalogue entry names a model file (the engine's model format,
// opened by the worker's loadModel: web/models/*.cnnm, trained by
// tools/train) and its held-out sample images; an entry may instead give
// layer specs, for a seeded, untrained network (the page then says so).

export const INPUT_SHAPE = Object.freeze([1, 1, 28, 28]);

export const MODEL_CATALOGUE = Object.freeze([
  { key: 'digits', dataset: 'mnist', url: 'models/digits.cnnm', samples: 'models/samples-mnist.cnnd' },
  { key: 'fashion', dataset: 'fashion-mnist', url: 'models/fashion.cnnm', samples: 'models/samples-fashion.cnnd' },
]);

/** How many shipped images of each class the page offers. */
export const SAMPLES_PER_CLASS = 3;

/**
 * Opens a model in the worker: { id, specs, layers, paramCount, inputShape,
 * metadata, labels, trained, entry }. `entry` is a catalogue entry (a model
 * file's `url`, or layer specs), or a model from elsewhere (see
 * model-source.js): { key, url or bytes, what (how messages name it),
 * normalize ({ mean, std }: replaces the file's), labels (names, or
 * labelsUrl: a .txt or .json file of them) }; its file may be a .cnnm or an
 * ONNX export, told by its first bytes. `base` resolves the urls (the page's
 * URL by default). Problems reject with a SourceError or an EngineError.
 */
export async function openModel(client, entry, base = globalThis.location?.href) {
  let net;
  let metadata = { dataset: entry.dataset, ...(entry.metadata ?? {}) };
  let trained = false;
  if (entry.url || entry.bytes) {
    let bytes;
    if (entry.bytes) {
      bytes = entry.bytes.slice();  // the entry keeps its own copy; this one goes to the Worker
    } else if (entry.what) {
      bytes = await fetchBytes(new URL(entry.url, base).href, entry.what);
    } else {  // a catalogue file
      const url = new URL(entry.url, base);
      try {
        const res = await fetch(url);
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}`.trim());
        bytes = new Uint8Array(await res.arrayBuffer());
      } catch (e) {
        throw new Error(`${url.pathname}: ${e.message}`);
      }
    }
    const { format } = checkModelBytes(bytes, entry.what ?? entry.url);
    const payload = { bytes, ...(entry.normalize !== undefined ? { normalize: entry.normalize } : {}) };
    net = await client.request(format === 'onnx' ? 'importOnnx' : 'loadModel', payload, [bytes.buffer]);
    metadata = { ...metadata, ...(net.metadata ?? {}) };
    trained = true;
  } else {
    net = await client.request('createNetwork', { specs: entry.specs, inputShape: INPUT_SHAPE, seed: entry.seed ?? 0 });
  }
  if (!net.layers?.length) Object.assign(net, await client.request('plan', { id: net.id, shape: INPUT_SHAPE }));
  const opened = { ...net, specs: net.specs ?? entry.specs, inputShape: net.inputShape ?? INPUT_SHAPE.slice(), metadata, trained, entry };
  try {
    opened.labels = await modelLabels(entry, opened, base);
  } catch (e) {
    client.request('destroyNetwork', { id: net.id }).catch(() => {});
    throw e;
  }
  return opened;
}

/** The outputs per sample of an opened model. */
export function outputCount(net) {
  return (net.layers?.at(-1)?.outShape ?? [1, 0]).slice(1).reduce((a, b) => a * b, 1);
}

/** The class names an entry gives (a list, or a file), checked against the model's outputs; else the model's own. */
async function modelLabels(entry, net, base) {
  let labels = entry.labels ?? null;
  let what = entry.labelsWhat ?? 'labels';
  if (!labels && entry.labelsUrl) {
    const url = new URL(entry.labelsUrl, base).href;
    what = entry.labelsWhat ?? `labels="${entry.labelsUrl}"`;
    const bytes = await fetchBytes(url, what, MAX_LABELS_BYTES);
    if (sniffModel(bytes) === 'html') throw new SourceError('source.html', { what });
    labels = parseLabelsFile(new TextDecoder().decode(bytes), what, /\.json$/i.test(new URL(url).pathname));
  }
  if (labels) return checkLabels(labels, outputCount(net), what);
  return net.metadata?.labels?.length ? net.metadata.labels : null;
}

/** The model list with `entry` in place of the one of its key; one model from elsewhere (with a name) at a time. */
export function withEntry(models, entry) {
  const out = models.filter((m) => m.key === entry.key || !m.name || !entry.name);
  const i = out.findIndex((m) => m.key === entry.key);
  if (i >= 0) out[i] = entry;
  else out.push(entry);
  return out;
}

/**
 * An opened model (openModel's answer) as the lab's network probe takes it:
 * { specs, params, metadata, trained }, its parameters read from the Worker.
 */
export async function labModel(client, net) {
  const { params } = await client.request('getParams', { id: net.id });
  return { specs: net.specs, params, metadata: net.metadata ?? {}, trained: !!net.trained };
}

/**
 * The shipped held-out images of a catalogue entry (a data file of
 * tools/prepare_data.js): { images: [{ data, label }], classes }, the first
 * `perClass` of each class, in class order.
 */
export async function openSamples(entry, base = globalThis.location?.href, perClass = SAMPLES_PER_CLASS) {
  if (!entry.samples) return { images: [], classes: [] };
  const url = new URL(entry.samples, base);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url.pathname}: ${res.status} ${res.statusText}`.trim());
  const set = readDataset(new Uint8Array(await res.arrayBuffer()));
  if (set.channels !== 1 || set.height !== 28 || set.width !== 28) throw new Error(`${url.pathname}: the images are not 1x28x28`);
  const taken = new Map();
  const images = [];
  for (let i = 0; i < set.count; i++) {
    const label = set.labels[i];
    if ((taken.get(label) ?? 0) >= perClass) continue;
    taken.set(label, (taken.get(label) ?? 0) + 1);
    images.push({ data: set.image(i), label });
  }
  images.sort((a, b) => a.label - b.label);
  return { images, classes: set.classes };
}
