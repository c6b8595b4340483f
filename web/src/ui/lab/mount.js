// Puts the lab on the playground page and wires it to the draw pad and the
// network there: the drawn digit becomes the lab's 'digit' input, and the
// page's model (its specs and weights, read from the shared Worker) is the
// network the lab's settings can be tried on. Glue only: the lab itself
// knows nothing of the page.
import { EngineClient } from '../../engine/client.js';
import { ConvLab } from './lab.js';
import { labModel } from '../models.js';

/**
 * container: the element to fill. options: lang, client (the page's shared
 * one by default), playground (a Playground to follow, optional), state.
 * Returns { lab, setLang }.
 */
export function mountLab(container, options = {}) {
  const client = options.client ?? EngineClient.shared();
  const lab = new ConvLab(container, { client, lang: options.lang, state: options.state, onRetrain: options.onRetrain });
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
  return { lab, setLang: (lang) => lab.setLang(lang) };
}
