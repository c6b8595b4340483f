// Puts the training view on the playground page: its settings come from the
// page's URL query (state.js names them) and go back into it on every
// change, so a link opens "train this"; the data is read from build/data/
// beside the page; "Use in the draw pad" opens the network being trained in
// the page's Playground, as one more entry of its model list. Glue only.
import { EngineClient } from '../../engine/client.js';
import { TrainView } from './train-view.js';
import { fromQuery, toQuery, HYPER, layersFromText } from './state.js';

const OWN = ['arch', ...Object.values(HYPER).map((f) => f.url)];

const TRAINED_KEY = 'trained';

/** Opens a model file in the playground as its 'trained' entry (replacing the one before), with the data set's samples. */
async function useInPlayground(playground, { bytes, dataset }) {
  const shipped = playground.models.filter((m) => m.key !== TRAINED_KEY);
  const like = shipped.find((m) => m.key === (dataset === 'fashion' ? 'fashion' : 'digits'));
  const old = playground.models.find((m) => m.key === TRAINED_KEY);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  playground.models = [...shipped, { key: TRAINED_KEY, dataset: like?.dataset, url, samples: like?.samples }];
  await playground.switchModel(TRAINED_KEY);
  if (old) URL.revokeObjectURL(old.url);
}

/**
 * container: the element to fill; options: lang, client, playground (optional).
 * Returns { view, setLang, retrain, errors, ownsKey(key), applyQuery(query) }:
 * a link within the page that sets only the architecture (arch) is applied in
 * place, so the run before it stays to compare with; any other key of the
 * training view's is for a new page.
 */
export function mountTrain(container, options = {}) {
  const client = options.client ?? EngineClient.shared();
  const { state, errors } = fromQuery(location.search);
  const pg = options.playground;
  let lastDrawing = null;
  pg?.addEventListener('update', (e) => {
    lastDrawing = e.detail?.image && !e.detail.empty ? e.detail.image : null;
  });
  const view = new TrainView(container, {
    lang: options.lang, client, state, dataUrl: new URL('build/data/', document.baseURI).href,
    onUseModel: pg ? (model) => useInPlayground(pg, model) : null,
    drawing: pg ? () => lastDrawing : null,
    onState: (s) => {
      const url = new URL(location.href);
      for (const key of OWN) url.searchParams.delete(key);
      for (const [key, value] of toQuery(s)) url.searchParams.set(key, value);
      history.replaceState(history.state, '', url);
    },
  });
  if (errors.length) view.showMessage(errors.join('; '));
  const retrain = ({ layers, original, labels }) => {
    container.scrollIntoView({ block: 'start' });
    return view.retrain(layers, { original, labels });
  };
  return {
    view, setLang: (lang) => view.setLang(lang), retrain, errors,
    ownsKey: (key) => key === 'arch',
    applyQuery(query) {
      const q = query instanceof URLSearchParams ? query : new URLSearchParams(query);
      if (!q.has('arch')) return;
      try {
        view.editor.setLayers(layersFromText(q.get('arch')));
      } catch (e) {
        view.showMessage(`arch: ${e.message}`);
      }
    },
  };
}
