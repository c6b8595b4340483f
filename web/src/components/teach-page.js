// <cnn-teach-page>: the body of the page for teachers (teach.html). The
// teacher picks a widget, its options (language, theme, which controls show,
// the model, ...) and the folder's address on their site, and changes the
// lab's settings in the live preview; the page writes the two ways to put
// that widget in notes, each with a copy button:
//   the element and the script, for hosts that keep a script;
//   the iframe of embed.html, for hosts that strip scripts.
// Both are built from the same choices as the preview, by the same rules the
// widgets read them back with (attributes.js, state.js, embed-page.js).
//
// Light DOM (it is a page, not a widget); all text from i18n.js, set as text.
// Its language is the page's <html lang>, and follows it.
import { t, LANGS } from '../ui/i18n.js';
import { toQuery, FIELDS } from '../ui/lab/state.js';
import { ALL_CONTROLS } from '../ui/lab/controls.js';
import { LAB_ATTRIBUTES, LAB_URL_KEYS, THEMES, kebab, camel, parseOption, problemText } from './attributes.js';
import { EMBEDDABLE, embedHash, iframeCode } from './embed-page.js';
import { CnnConvLab } from './conv-lab.js';
import { CnnPoolLab } from './pool-lab.js';
import { CnnDrawClassify } from './draw-classify.js';
import { CnnNetworkView } from './network-view.js';
import { widgetModels } from './models.js';
import { defineOnce } from './define.js';

const CLASSES = { 'conv-lab': CnnConvLab, 'pool-lab': CnnPoolLab, 'draw-classify': CnnDrawClassify, 'network-view': CnnNetworkView };
const DEFAULT_BASE = '/cnn-playground/';
const LAB_ATTRIBUTE_NAMES = new Set(Object.keys(LAB_ATTRIBUTES));

/** Text for an attribute value in HTML (the values are checked names and numbers; this keeps any quote out). */
const attr = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The choices of the page: { widget, lang, theme, controls (names, or null for
 * the widget's defaults), autoplay, model (a catalogue key), modelUrl,
 * normalize, labels (as typed: used when attributes.js takes them), preprocess,
 * cost, base, state (the lab's settings, or null) }. Returns [attribute,
 * value] pairs of the element.
 */
export function elementAttributes(choice) {
  const cls = CLASSES[choice.widget];
  const out = [['lang', choice.lang]];
  if (choice.theme !== 'auto') out.push(['theme', choice.theme]);
  if (cls.lab) {
    for (const [url, value] of new URLSearchParams(labQuery(choice))) out.push([kebab(LAB_URL_KEYS[url]), value]);
    if (choice.controls) out.push(['controls', choice.controls.map(kebab).join(',')]);
    if (choice.autoplay) out.push(['autoplay', 'true']);
  } else {
    const own = (name, text) => text && !parseOption(name, text, widgetModels().map((m) => m.key)).problem;
    if (own('model', choice.modelUrl)) out.push(['model', choice.modelUrl.trim()]);
    else if (choice.model && choice.model !== widgetModels()[0]?.key) out.push(['model', choice.model]);
    for (const name of ['normalize', 'labels']) if (own(name, choice[name])) out.push([name, choice[name].trim()]);
    if (!choice.preprocess) out.push(['preprocess', 'false']);
    if (choice.cost && 'cost' in cls.options) out.push(['cost', 'true']);
  }
  return out;
}

/** The lab's settings that differ from the widget's own defaults, as a URL query. */
function labQuery(choice) {
  if (!choice.state) return '';
  const defaults = CLASSES[choice.widget].defaults ?? {};
  const q = new URLSearchParams(toQuery(choice.state));
  for (const [field, value] of Object.entries(defaults)) if (q.get(FIELDS[field].url) === String(value)) q.delete(FIELDS[field].url);
  return q.toString();
}

/** The element and the script that loads it. */
export function elementCode(choice) {
  const attrs = elementAttributes(choice).map(([n, v]) => ` ${n}="${attr(v)}"`).join('');
  return `<cnn-${choice.widget}${attrs}></cnn-${choice.widget}>\n`
    + `<script type="module" src="${attr(choice.base)}cnn-playground.js"></script>`;
}

/** The iframe of the embed page with the same widget and settings. */
export function embedCode(choice) {
  const options = Object.fromEntries(elementAttributes(choice)
    .filter(([name]) => !LAB_ATTRIBUTE_NAMES.has(name)).map(([name, value]) => [camel(name), value]));
  return iframeCode(`${choice.base}embed.html${embedHash(choice.widget, options, labQuery(choice))}`, choice.widget, choice.lang);
}

export class CnnTeachPage extends HTMLElement {
  static define(tag) {
    return defineOnce(tag, this);
  }

  connectedCallback() {
    if (this.built) return;
    this.built = true;
    const doc = this.ownerDocument;
    this.choice = {
      widget: 'conv-lab', lang: LANGS.includes(doc.documentElement.lang) ? doc.documentElement.lang : 'en', theme: 'auto',
      controls: null, autoplay: false, model: widgetModels()[0]?.key, preprocess: true, cost: false, base: DEFAULT_BASE, state: null,
    };
    this.langWatch = new MutationObserver(() => this.build());
    this.langWatch.observe(doc.documentElement, { attributes: true, attributeFilter: ['lang'] });
    this.build();
  }

  disconnectedCallback() {
    this.langWatch?.disconnect();
    this.built = false;
  }

  get uiLang() {
    const lang = this.ownerDocument.documentElement.lang;
    return LANGS.includes(lang) ? lang : 'en';
  }

  /** Builds the form, the preview and the snippets for the current choices. */
  build() {
    const doc = this.ownerDocument;
    const L = this.uiLang;
    const c = this.choice;
    const cls = CLASSES[c.widget];
    const make = (tag, props = {}, ...children) => {
      const el = Object.assign(doc.createElement(tag), props);
      el.append(...children);
      return el;
    };
    const field = (labelKey, control) => make('label', { className: 'teach-field' }, make('span', { textContent: t(L, labelKey) }), control);
    const select = (testid, values, current, text, onPick) => {
      const s = make('select', {}, ...values.map((v) => make('option', { value: v, textContent: text(v), selected: v === current })));
      s.dataset.testid = testid;
      s.addEventListener('change', () => onPick(s.value));
      return s;
    };
    const check = (testid, checked, onCheck) => {
      const box = make('input', { type: 'checkbox', checked });
      box.dataset.testid = testid;
      box.addEventListener('change', () => onCheck(box.checked));
      return box;
    };
    const form = make('div', { className: 'teach-form' });
    form.append(
      field('teach.widget', select('teach-widget', Object.keys(EMBEDDABLE), c.widget, (w) => t(L, `widget.region.${camel(w)}`), (w) => {
        Object.assign(c, { widget: w, controls: null, state: null });
        this.build();
      })),
      field('teach.lang', select('teach-lang', LANGS, c.lang, (l) => t(L, `lang.name.${l}`), (l) => this.pick({ lang: l }))),
      field('teach.theme', select('teach-theme', THEMES, c.theme, (th) => t(L, `teach.theme.${th}`), (th) => this.pick({ theme: th }))),
    );
    if (cls.lab) {
      const shown = new Set(c.controls ?? cls.defaultControls);
      const boxes = make('fieldset', { className: 'teach-controls' }, make('legend', { textContent: t(L, 'teach.controls') }));
      for (const name of ALL_CONTROLS) {
        const box = check(`teach-control-${kebab(name)}`, shown.has(name), (on) => {
          if (on) shown.add(name); else shown.delete(name);
          const list = ALL_CONTROLS.filter((n) => shown.has(n));
          const same = list.length === cls.defaultControls.length && list.every((n) => cls.defaultControls.includes(n));
          this.pick({ controls: same ? null : list });
        });
        boxes.append(make('label', { className: 'teach-check' }, box, make('code', { textContent: kebab(name) })));
      }
      form.append(boxes, make('label', { className: 'teach-check' }, check('teach-autoplay', c.autoplay, (on) => this.pick({ autoplay: on })),
        make('span', { textContent: t(L, 'teach.autoplay') })));
    } else {
      // a teacher's own model: its address, normalisation and labels, as the widget's attributes (checked as the widget checks them)
      const own = (name, key) => {
        const input = make('input', { type: 'text', value: c[key] ?? '', spellcheck: false });
        input.dataset.testid = `teach-${kebab(key)}`;
        const note = make('small', { className: 'teach-note' });
        const show = () => {
          const text = input.value.trim();
          const r = text ? parseOption(name, text, widgetModels().map((m) => m.key)) : {};
          note.textContent = r.problem ? problemText(L, r.problem) : '';
        };
        input.addEventListener('input', () => { show(); this.pick({ [key]: input.value }); });
        show();
        return make('label', { className: 'teach-field' }, make('span', { textContent: t(L, `teach.${key}`) }), input, note);
      };
      form.append(field('teach.model', select('teach-model', widgetModels().map((m) => m.key), c.model, (k) => t(L, `model.${k}`), (k) => this.pick({ model: k }))),
        own('model', 'modelUrl'), own('normalize', 'normalize'), own('labels', 'labels'),
        make('label', { className: 'teach-check' }, check('teach-preprocess', c.preprocess, (on) => this.pick({ preprocess: on })),
          make('span', { textContent: t(L, 'prep.switch') })));
      if ('cost' in cls.options) {
        form.append(make('label', { className: 'teach-check' }, check('teach-cost', c.cost, (on) => this.pick({ cost: on })),
          make('span', { textContent: t(L, 'teach.cost') })));
      }
    }
    const base = make('input', { type: 'text', value: c.base, spellcheck: false });
    base.dataset.testid = 'teach-base';
    base.addEventListener('input', () => this.pick({ base: base.value.trim() === '' ? DEFAULT_BASE : base.value.trim().replace(/\/?$/, '/') }));
    form.append(field('teach.base', base));

    // the preview starts from every choice, the lab's settings too (kept when the page's language changes)
    this.preview = doc.createElement(`cnn-${c.widget}`);
    for (const [name, value] of elementAttributes(c)) this.preview.setAttribute(name, value);
    this.preview.addEventListener('cnn-change', (e) => {
      c.state = e.detail.state;
      this.writeCode();
    });
    const previewBox = make('section', { className: 'teach-preview' }, make('h2', { textContent: t(L, 'teach.preview') }));
    if (cls.lab) previewBox.append(make('p', { className: 'teach-note', textContent: t(L, 'teach.settings') }));
    previewBox.append(this.preview);

    this.snippets = {};
    const codeBox = make('section', { className: 'teach-code' });
    for (const kind of ['element', 'iframe']) {
      const area = make('textarea', { readOnly: true, rows: kind === 'element' ? 3 : 4, spellcheck: false });
      area.dataset.testid = `teach-code-${kind}`;
      area.setAttribute('aria-label', t(L, `teach.code.${kind}`));
      const status = make('span', { className: 'teach-status' });
      status.setAttribute('role', 'status');
      status.dataset.testid = `teach-status-${kind}`;
      const button = make('button', { type: 'button', textContent: t(L, 'teach.copy') });
      button.dataset.testid = `teach-copy-${kind}`;
      button.addEventListener('click', () => this.copy(area, status));
      this.snippets[kind] = area;
      codeBox.append(make('h2', { textContent: t(L, `teach.code.${kind}`) }), area, make('p', {}, button, ' ', status));
    }
    this.replaceChildren(form, codeBox, previewBox);
    this.applyToPreview();
  }

  /** Takes new choices: the preview's attributes and the snippets follow. */
  pick(partial) {
    Object.assign(this.choice, partial);
    this.applyToPreview();
  }

  applyToPreview() {
    const keep = new Set(['lang', 'theme', 'controls', 'autoplay', 'model', 'normalize', 'labels', 'preprocess', 'cost']);
    const attrs = elementAttributes({ ...this.choice, state: null });
    for (const name of this.preview.getAttributeNames()) if (keep.has(name) && !attrs.some(([n]) => n === name)) this.preview.removeAttribute(name);
    for (const [name, value] of attrs) if (this.preview.getAttribute(name) !== value) this.preview.setAttribute(name, value);
    this.writeCode();
  }

  writeCode() {
    this.snippets.element.value = elementCode(this.choice);
    this.snippets.iframe.value = embedCode(this.choice);
  }

  async copy(area, status) {
    const L = this.uiLang;
    try {
      await this.ownerDocument.defaultView.navigator.clipboard.writeText(area.value);
      status.textContent = t(L, 'teach.copied');
    } catch {
      area.focus();
      area.select();
      status.textContent = t(L, 'teach.copyByHand');
    }
  }
}
