// The concept index: each idea of a first lecture on CNNs (the lecture
// notes' list) with its worked example and where to touch it on the page,
// one click away: a link that opens the lab with the example's settings
// (the lab's URL query, state.js), the training view with a preset (its
// `arch`), or a section of the page by its id.
//
// To add a concept: a row in CONCEPTS (its id names its text,
// concepts.<id>.name and concepts.<id>.example, in i18n/<lang>/concepts.js)
// with its links: { lab: partial lab state } | { arch: train preset name }
// | { ex: a lab example's id } | {} (a section only), each with the
// section it scrolls to and the key of its link text.
import { t } from './i18n.js';
import './page-strings.js';
import { el } from './dom.js';
import { parseState, toQuery } from './lab/state.js';
import { PRESETS } from './train/state.js';

const lab = (state, text = 'concepts.link.lab') => ({ lab: state, section: 'lab', text });
const full = (ex) => ({ ex, section: 'lab', text: `concepts.ex.${ex}` });
const train = (arch, text) => ({ arch, section: 'train', text });
const section = (id, text) => ({ section: id, text });

export const CONCEPTS = Object.freeze([
  { id: 'filtering', links: [lab({ size: 5, kernel: 3 })] },
  { id: 'stride', links: [lab({ size: 7, kernel: 3, stride: 2 })] },
  { id: 'padding', links: [lab({ size: 5, kernel: 3, padding: 1 }), full('cs231n-760')] },
  { id: 'formula', links: [lab({ size: 7, kernel: 3, stride: 3 }), full('cs231n-7x7-s3'), full('kaist-28-f7')] },
  { id: 'pooling', links: [lab({ mode: 'pool', size: 6, pool: 'max', poolWindow: 2, poolStride: 2 }, 'concepts.link.max'),
    lab({ mode: 'pool', size: 6, pool: 'avg', poolWindow: 2, poolStride: 2 }, 'concepts.link.avg'), section('why-pool', 'concepts.link.whyPool')] },
  { id: 'channels', links: [lab({ input: 'rgb', kernel: 3 })] },
  { id: 'outChannels', links: [lab({ size: 5, kernel: 3, filters: 4 }), full('cs231n-six'), full('cs231n-stacked')] },
  { id: 'params', links: [lab({ input: 'rgb', kernel: 3, filters: 4 }), full('cs231n-760')] },
  { id: 'oneByOne', links: [lab({ input: 'rgb', kernel: 1, filters: 2, presets: ['custom', 'custom'], weights: [1, 1, 1, 1, -1, 0], bias: [0, 0] }),
    full('cs231n-1x1')] },
  { id: 'flip', links: [lab({ size: 5, kernel: 3, presets: ['sobelX'], flip: true })] },
  { id: 'relu', links: [section('why-relu', 'concepts.link.whyRelu'), lab({ size: 5, kernel: 3, activation: 'relu' }),
    train('sigmoid', 'concepts.link.sigmoid')] },
  { id: 'stack', links: [section('network', 'concepts.link.network'), train('lenet', 'concepts.link.lenet')] },
  { id: 'fcVsConv', links: [section('fc-vs-conv', 'concepts.link.fcVsConv'), train('dense', 'concepts.link.dense')] },
  { id: 'spatial', links: [section('fc-vs-conv', 'concepts.link.flat'), section('why-pool', 'concepts.link.whyPool')] },
]);

/**
 * A concept link's address on the page at `base` (its path), in `lang`:
 * the lab's settings as its URL query (the mode always written, so that the
 * link sets the lab even at its defaults), or the training preset, or the
 * example's id, then the section; a link to a section alone is its anchor.
 */
export function conceptHref(link, lang, base = '') {
  if (!link.lab && !link.arch && !link.ex) return `${base}#${link.section}`;
  const q = new URLSearchParams();
  q.set('lang', lang);
  if (link.lab) {
    const state = parseState(link.lab);
    q.set('mode', state.mode);
    for (const [k, v] of new URLSearchParams(toQuery(state))) q.set(k, v);
  } else if (link.arch) {
    q.set('arch', PRESETS[link.arch]);
  } else if (link.ex) {
    q.set('ex', link.ex);
  }
  return `${base}?${q}#${link.section}`;
}

export class ConceptIndex {
  /** container: where the list goes. options: lang. */
  constructor(container, options = {}) {
    this.lang = options.lang ?? 'en';
    this.root = el('ol', { class: 'concepts', 'data-testid': 'concepts' });
    container.append(this.root);
    this.render();
  }

  setLang(lang) {
    this.lang = lang;
    this.render();
  }

  render() {
    const L = this.lang;
    this.root.replaceChildren(...CONCEPTS.map((c) => el('li', { class: 'concept', 'data-testid': `concept-${c.id}` },
      el('strong', { class: 'concept-name', text: t(L, `concepts.${c.id}.name`) }),
      el('span', { class: 'concept-example', text: t(L, `concepts.${c.id}.example`) }),
      el('span', { class: 'concept-links' }, ...c.links.map((link, i) => el('a', {
        href: conceptHref(link, L), 'data-testid': `concept-${c.id}-${i}`, text: t(L, link.text) }))))));
  }
}
