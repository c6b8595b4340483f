// A piece of code to read and copy: a <details> with a title, the code in a
// <pre>, and a copy button whose result is said in a polite live region.
// Given a container and options { lang, title (an i18n key), open, testid }.
import { el } from './dom.js';
import { t } from './i18n.js';

export class CodeListing {
  constructor(container, { lang = 'en', title, open = false, testid = 'code-listing' } = {}) {
    this.lang = lang;
    this.titleKey = title;
    this.summary = el('summary');
    this.code = el('pre', { class: 'code-listing-code', 'data-testid': testid });
    this.copyButton = el('button', { type: 'button', class: 'code-listing-copy', 'data-testid': `${testid}-copy`, onclick: () => this.copy() });
    this.status = el('span', { class: 'code-listing-status', 'aria-live': 'polite', 'data-testid': `${testid}-status` });
    this.root = el('details', { class: 'code-listing', open }, this.summary,
      el('div', { class: 'code-listing-bar' }, this.copyButton, this.status), this.code);
    container.append(this.root);
    this.texts();
  }

  texts() {
    this.summary.textContent = t(this.lang, this.titleKey);
    this.copyButton.textContent = t(this.lang, 'export.copy');
    this.status.textContent = '';
  }

  setLang(lang) {
    this.lang = lang;
    this.texts();
  }

  /** The code shown (and copied); a note instead of code (e.g. why there is none) disables the button. */
  setCode(text, { isCode = true } = {}) {
    this.code.textContent = text;
    this.code.classList.toggle('code-listing-note', !isCode);
    this.copyButton.disabled = !isCode || !text;
    this.status.textContent = '';
  }

  async copy() {
    const text = this.code.textContent;
    let ok = false;
    try {
      await this.root.ownerDocument.defaultView.navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      // no clipboard permission (e.g. an iframe): select the code for the reader to copy
      const selection = this.root.ownerDocument.getSelection();
      selection?.selectAllChildren(this.code);
    }
    this.status.textContent = t(this.lang, ok ? 'export.copied' : 'export.copyFailed');
  }

  destroy() {
    this.root.remove();
  }
}
