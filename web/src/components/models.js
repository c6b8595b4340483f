// The model catalogue as the widgets see it. A catalogue entry's files (its
// model `url`, its `samples`) are paths under web/; a widget resolves them
// against where its own code is, so it works from whatever page it is on.
// The self-contained build (tools/dist.js) fills INLINED with the default
// model's file (base64, by path), which then comes from a data: URL, and
// ASSET_BASE with './': the other files sit in the folder of the bundle.
// The training data of <cnn-train> is in web/build/data/, or in the folder
// DATA_FOLDER of the bundle's (filled in by the build).
import { MODEL_CATALOGUE } from '../ui/models.js';

const INLINED = null;
const ASSET_BASE = null;
const DATA_FOLDER = null;

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

/** The folder of the training data (its manifest.json and files), as a URL. */
export function trainingDataUrl() {
  return resolve(DATA_FOLDER ?? 'build/data/');
}
