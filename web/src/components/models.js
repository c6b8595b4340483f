// The model catalogue as the widgets see it. A catalogue entry's files (its
// model `url`, its `samples`) are paths under web/; a widget resolves them
// against where its own code is, so it works from whatever page it is on.
// The self-contained build (tools/dist.js) fills ASSET_BASE with './': the
// files sit in the folder of the bundle.
// The training data of <cnn-train> is in web/build/data/, or in the folder
// DATA_FOLDER of the bundle's (filled in by the build).
import { MODEL_CATALOGUE } from '../ui/models.js';
import { parseNormalize, isLabelsFile, parseLabelList, fileName } from '../ui/model-source.js';

const ASSET_BASE = null;
const DATA_FOLDER = null;

function resolve(path) {
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

/** The folder of the training data (its manifest.json and files), as a URL. */
export function trainingDataUrl() {
  return resolve(DATA_FOLDER ?? 'build/data/');
}
