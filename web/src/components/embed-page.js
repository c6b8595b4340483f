// <cnn-embed-page>: the body of the iframe embed page (embed.html). It shows
// one widget configured by the page URL's hash, and writes the reader's
// changes back into the hash, so a copied link reproduces the settings:
//   embed.html#widget=conv-lab&lang=ko&k=3&s=2&p=1
// Keys: widget (conv-lab, pool-lab, draw-classify, network-view, train), the
// widget's options (lang, theme, controls, autoplay, autostart, model,
// preprocess, cost) and, for the labs, the lab's settings by their short URL
// names (ui/lab/state.js); for train, the training view's (ui/train/state.js:
// arch, data, opt, lr, sched, mom, batch, epochs, aug, seed) and preset.
// Unknown keys, bad values and broken encoding are left out with a visible
// message. Below the widget: the link and the HTML to embed it (in an
// iframe, only the link).
//
// In an iframe, the page tells its parent how tall it is, whenever that
// changes: postMessage({ type: HEIGHT_MESSAGE, height }) with the height in
// CSS pixels, a number and nothing else, so any page may receive it. A few
// lines of script on the host page (README, "The iframe embed page") set
// the iframe's height from it, after checking the message's origin and
// source window.
//
// Light DOM (it is a page, not a widget); all text from i18n.js, set as text.
import { t, LANGS } from '../ui/i18n.js';
import { toQuery, FIELDS } from '../ui/lab/state.js';
import { toQuery as trainQuery } from '../ui/train/state.js';
import { parseEmbedHash, attributeValue, kebab, camel, problemText, THEMES, TRAIN_URL_KEYS } from './attributes.js';
import { CnnConvLab } from './conv-lab.js';
import { CnnPoolLab } from './pool-lab.js';
import { CnnDrawClassify } from './draw-classify.js';
import { CnnNetworkView } from './network-view.js';
import { CnnTrain } from './train.js';
import { themedCss } from './styles.js';
import { defineOnce } from './define.js';

const BASE_OPTIONS = { lang: LANGS, theme: THEMES };
// height: the iframe height (CSS px) that holds the widget with its default
// settings in either language, on a desktop and on a phone (an iframe 358 px
// wide); measured by tests/e2e/hosts.test.js, and in the README's table.
export const EMBEDDABLE = Object.freeze({
  'conv-lab': { options: { ...BASE_OPTIONS, ...CnnConvLab.options }, lab: true, height: 3200 },
  'pool-lab': { options: { ...BASE_OPTIONS, ...CnnPoolLab.options }, lab: true, height: 2400 },
  'draw-classify': { options: { ...BASE_OPTIONS, ...CnnDrawClassify.options }, lab: false, height: 2100 },
  'network-view': { options: { ...BASE_OPTIONS, ...CnnNetworkView.options }, lab: false, height: 5600 },
  train: { options: { ...BASE_OPTIONS, ...CnnTrain.options }, lab: false, train: true, height: 3400 },
});
const pageStyles = new WeakMap();  // <style> -> its text as written

/** The type of the message that tells the embedding page this page's height. */
export const HEIGHT_MESSAGE = 'cnn-playground:height';

export class CnnEmbedPage extends HTMLElement {
  static define(tag) {
    return defineOnce(tag, this);
  }

  connectedCallback() {
    if (this.built) return;
    this.built = true;
    const win = this.ownerDocument.defaultView;
    this.onHash = () => { if (win.location.hash !== this.written) this.build(); };
    win.addEventListener('hashchange', this.onHash);
    this.build();
    if (win.parent !== win) {
      this.tellHeight(win);
    }
  }

  disconnectedCallback() {
    this.ownerDocument.defaultView?.removeEventListener('hashchange', this.onHash);
    this.sizeWatch?.disconnect();
    this.built = false;
  }

  /** Posts the page's height to the parent window now and whenever it changes. */
  tellHeight(win) {
    const root = this.ownerDocument.documentElement;
    let told = 0;
    this.sizeWatch = new win.ResizeObserver(() => {
      const height = Math.ceil(root.getBoundingClientRect().height);
      if (height === told) return;
      told = height;
      win.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
    });
    this.sizeWatch.observe(root);
  }

  build() {
    const doc = this.ownerDocument;
    const win = doc.defaultView;
    const parsed = parseEmbedHash(win.location.hash, EMBEDDABLE, 'conv-lab');
    this.parsed = parsed;
    const lang = parsed.options.lang ?? (doc.documentElement.getAttribute('lang') || 'en');
    doc.documentElement.lang = lang;
    this.applyTheme(parsed.options.theme ?? 'auto');
    const make = (tag, props = {}) => Object.assign(doc.createElement(tag), props);
    const messages = make('ul', { className: 'embed-messages' });
    messages.setAttribute('role', 'alert');
    messages.dataset.testid = 'embed-messages';
    for (const p of parsed.problems) messages.append(make('li', { textContent: problemText(lang, p) }));
    messages.hidden = parsed.problems.length === 0;
    const widget = doc.createElement(`cnn-${parsed.widget}`);
    for (const [name, value] of Object.entries(parsed.options)) widget.setAttribute(kebab(name), attributeValue(value));
    for (const [name, value] of [...parsed.lab, ...parsed.train]) widget.setAttribute(name, value);
    widget.addEventListener('cnn-change', (e) => this.remember(e.detail.state));
    this.link = make('a', { className: 'embed-link', textContent: t(lang, 'embed.link'), target: '_blank', rel: 'noopener' });
    this.code = make('textarea', { className: 'embed-code', readOnly: true, rows: 3 });
    this.code.setAttribute('aria-label', t(lang, 'embed.codeLabel'));
    this.code.dataset.testid = 'embed-code';
    const footer = make('footer', { className: 'embed-footer' });
    const codeNote = make('p', { textContent: t(lang, 'embed.code') });
    // in an iframe the reader sees the widget and its link; the code to embed it is for the teacher's own tab
    codeNote.hidden = this.code.hidden = win.parent !== win;
    footer.append(this.link, codeNote, this.code);
    this.widget = widget;
    this.replaceChildren(messages, widget, footer);
    this.remember(null);
  }

  /** The page's own colours follow the widget's theme (its style blocks, as styles.js themes a widget's). */
  applyTheme(theme) {
    const doc = this.ownerDocument;
    for (const style of doc.querySelectorAll('head style')) {
      if (!pageStyles.has(style)) pageStyles.set(style, style.textContent);
      style.textContent = themedCss(pageStyles.get(style), theme);
    }
    doc.documentElement.style.colorScheme = theme === 'auto' ? '' : theme;
  }

  /** Writes the settings into the hash (after a change by the reader), the link and the HTML below. */
  remember(state) {
    const win = this.ownerDocument.defaultView;
    const { widget, options, lab, train } = this.parsed;
    const trainKeys = Object.fromEntries(Object.entries(TRAIN_URL_KEYS).map(([key, name]) => [name, key]));
    const settings = state ? (EMBEDDABLE[widget].train ? trainQuery(state) : toQuery(state)).toString()
      : new URLSearchParams([...lab.map(([name, value]) => [FIELDS[camel(name)].url, value]),
        ...train.map(([name, value]) => [trainKeys[name], value])]).toString();
    const hash = embedHash(widget, options, settings);
    if (state) {
      this.written = hash;
      win.history.replaceState(null, '', hash);
    }
    const url = new URL(win.location.href);
    url.hash = hash;
    this.link.href = url.href;
    this.code.value = iframeCode(url.href, widget, this.ownerDocument.documentElement.lang);
  }
}

/** The embed page's hash for a widget: its name, its options ({ name: value }) and its lab settings (a URL query). */
export function embedHash(widget, options, settings = '') {
  const q = new URLSearchParams({ widget });
  for (const [name, value] of Object.entries(options)) q.set(name, attributeValue(value));
  return `#${q}${settings ? `&${settings}` : ''}`;
}

/** The iframe that shows the embed page at `src` (with its hash), titled in `lang`, as tall as the widget needs. */
export function iframeCode(src, widget, lang) {
  const title = t(lang, `widget.region.${camel(widget)}`);
  return `<iframe src="${src.replace(/"/g, '%22')}" class="cnn-embed" title="${title.replace(/"/g, '&quot;')}" `
    + `width="100%" height="${EMBEDDABLE[widget].height}" style="border:0" loading="lazy"></iframe>`;
}
