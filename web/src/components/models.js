// The model catalogue as the widgets see it. A catalogue entry's files (its
// model `url`, its `samples`) are paths under web/; a widget resolves them
// against where its own code is, so it works from whatever page it is on.
// The self-contained build (tools/dist.js) fills INLINED with the default
// model's file (base64, by path), which then comes from a data: URL, and
// ASSET_BASE with './': the other files sit in the folder of the bundle.
import { MODEL_CATALOGUE } from '../ui/models.js';
import { parseNormalize, isLabelsFile, parseLabelList, fileName } from '../ui/model-source.js';

const INLINED = null;
const ASSET_BASE = null;

function resolve(path) {
  if (INLINED && Object.hasOwn(INLINED, path)) return `data:application/octet-stream;base64,${INLINED[path]}`;
  return new URL(path, new URL(ASSET_BASE ?? '../../', import.meta.url)).href;
}

/** The catalogue's files of an entry, by field name. */
export function entryFiles(entry) {
  return ['url', 'samples'].filter((k) => typeof entry[k] === 'string').map((k) => [k, entry[k]]);
}

export function widgetModels() {
  return MODEL_CATALOGUE.map((entry) => ({
    ...entry, ...Object.fromEntries(entryFiles(entry).map(([k, path]) => [k, resolve(path)])),
  }));
}

/**
 * The model a drawing widget opens from its options (attributes.js has
 * checked them): a catalogue entry, or a file at an address (model="my.onnx",
 * resolved against `base`), with the normalisation and labels given. Each
 * carries the attribute and its value, as messages name them.
 */
export function widgetEntry(config, models, base) {
  const given = config.model ?? models[0]?.key;
  const known = models.find((m) => m.key === given);
  const entry = known ? { ...known }
    : { key: given, name: fileName(given), url: new URL(given, base).href, what: `model="${given}"` };
  if (config.normalize !== undefined) entry.normalize = config.normalize === '' ? null : parseNormalize(config.normalize);
  if (config.labels !== undefined) {
    if (isLabelsFile(config.labels)) entry.labelsUrl = new URL(config.labels, base).href;
    else entry.labels = parseLabelList(config.labels);
    entry.labelsWhat = `labels="${config.labels}"`;
  }
  return entry;
}
