// <cnn-lang-picker>: a page's language picker. It sets the page's
// <html lang>, which every widget without a lang attribute of its own
// follows, and shows only the page's text blocks marked with the chosen
// language (data-lang="ko" / data-lang="en"). It starts from the page URL's
// ?lang=, else the page's lang, else the browser's language, and keeps the
// choice in ?lang= so that a shared link opens in the same language.
// Event: 'cnn-lang' { lang } after a change.
import { t, LANGS, pickLang } from '../ui/i18n.js';
import { defineOnce } from './define.js';

export class CnnLangPicker extends HTMLElement {
  static define(tag) {
    return defineOnce(tag, this);
  }

  connectedCallback() {
    if (this.select) return;
    const doc = this.ownerDocument;
    const root = this.attachShadow({ mode: 'open' });
    const style = doc.createElement('style');
    style.textContent = ':host { display: inline-block; } label { display: inline-flex; gap: .4rem; align-items: center; font: inherit; }'
      + ' select { font: inherit; padding: .2rem .4rem; border-radius: 6px; }';
    this.label = doc.createElement('span');
    this.select = doc.createElement('select');
    this.select.dataset.testid = 'lang-picker';
    for (const lang of LANGS) {
      const option = doc.createElement('option');
      option.value = lang;
      option.lang = lang;
      option.textContent = t(lang, `lang.name.${lang}`);
      this.select.append(option);
    }
    const label = doc.createElement('label');
    label.append(this.label, this.select);
    root.append(style, label);
    this.select.addEventListener('change', () => this.choose(this.select.value, true));
    const fromUrl = new URLSearchParams(doc.defaultView?.location.search ?? '').get('lang');
    const start = fromUrl ?? doc.documentElement.getAttribute('lang') ?? globalThis.navigator?.language;
    this.choose(pickLang(start), false);
  }

  choose(lang, byReader) {
    const doc = this.ownerDocument;
    doc.documentElement.lang = lang;
    this.select.value = lang;
    this.label.textContent = t(lang, 'page.lang');
    for (const block of doc.querySelectorAll('[data-lang]')) block.hidden = block.dataset.lang !== lang;
    if (byReader) {
      const url = new URL(doc.defaultView.location.href);
      url.searchParams.set('lang', lang);
      doc.defaultView.history.replaceState(null, '', url);
    }
    this.dispatchEvent(new CustomEvent('cnn-lang', { detail: { lang }, bubbles: true }));
  }
}
