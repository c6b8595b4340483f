// <cnn-lang-picker>: a page's language picker. It sets the page's
// <html lang>, which every widget without a lang attribute of its own
// follows, and shows only the page's text blocks marked with the chosen
// language (data-lang="ko" / data-lang="en"). It starts from the page URL's
// ?lang=, else the page's lang, else the browser's language, and keeps the
// choice in ?lang= so that a shared link opens in the same language. A ?lang=
// that names no language of the page is not used, and the picker says so.
// Event: 'cnn-lang' { lang } after a change.
import { t, LANGS, matchLang, pickLang } from '../ui/i18n.js';
import { shown } from './attributes.js';
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
      + ' [role=status]:not([hidden]) { display: block; font-size: .85em; margin-top: .2rem; }'
      + ' select { font: inherit; padding: .2rem .4rem; border-radius: 6px; }'
      + ' @media (pointer: coarse) { select { min-height: 44px; } }';
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
    this.note = doc.createElement('span');
    this.note.setAttribute('role', 'status');
    this.note.dataset.testid = 'lang-note';
    this.note.hidden = true;
    root.append(style, label, this.note);
    this.select.addEventListener('change', () => this.choose(this.select.value, true));
    const fromUrl = new URLSearchParams(doc.defaultView?.location.search ?? '').get('lang');
    this.refused = fromUrl !== null && !matchLang(fromUrl) ? fromUrl : null;
    const start = matchLang(fromUrl) ?? matchLang(doc.documentElement.getAttribute('lang')) ?? pickLang(globalThis.navigator?.language);
    this.choose(start, false);
  }

  choose(lang, byReader) {
    const doc = this.ownerDocument;
    doc.documentElement.lang = lang;
    this.select.value = lang;
    this.label.textContent = t(lang, 'page.lang');
    if (this.refused !== null) {
      this.note.textContent = t(lang, 'lang.refused', { value: shown(this.refused), lang: t(lang, `lang.name.${lang}`) });
      this.note.hidden = byReader;  // the reader's own choice ends the note
      if (byReader) this.refused = null;
    }
    for (const block of doc.querySelectorAll('[data-lang]')) block.hidden = block.dataset.lang !== lang;
    if (byReader) {
      const url = new URL(doc.defaultView.location.href);
      url.searchParams.set('lang', lang);
      doc.defaultView.history.replaceState(null, '', url);
    }
    this.dispatchEvent(new CustomEvent('cnn-lang', { detail: { lang }, bubbles: true }));
  }
}
