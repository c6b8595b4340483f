// The model catalogue as the widgets see it: a model file's url is read
// relative to web/ (where the catalogue's paths start), whatever page the
// widget is on. The self-contained build (tools/dist.js) fills INLINED with
// the files' bytes (base64, by url), which then come from data: URLs, so no
// file is fetched from anywhere.
import { MODEL_CATALOGUE } from '../ui/models.js';

const INLINED = null;
const WEB_ROOT = new URL('../../', import.meta.url);

export function widgetModels() {
  return MODEL_CATALOGUE.map((entry) => {
    if (!entry.url) return entry;
    const url = INLINED && Object.hasOwn(INLINED, entry.url)
      ? `data:application/octet-stream;base64,${INLINED[entry.url]}`
      : new URL(entry.url, WEB_ROOT).href;
    return { ...entry, url };
  });
}
