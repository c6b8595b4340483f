// Puts the lab on the playground page and wires it to the draw pad and the
// network there: the drawn digit becomes the lab's 'digit' input, and the
// page's model (its specs and weights, read from the shared Worker) is the
// network the lab's settings can be tried on. The lab's settings come from
// the page's URL query (state.js's short names: ?k=3&s=2#lab opens it on a
// 3x3 kernel at stride 2) and go back into it on every change, so a link
// opens "look at this". Glue only: the lab itself knows nothing of the page.
import { EngineClient } from '../../engine/client.js';
import { ConvLab } from './lab.js';
import { FIELDS, defaultState, fromQuery, toQuery } from './state.js';
import { labModel } from '../models.js';
import { el } from '../dom.js';
import { t } from '../i18n.js';

const OWN = new Set(Object.values(FIELDS).map((f) => f.url));

/** Whether a URL query key is one of the lab's settings. */
export function isLabKey(key) {
  return OWN.has(key);
}

/**
 * The lab's settings in a URL query (other keys are not the lab's and are
 * passed over): { state, problems }, each setting checked on its own, so
 * one bad value costs only itself; problems are the state table's messages,
 * naming the setting by its key in the query (k, not kernel).
 */
export function labStateFromQuery(query) {
  const q = query instanceof URLSearchParams ? query : new URLSearchParams(String(query ?? ''));
  let state = defaultState();
  const problems = [];
  for (const [key, value] of q) {
    if (!OWN.has(key)) continue;
    try {
      state = fromQuery(new URLSearchParams([[key, value]]), state);
    } catch (e) {
      problems.push(e.message.replace(/^\w+:/, `${key}:`));  // named as the link writes it
    }
  }
  return { state, problems };
}

/**
 * container: the element to fill. options: lang, client (the page's shared
 * one by default), playground (a Playground to follow, optional), query
 * (the page's URL query, whose lab settings it opens with and which it keeps
 * up to date; none: neither). Returns { lab, setLang, applyQuery(query) }:
 * applyQuery opens the lab on a query's settings (the defaults for the rest).
 */
export function mountLab(container, options = {}) {
  const client = options.client ?? EngineClient.shared();
  let lang = options.lang;
  const message = el('p', { class: 'lab-url-problem error', role: 'alert', 'data-testid': 'lab-url-problem', hidden: true });
  let problems = [];
  const showProblems = () => {
    message.hidden = !problems.length;
    message.textContent = problems.length ? t(lang, 'lab.url.bad', { problems: problems.join('; ') }) : '';
  };
  container.append(message);
  const first = options.query === undefined ? { state: defaultState(), problems: [] } : labStateFromQuery(options.query);
  problems = first.problems;
  showProblems();
  const lab = new ConvLab(container, { client, lang, state: first.state });
  if (options.query !== undefined && typeof history === 'object') {
    lab.addEventListener('change', (e) => {
      const url = new URL(location.href);
      for (const key of OWN) url.searchParams.delete(key);
      for (const [key, value] of new URLSearchParams(e.detail.query)) url.searchParams.set(key, value);
      history.replaceState(history.state, '', url);
    });
  }
  const pg = options.playground;
  if (pg) {
    pg.addEventListener('update', (e) => {
      if (e.detail?.image && !e.detail.empty) lab.setDigit(e.detail.image);
    });
    let gen = 0;
    const follow = async () => {
      const mine = ++gen;
      const net = pg.net;
      if (!net || !Array.isArray(net.specs)) { lab.setModel(null); return; }
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
      const next = labStateFromQuery(query);
      problems = next.problems;
      showProblems();
      lab.setState(next.state);
    },
  };
}
