// Puts the training view on the playground page: its settings come from the
// page's URL query (state.js names them) and go back into it on every
// change, so a link opens "train this"; the data is read from build/data/
// beside the page. Glue only.
import { EngineClient } from '../../engine/client.js';
import { TrainView } from './train-view.js';
import { fromQuery, toQuery, HYPER } from './state.js';

const OWN = ['arch', ...Object.values(HYPER).map((f) => f.url)];

/** container: the element to fill; options: lang, client. Returns { view, setLang, errors }. */
export function mountTrain(container, options = {}) {
  const client = options.client ?? EngineClient.shared();
  const { state, errors } = fromQuery(location.search);
  const view = new TrainView(container, {
    lang: options.lang, client, state, dataUrl: new URL('build/data/', document.baseURI).href,
    onState: (s) => {
      const url = new URL(location.href);
      for (const key of OWN) url.searchParams.delete(key);
      for (const [key, value] of toQuery(s)) url.searchParams.set(key, value);
      history.replaceState(history.state, '', url);
    },
  });
  if (errors.length) view.showMessage(errors.join('; '));
  return { view, setLang: (lang) => view.setLang(lang), errors };
}
