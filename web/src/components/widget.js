// The base of every widget: a custom element with its own shadow root (the
// page's CSS cannot reach in, the widget's cannot leak out), configured by
// attributes, speaking the reader's language, and asleep while off screen.
//
// Theme: the theme attribute, 'auto' (the reader's system setting, the
// default), 'light' or 'dark' (styles.js).
//
// Language: the widget's own lang attribute, else the nearest lang of the
// page around it (so a page's language picker that sets <html lang> moves
// every widget that has none of its own), else English.
//
// Off screen (an IntersectionObserver, as Distill's d-figure): the widget is
// built the first time it comes near the viewport, and pause()/resume() are
// called as it leaves and comes back, so a page of many widgets only works
// on the ones being read.
//
// Printing: the page prints each widget as it is on screen, a still picture
// (print rules in widget.css, ui.css, lab.css). One that has not shown a
// result yet prints a note instead of an empty box, and is built when
// printing starts, so that printing again includes it.
//
// Bad attributes never break a widget: each is left out, and a message
// (text, never HTML) says which and why, in the widget's language.
//
// A subclass defines: static options ({ name: allowed values or null }),
// static lab (true if it takes the lab's settings), regionKey (its
// accessible name in i18n.js), mount(box) (builds it), configure() (applies
// the attributes), setLang(lang), teardown() (frees what mount made: the
// widget calls it when it leaves the document for good), and may define
// pause() and resume().
// Events out (bubbling, composed): 'cnn-change', 'cnn-update', 'cnn-error'.
import { t } from '../ui/i18n.js';
import { applyStyles } from './styles.js';
import { defineOnce } from './define.js';
import { sharedClient } from './engine-client.js';
import { LAB_ATTRIBUTES, isGlobalAttribute, parseOption, problemText, shown } from './attributes.js';

const NEAR_VIEWPORT = '200px';

export class CnnWidget extends HTMLElement {
  static options = {};
  static lab = false;

  /** Registers the element under `tag` (once; a second call is harmless). */
  static define(tag) {
    return defineOnce(tag, this);
  }

  static get observedAttributes() {
    return ['lang', 'theme', ...Object.keys(this.options), ...(this.lab ? Object.keys(LAB_ATTRIBUTES) : [])];
  }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    applyStyles(root);
    this.frame = document.createElement('div');
    this.frame.className = 'cnn-widget';
    this.frame.setAttribute('role', 'region');
    this.messages = document.createElement('ul');
    this.messages.className = 'cnn-messages';
    this.messages.setAttribute('role', 'alert');
    this.messages.dataset.testid = 'widget-messages';
    this.messages.hidden = true;
    this.box = document.createElement('div');
    this.box.className = 'cnn-body';
    this.placeholder = document.createElement('p');
    this.placeholder.className = 'cnn-placeholder';
    this.box.append(this.placeholder);
    this.frame.append(this.messages, this.box);
    root.append(this.frame);
    this.lang_ = 'en';
    this.mounted = false;
    this.onScreen = false;
    this.problems = [];
  }

  /** The shared engine client of the page. */
  get client() {
    return sharedClient();
  }

  /** The language in use ('en' or 'ko'). */
  get language() {
    return this.lang_;
  }

  connectedCallback() {
    this.readAttributes();
    this.watchLanguage();
    this.onPrint ??= () => this.build();
    this.ownerDocument.defaultView?.addEventListener('beforeprint', this.onPrint);
    if (typeof IntersectionObserver === 'function') {
      this.viewport = new IntersectionObserver((entries) => this.onIntersect(entries.at(-1).isIntersecting),
        { rootMargin: NEAR_VIEWPORT });
      this.viewport.observe(this);
    } else {
      this.onIntersect(true);
    }
  }

  disconnectedCallback() {
    this.ownerDocument.defaultView?.removeEventListener('beforeprint', this.onPrint);
    this.viewport?.disconnect();
    this.langWatch?.disconnect();
    if (this.onScreen) this.pause?.();
    this.onScreen = false;
    // a widget moved within the document is connected again before this runs
    queueMicrotask(() => {
      if (!this.isConnected) this.unmount();
    });
  }

  /**
   * Frees everything the widget made (the subclass's teardown(): networks in
   * the Worker, timers, observers) and goes back to the placeholder; if it
   * comes back into a document, it is built again when it is next in view.
   */
  unmount() {
    if (!this.mounted) return;
    this.mounted = false;
    this.teardown?.();
    this.box.replaceChildren(this.placeholder);
    delete this.dataset.onScreen;
    delete this.dataset.state;
  }

  attributeChangedCallback() {
    if (!this.isConnected) return;
    this.readAttributes();
  }

  /** Builds the widget (the subclass's mount and configure) unless it is built. */
  build() {
    if (this.mounted) return;
    this.mounted = true;
    this.placeholder.remove();
    this.mount(this.box);
    this.configure();
  }

  onIntersect(visible) {
    if (visible === this.onScreen) return;
    this.onScreen = visible;
    if (visible) this.build();
    if (!this.mounted) return;
    if (visible) this.resume?.(); else this.pause?.();
    this.dataset.onScreen = String(visible);
  }

  /** Reads every attribute: the language, the options, the lab's settings; then shows the problems. */
  readAttributes() {
    const problems = [];
    const ctor = this.constructor;
    const own = this.getAttribute('lang');
    let lang = null;
    if (own !== null) {
      const r = parseOption('lang', own);
      if (r.problem) problems.push(r.problem); else lang = r.value;
    }
    this.explicitLang = lang !== null;
    let theme = 'auto';
    if (this.hasAttribute('theme')) {
      const r = parseOption('theme', this.getAttribute('theme'));
      if (r.problem) problems.push(r.problem); else theme = r.value;
    }
    applyStyles(this.shadowRoot, theme);
    this.dataset.theme = theme;
    this.config = {};
    for (const [name, values] of Object.entries(ctor.options)) {
      if (!this.hasAttribute(name)) continue;
      const r = parseOption(name, this.getAttribute(name), values);
      if (r.problem) problems.push(r.problem); else this.config[name] = r.value;
    }
    const known = ctor.observedAttributes;
    for (const name of this.getAttributeNames()) {
      if (known.includes(name) || isGlobalAttribute(name)) continue;
      problems.push({ key: 'widget.unknownAttribute', params: { name: shown(name), known: known.join(', ') } });
    }
    this.labPairs = ctor.lab ? Object.keys(LAB_ATTRIBUTES).filter((a) => this.hasAttribute(a)).map((a) => [a, this.getAttribute(a)]) : [];
    this.attributeProblems = problems;
    this.applyLang(lang ?? this.pageLang());
    if (this.mounted) this.configure();
    else this.showProblems();
  }

  /** The language of the page around the widget (the nearest lang attribute, across shadow roots). */
  pageLang() {
    let node = this.parentNode;
    while (node) {
      if (node.nodeType === 1 && node.hasAttribute('lang')) {
        const r = parseOption('lang', node.getAttribute('lang'));
        return r.problem ? 'en' : r.value;
      }
      node = node.parentNode ?? node.host ?? null;
    }
    return 'en';
  }

  watchLanguage() {
    this.langWatch?.disconnect();
    this.langWatch = new MutationObserver(() => {
      if (!this.explicitLang) this.applyLang(this.pageLang());
    });
    this.langWatch.observe(this.ownerDocument.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
  }

  applyLang(lang) {
    const changed = lang !== this.lang_;
    this.lang_ = lang;
    this.frame.lang = lang;
    this.frame.setAttribute('aria-label', t(lang, this.regionKey));
    this.placeholder.textContent = t(lang, 'engine.loading');
    this.frame.dataset.printNote = t(lang, 'widget.print.notShown');
    if (changed && this.mounted) this.setLang(lang);
    this.showProblems();
  }

  /** Problems found while configuring (beyond the attributes'), e.g. the lab's settings. */
  setProblems(problems) {
    this.problems = problems;
    this.showProblems();
  }

  showProblems() {
    const all = [...(this.attributeProblems ?? []), ...this.problems];
    const L = this.lang_;
    this.messages.replaceChildren(...all.map((p) => {
      const li = document.createElement('li');
      li.textContent = problemText(L, p);
      return li;
    }));
    this.messages.hidden = all.length === 0;
    this.dataset.problems = String(all.length);
  }

  /** Sends a CustomEvent out of the widget (bubbling, through shadow roots). */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

/** Whether the reader asked for less motion. */
export function reducedMotion() {
  return globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}
