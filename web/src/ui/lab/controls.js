// LabControls: the lab's settings as controls (what to study and on what,
// the convolution layer, the pooling layer). It shows a state and reports
// what the reader asks for; it never changes the state itself.
//
// Events: 'change' { fields } (a partial state, to be checked by state.js),
// 'example' (the 1x1 convolution example was asked for).
// The lecture's full-size examples are one button each ('examples'); a
// button sets the state's `example` field, which sets the rest.
import { t } from '../i18n.js';
import { el } from '../dom.js';
import { LIMITS, ACTIVATIONS, INPUTS, MODES, EXAMPLES, FIELDS } from './state.js';

/** Every control the lab can show (the `controls` option picks some). */
export const ALL_CONTROLS = Object.freeze([
  'mode', 'input', 'size', 'example', 'kernel', 'stride', 'padding', 'dilation', 'filters', 'weights', 'flip',
  'activation', 'pool', 'poolWindow', 'poolStride', 'poolPadding', 'poolCeil', 'poolIncludePad', 'animation',
  'network', 'pytorch', 'full', 'stack', 'examples',
]);

// the full-size convolution's fields (number boxes: 224 or 512 steps are too many for a slider),
// each shown with the control 'full', or with the drawn lab's control of the same idea
const FULL = ['fullSize', 'fullChannels', 'fullKernel', 'fullStride', 'fullPadding', 'fullDilation', 'fullFilters'];
const FULL_LIKE = Object.freeze({ fullSize: 'size', fullChannels: 'input', fullKernel: 'kernel', fullStride: 'stride',
  fullPadding: 'padding', fullDilation: 'dilation', fullFilters: 'filters' });
const STACK = ['stackKernel', 'stackStride', 'stackPadding', 'stackFilters'];

const RANGES = ['kernel', 'stride', 'dilation', 'filters', 'poolWindow', 'poolStride', 'poolPadding'];

/** A labelled range input for an integer field, showing its value. */
export function rangeControl(field, min, max, onValue) {
  const input = el('input', { type: 'range', min, max, step: 1, 'data-testid': `lab-${field}`,
    oninput: () => onValue(Number(input.value)) });
  const name = el('span', { class: 'lab-control-name' });
  const value = el('output', { class: 'lab-value', 'data-testid': `lab-${field}-value` });
  const root = el('label', { class: 'lab-control' }, name, input, value);
  return { root, input, name, value };
}

/** A labelled number box for an integer field (typed, or stepped with the arrows). */
export function numberControl(field, min, max, onValue) {
  const input = el('input', { type: 'number', min, max, step: 1, inputmode: 'numeric', class: 'lab-number', 'data-testid': `lab-${field}`,
    onchange: () => onValue(input.value.trim() === '' ? input.value : Number(input.value)) });
  const name = el('span', { class: 'lab-control-name' });
  const root = el('label', { class: 'lab-control' }, name, input);
  return { root, input, name };
}

export class LabControls extends EventTarget {
  /**
   * container: where the controls go (two blocks: the top row, then the
   * layer settings). options: lang, controls (a Set of ALL_CONTROLS names),
   * uid (makes the radio groups' names unique to this lab).
   */
  constructor(container, options = {}) {
    super();
    this.lang = options.lang ?? 'en';
    this.shown = options.controls ?? new Set(ALL_CONTROLS);
    this.uid = options.uid ?? '';
    this.state = null;
    this.build(container);
    this.texts();
  }

  setLang(lang) {
    this.lang = lang;
    this.texts();
    if (this.state) this.sync(this.state);
  }

  emit(fields) {
    this.dispatchEvent(new CustomEvent('change', { detail: { fields } }));
  }

  build(container) {
    const show = (name, node) => (this.shown.has(name) ? node : null);
    const ui = {};
    this.ui = ui;

    // what to study, on what
    ui.modeGroup = this.radioGroup('mode', MODES);
    ui.inputGroup = this.radioGroup('input', INPUTS);
    ui.size = el('select', { 'data-testid': 'lab-size', onchange: () => this.emit({ size: Number(ui.size.value) }) });
    for (let n = LIMITS.gridMin; n <= LIMITS.gridMax; n++) ui.size.append(el('option', { value: n, text: `${n}×${n}` }));
    ui.sizeLabel = el('label', { class: 'lab-inline' }, el('span'), ui.size);
    ui.example = el('button', { type: 'button', class: 'lab-example', 'data-testid': 'lab-example-1x1',
      onclick: () => this.dispatchEvent(new CustomEvent('example')) });
    const top = el('div', { class: 'lab-top' },
      show('mode', ui.modeGroup.root), show('input', ui.inputGroup.root), show('size', ui.sizeLabel), show('example', ui.example));

    // the lecture's examples at their real sizes, one button each
    ui.examples = {};
    for (const id of Object.keys(EXAMPLES)) {
      ui.examples[id] = el('button', { type: 'button', class: 'lab-example', 'data-testid': `lab-ex-${id}`,
        onclick: () => this.emit({ example: id }) });
    }
    ui.examplesTitle = el('span', { class: 'lab-control-name' });
    const examples = el('div', { class: 'lab-examples', role: 'group' }, ui.examplesTitle, ...Object.values(ui.examples));

    // conv controls
    ui.kernel = this.range('kernel', 1, LIMITS.kernelMax);
    ui.stride = this.range('stride', 1, LIMITS.strideMax);
    ui.padding = rangeControl('padding', 0, LIMITS.paddingMax, (v) => this.emit({ padMode: 'explicit', padding: v }));
    ui.valid = el('button', { type: 'button', class: 'lab-toggle', 'data-testid': 'lab-pad-valid', onclick: () => this.emit({ padMode: 'valid' }) });
    ui.same = el('button', { type: 'button', class: 'lab-toggle', 'data-testid': 'lab-pad-same', onclick: () => this.emit({ padMode: 'same' }) });
    ui.padding.root.append(el('span', { class: 'lab-presets' }, ui.valid, ui.same));
    ui.dilation = this.range('dilation', 1, LIMITS.dilationMax);
    ui.filters = this.range('filters', 1, LIMITS.filtersMax);
    ui.flip = this.check('flip');
    ui.activation = el('select', { 'data-testid': 'lab-activation', onchange: () => this.emit({ activation: ui.activation.value }) });
    ui.activationLabel = el('label', { class: 'lab-control' }, el('span', { class: 'lab-control-name' }), ui.activation);
    ui.convSet = el('fieldset', { class: 'lab-set' }, el('legend'),
      show('kernel', ui.kernel.root), show('stride', ui.stride.root), show('padding', ui.padding.root),
      show('dilation', ui.dilation.root), show('filters', ui.filters.root), show('flip', ui.flip.root),
      show('activation', ui.activationLabel));

    // pooling controls
    ui.poolType = el('select', { 'data-testid': 'lab-pool-type', onchange: () => this.emit({ pool: ui.poolType.value }) });
    ui.poolTypeLabel = el('label', { class: 'lab-control' }, el('span', { class: 'lab-control-name' }), ui.poolType);
    ui.poolWindow = this.range('poolWindow', 1, LIMITS.poolWindowMax);
    ui.poolStride = this.range('poolStride', 1, LIMITS.poolStrideMax);
    ui.poolPadding = this.range('poolPadding', 0, LIMITS.poolPaddingMax);
    ui.poolCeil = this.check('poolCeil');
    ui.poolIncludePad = this.check('poolIncludePad');
    ui.poolSet = el('fieldset', { class: 'lab-set' }, el('legend'),
      show('pool', ui.poolTypeLabel), show('poolWindow', ui.poolWindow.root), show('poolStride', ui.poolStride.root),
      show('poolPadding', ui.poolPadding.root), show('poolCeil', ui.poolCeil.root), show('poolIncludePad', ui.poolIncludePad.root));

    // the full-size convolution, and a second one on its output
    const number = (f) => numberControl(f, FIELDS[f].min, FIELDS[f].max, (v) => this.emit({ [f]: v }));
    for (const f of [...FULL, ...STACK]) ui[f] = number(f);
    const fullShown = FULL.filter((f) => this.shown.has('full') || this.shown.has(FULL_LIKE[f]));
    ui.fullSet = el('fieldset', { class: 'lab-set' }, el('legend'), ...fullShown.map((f) => ui[f].root));
    ui.stack = this.check('stack');
    ui.stackSet = el('fieldset', { class: 'lab-set' }, el('legend'), ui.stack.root, ...STACK.map((f) => ui[f].root));

    ui.refused = el('p', { class: 'lab-refused', role: 'status', 'data-testid': 'lab-refused', hidden: true });
    container.append(top, show('examples', examples), ui.refused,
      el('div', { class: 'lab-sets' }, ui.convSet, ui.poolSet, fullShown.length ? ui.fullSet : null, show('stack', ui.stackSet)));
  }

  radioGroup(name, values) {
    const root = el('div', { class: 'lab-radios', role: 'radiogroup' });
    const label = el('span', { class: 'lab-control-name' });
    const inputs = {};
    const names = {};
    root.append(label);
    for (const v of values) {
      const input = el('input', { type: 'radio', name: `lab-${name}-${this.uid}`, value: v, 'data-testid': `lab-${name}-${v}`,
        onchange: () => { if (input.checked) this.emit({ [name]: v }); } });
      names[v] = el('span');
      inputs[v] = input;
      root.append(el('label', { class: 'lab-radio' }, input, names[v]));
    }
    return { root, label, inputs, names };
  }

  /** A labelled checkbox for a true/false field. */
  check(field) {
    const input = el('input', { type: 'checkbox', 'data-testid': `lab-${field}`, onchange: () => this.emit({ [field]: input.checked }) });
    const root = el('label', { class: 'lab-check' }, input, el('span'));
    return { root, input };
  }

  range(field, min, max) {
    return rangeControl(field, min, max, (v) => this.emit({ [field]: v }));
  }

  texts() {
    const L = this.lang;
    const ui = this.ui;
    ui.modeGroup.label.textContent = t(L, 'lab.mode');
    ui.modeGroup.names.conv.textContent = t(L, 'lab.mode.conv');
    ui.modeGroup.names.pool.textContent = t(L, 'lab.mode.pool');
    ui.modeGroup.names.full.textContent = t(L, 'lab.mode.full');
    ui.examplesTitle.textContent = t(L, 'lab.examples');
    for (const [id, button] of Object.entries(ui.examples)) {
      button.textContent = t(L, `lab.ex.${id}`);
      button.title = t(L, `lab.ex.${id}.title`);
    }
    ui.fullSet.querySelector('legend').textContent = t(L, 'lab.full');
    ui.stackSet.querySelector('legend').textContent = t(L, 'lab.stackSet');
    ui.stack.root.lastChild.textContent = t(L, 'lab.stack');
    for (const f of [...FULL, ...STACK]) ui[f].name.textContent = t(L, `lab.${f}`);
    ui.inputGroup.label.textContent = t(L, 'lab.input');
    for (const v of INPUTS) ui.inputGroup.names[v].textContent = t(L, `lab.input.${v}`);
    ui.sizeLabel.firstChild.textContent = t(L, 'lab.size');
    ui.example.textContent = t(L, 'lab.example1x1');
    ui.convSet.querySelector('legend').textContent = t(L, 'lab.conv');
    ui.poolSet.querySelector('legend').textContent = t(L, 'lab.pool');
    for (const f of [...RANGES, 'padding']) ui[f].name.textContent = t(L, `lab.${f}`);
    ui.valid.textContent = t(L, 'lab.padding.valid');
    ui.same.textContent = t(L, 'lab.padding.same');
    ui.valid.title = t(L, 'lab.padding.validHint');
    ui.same.title = t(L, 'lab.padding.sameHint');
    ui.flip.root.lastChild.textContent = t(L, 'lab.flip');
    ui.activationLabel.firstChild.textContent = t(L, 'lab.activation');
    ui.activation.replaceChildren(...ACTIVATIONS.map((a) => el('option', { value: a, text: t(L, `lab.activation.${a}`) })));
    ui.poolTypeLabel.firstChild.textContent = t(L, 'lab.poolType');
    ui.poolCeil.root.lastChild.textContent = t(L, 'lab.poolCeil');
    ui.poolCeil.root.title = t(L, 'lab.poolCeilHint');
    ui.poolIncludePad.root.lastChild.textContent = t(L, 'lab.poolIncludePad');
    ui.poolType.replaceChildren(el('option', { value: 'max', text: t(L, 'lab.pool.max') }), el('option', { value: 'avg', text: t(L, 'lab.pool.avg') }));
  }

  /** Puts a state into every control (after a change from anywhere, or a refused value). */
  sync(state) {
    const s = state;
    const ui = this.ui;
    this.state = s;
    for (const [k, input] of Object.entries(ui.modeGroup.inputs)) input.checked = k === s.mode;
    for (const [k, input] of Object.entries(ui.inputGroup.inputs)) input.checked = k === s.input;
    ui.size.value = String(s.size);
    ui.sizeLabel.hidden = s.input !== 'grid' || s.mode === 'full';
    ui.inputGroup.root.hidden = s.mode === 'full';  // full size: the input is a size, with no values
    for (const f of RANGES) {
      ui[f].input.value = String(s[f]);
      ui[f].value.textContent = String(s[f]);
    }
    ui.padding.input.value = String(s.padding);
    ui.padding.value.textContent = s.padMode === 'explicit' ? String(s.padding) : t(this.lang, `lab.padding.${s.padMode}`);
    ui.valid.setAttribute('aria-pressed', String(s.padMode === 'valid'));
    ui.same.setAttribute('aria-pressed', String(s.padMode === 'same'));
    ui.flip.input.checked = s.flip;
    ui.activation.value = s.activation;
    ui.poolType.value = s.pool;
    ui.poolCeil.input.checked = s.poolCeil;
    ui.poolIncludePad.input.checked = s.poolIncludePad;
    ui.poolIncludePad.root.hidden = s.pool !== 'avg';  // max pooling pads with −∞ and counts nothing
    for (const f of [...FULL, ...STACK]) ui[f].input.value = String(s[f]);
    ui.stack.input.checked = s.stack;
    for (const f of STACK) ui[f].root.hidden = !s.stack;
    for (const [id, button] of Object.entries(ui.examples)) button.setAttribute('aria-pressed', String(s.example === id));
    ui.convSet.hidden = s.mode !== 'conv';
    ui.poolSet.hidden = s.mode !== 'pool';
    ui.fullSet.hidden = s.mode !== 'full';
    ui.stackSet.hidden = s.mode !== 'full';
  }

  /**
   * A value the state table refused (typed into a number box): says which
   * setting, the value and the range; null clears the message.
   */
  showRefused(field, value) {
    const ui = this.ui;
    const f = FIELDS[field];
    ui.refused.hidden = !field;
    ui.refused.textContent = field
      ? t(this.lang, f?.type === 'int' ? 'lab.refused' : 'lab.refusedValue', { name: t(this.lang, `lab.${field}`), value: String(value).slice(0, 40), min: f?.min, max: f?.max })
      : '';
  }

  /** 'valid' and 'same' padding: shows the rows the engine padded with, e.g. "same (1)". */
  showPadding(padMode, pad) {
    const { top, bottom } = pad;
    this.ui.padding.value.textContent = `${t(this.lang, `lab.padding.${padMode}`)} (${top === bottom ? top : `${top}/${bottom}`})`;
  }
}
