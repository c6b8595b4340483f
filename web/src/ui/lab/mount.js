// Puts the lab on the playground page and wires it to the draw pad and the
// network there: the drawn digit becomes the lab's 'digit' input, and the
// page's model (its specs and weights, read from the shared Worker) is the
// network the lab's settings can be tried on. The lab's settings come from
// the page's URL query (their short names in state.js, e.g. ?ex=cs231n-760
// for a lecture example, ?k=5&s=2) and go back into it on every change, so
// a link opens the lab as it was; a link to the page that changes only the
// lab's settings is applied in place (applyQuery). Glue only: the lab itself
// knows nothing of the page.
import { EngineClient } from '../../engine/client.js';
import { ConvLab } from './lab.js';
import { FIELDS, URL_KEYS, parseState, shown } from './state.js';
import { lengthProblems } from './layer.js';
import { el } from '../dom.js';
import { t } from '../i18n.js';
import { labModel } from '../models.js';

/** Whether a URL query key is one of the lab's settings. */
export function isLabKey(key) {
  return Object.hasOwn(URL_KEYS, key);
}

/**
 * The lab's settings in a URL query (other keys are the page's): { state,
 * problems }, each setting checked on its own by the state table, then the
 * lists of numbers against the other settings; a refused one is left out
 * and named with its value in `problems` ({ key, value, why }).
 */
export function labStateFromUrl(search) {
  const q = new URLSearchParams(search);
  let state = parseState({});
  const problems = [];
  const pairs = [...q].filter(([k]) => Object.hasOwn(URL_KEYS, k)).sort(([a], [b]) => (b === 'ex') - (a === 'ex'));
  for (const [k, v] of pairs) {
    try {
      state = parseState({ [URL_KEYS[k]]: v }, state);
    } catch (e) {
      problems.push({ key: k, value: shown(v), why: e.message });
    }
  }
  // a list of numbers that does not fit the other settings is left out too, as the widgets' attributes are
  const defaults = parseState({});
  for (const { field, got, want } of lengthProblems(state)) {
    const key = FIELDS[field].url;
    const why = want ? `${field}: ${got} values, these settings need ${want}` : `${field}: the numbers of input=grid, but the input is ${state.input}`;
    problems.push({ key, value: shown(q.getAll(key).at(-1)), why });
    state = { ...state, [field]: defaults[field] };
  }
  return { state, problems };
}

/**
 * container: the element to fill. options: lang, client (the page's shared
 * one by default), playground (a Playground to follow, optional), state
 * (instead of the URL's). Returns { lab, setLang, ownsKey(key),
 * applyQuery(query) }: applyQuery opens the lab on a query's settings (the
 * defaults for the rest).
 */
export function mountLab(container, options = {}) {
  const client = options.client ?? EngineClient.shared();
  let lang = options.lang;
  const message = el('p', { class: 'lab-error', role: 'alert', 'data-testid': 'lab-url-problems', hidden: true });
  let problems = [];
  const showProblems = () => {
    message.hidden = !problems.length;
    message.textContent = problems.map((p) => t(lang, 'lab.urlRefused', p)).join(' ');
  };
  container.append(message);
  const fromUrl = labStateFromUrl(location.search);
  problems = fromUrl.problems;
  showProblems();
  const lab = new ConvLab(container, { client, lang, state: options.state ?? fromUrl.state, onRetrain: options.onRetrain });
  lab.addEventListener('change', (e) => {
    const url = new URL(location.href);
    for (const key of Object.keys(URL_KEYS)) url.searchParams.delete(key);
    for (const [key, value] of new URLSearchParams(e.detail.query)) url.searchParams.set(key, value);
    history.replaceState(history.state, '', url);
  });
  const pg = options.playground;
  if (pg) {
    pg.addEventListener('update', (e) => {
      if (e.detail?.image?.length === 28 * 28 && !e.detail.empty) lab.setDigit(e.detail.image);
    });
    let gen = 0;
    const follow = async () => {
      const mine = ++gen;
      const net = pg.net;
      // the lab's probe feeds the drawn digit: a model that takes other images is not probed
      if (!net || !Array.isArray(net.specs) || !pg.padFits()) { lab.setModel(null); return; }
      try {
        const model = await labModel(client, net);
        if (mine === gen) lab.setModel(model);
      } catch {
        if (mine === gen) lab.setModel(null);
      }
    };
    pg.addEventListener('model', follow);
    if (pg.net) follow();
  }
  return {
    lab,
    ownsKey: isLabKey,
    setLang(to) {
      lang = to;
      lab.setLang(to);
      showProblems();
    },
    applyQuery(query) {
      const next = labStateFromUrl(query);
      problems = next.problems;
      showProblems();
      lab.setState(next.state);
    },
  };
}
