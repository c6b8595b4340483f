// The architecture editor: a list of layers to add, remove, reorder and set,
// each showing its output shape, parameters and multiply-adds from the
// engine's geometry (the Worker's describeArchitecture), or the engine's
// message at an impossible layer; and the presets of state.js. Given a
// container and options { lang, client, layers, inputShape, onChange }:
// onChange({ layers, description, ok }) after every edit, once the engine
// has answered.
import { el, formatNumber } from '../dom.js';
import { t } from '../i18n.js';
import { LAYER_TYPES, LAYER_LIMITS, PRESETS, newLayer, checkLayer, layersFromText } from './state.js';

const FIELDS = {
  conv2d: [['out_channels', 'filters'], ['kernel_size', 'kernel'], ['stride', 'stride'], ['padding', 'padding'], ['dilation', 'dilation']],
  maxpool2d: [['kernel_size', 'window'], ['stride', 'stride'], ['padding', 'padding']],
  avgpool2d: [['kernel_size', 'window'], ['stride', 'stride'], ['padding', 'padding']],
  dense: [['out_features', 'units']],
};

export class ArchitectureEditor {
  constructor(container, { lang = 'en', client, layers, inputShape = [1, 28, 28], onChange = () => {} } = {}) {
    this.lang = lang;
    this.client = client;
    this.inputShape = inputShape;
    this.onChange = onChange;
    this.rows = (layers ?? layersFromText(PRESETS.lenet)).map((l) => ({ ...l }));
    this.description = null;
    this.gen = 0;
    this.root = el('div', { class: 'train-editor', 'data-testid': 'train-editor' });
    container.append(this.root);
    this.build();
    this.describe();
  }

  setLang(lang) {
    this.lang = lang;
    this.build();
    this.showCounts();
  }

  /** Replaces every layer (a preset, a link) and describes them: a promise, settled once onChange has run. */
  setLayers(layers) {
    this.rows = layers.map((l) => ({ ...l }));
    this.build();
    return this.describe();
  }

  /** The layers as checked by the editor's limits, or null with `this.problem` set. */
  get layers() {
    return this.checked().layers;
  }

  checked() {
    const layers = [];
    for (let i = 0; i < this.rows.length; i++) {
      try {
        layers.push(checkLayer(this.rows[i]));
      } catch (e) {
        return { layers: null, problem: { index: i, message: `${t(this.lang, 'train.layerN', { n: i + 1 })}: ${e.message}` } };
      }
    }
    return { layers, problem: null };
  }

  build() {
    const L = this.lang;
    const presets = el('div', { class: 'train-presets', role: 'group', 'aria-label': t(L, 'train.presets') },
      el('span', { class: 'train-label', text: t(L, 'train.presets') }),
      ...Object.keys(PRESETS).map((name) => el('button', {
        type: 'button', 'data-preset': name, text: t(L, `train.preset.${name}`), title: t(L, `train.preset.${name}.about`),
        onclick: () => this.setLayers(layersFromText(PRESETS[name])),
      })));
    this.countCells = [];
    const head = el('tr', {}, ...['train.col.layer', 'train.col.settings', 'train.col.output', 'train.col.params', 'train.col.macs', 'train.col.edit']
      .map((k) => el('th', { scope: 'col', text: t(L, k) })));
    const body = this.rows.map((row, i) => this.buildRow(row, i));
    const addType = el('select', { 'aria-label': t(L, 'train.addType'), 'data-testid': 'train-add-type' },
      ...LAYER_TYPES.map((type) => el('option', { value: type, text: t(L, `layer.${type}`) })));
    const add = el('button', {
      type: 'button', 'data-testid': 'train-add', text: t(L, 'train.add'),
      onclick: () => {
        if (this.rows.length >= LAYER_LIMITS.layers) return;
        this.rows.push(newLayer(addType.value));
        this.build();
        this.describe();
      },
    });
    this.totals = el('p', { class: 'train-totals', 'data-testid': 'train-totals', 'aria-live': 'polite' });
    this.root.replaceChildren(presets,
      el('div', { class: 'table-scroll' }, el('table', { class: 'train-layers' }, el('thead', {}, head), el('tbody', {}, ...body))),
      el('div', { class: 'train-add' }, addType, add), this.totals);
  }

  buildRow(row, i) {
    const L = this.lang;
    const type = el('select', {
      'aria-label': t(L, 'train.layerType', { n: i + 1 }),
      onchange: () => {
        this.rows[i] = newLayer(type.value);
        this.build();
        this.describe();
      },
    }, ...LAYER_TYPES.map((k) => el('option', { value: k, text: t(L, `layer.${k}`), selected: k === row.type })));
    const settings = (FIELDS[row.type] ?? []).map(([field, key]) => el('label', { class: 'train-field' },
      el('span', { text: t(L, `train.field.${key}`) }),
      el('input', {
        type: 'number', inputmode: 'numeric', value: String(row[field] ?? 0), 'data-field': field, size: 3,
        oninput: (e) => {
          const v = e.target.value.trim();
          this.rows[i] = { ...this.rows[i], [field]: /^\d+$/.test(v) ? Number(v) : v };
          this.describe();
        },
      })));
    const button = (text, label, onclick, disabled) => el('button', { type: 'button', text, 'aria-label': label, title: label, onclick, disabled });
    const move = (to) => () => {
      [this.rows[i], this.rows[to]] = [this.rows[to], this.rows[i]];
      this.build();
      this.describe();
    };
    const cells = { output: el('td'), params: el('td', { class: 'num' }), macs: el('td', { class: 'num' }), row: null, message: el('td', { colspan: 6, class: 'error' }) };
    this.countCells.push(cells);
    const tr = el('tr', { 'data-testid': 'train-layer' },
      el('th', { scope: 'row' }, el('span', { class: 'train-index', text: `${i + 1}.` }), type),
      el('td', {}, el('div', { class: 'train-settings' }, ...settings)),
      cells.output, cells.params, cells.macs,
      el('td', { class: 'train-row-buttons' },
        button('↑', t(L, 'train.up', { n: i + 1 }), move(i - 1), i === 0),
        button('↓', t(L, 'train.down', { n: i + 1 }), move(i + 1), i === this.rows.length - 1),
        button('✕', t(L, 'train.remove', { n: i + 1 }), () => {
          this.rows.splice(i, 1);
          this.build();
          this.describe();
        }, this.rows.length === 1)));
    cells.row = tr;
    const messageRow = el('tr', { class: 'train-message', hidden: true, 'data-testid': 'train-layer-error' }, cells.message);
    cells.messageRow = messageRow;
    return [tr, messageRow];
  }

  /** Asks the engine for every layer's geometry; the newest answer wins. */
  async describe() {
    const mine = ++this.gen;
    this.pending = true;  // until the engine's answer for these layers is shown
    const { layers, problem } = this.checked();
    let description = null;
    if (layers) {
      try {
        description = await this.client.request('describeArchitecture', { layers, inputShape: this.inputShape, batchSize: 1 });
      } catch (e) {
        description = { ok: false, error: e.message, layers: [] };
      }
    }
    if (mine !== this.gen) return;
    this.pending = false;
    this.description = description ?? { ok: false, error: problem.message, layers: [], problemIndex: problem.index };
    this.showCounts();
    this.onChange({ layers, description: this.description, ok: !!description?.ok });
  }

  showCounts() {
    const d = this.description;
    if (!d || !this.countCells) return;
    const L = this.lang;
    this.countCells.forEach((cells, i) => {
      const info = d.layers[i];
      const error = info?.error ?? (d.problemIndex === i ? d.error : null);
      cells.output.textContent = info?.outShape ? info.outShape.join('×') : '';
      cells.params.textContent = info?.outShape ? formatNumber(info.params, L) : '';
      cells.macs.textContent = info?.outShape ? formatNumber(info.macs, L) : '';
      cells.row.classList.toggle('train-bad', !!error);
      cells.messageRow.hidden = !error;
      cells.message.textContent = error ?? '';
    });
    this.totals.classList.toggle('error', !d.ok);
    this.totals.textContent = d.ok
      ? t(L, 'train.totals', { params: formatNumber(d.paramCount, L), macs: formatNumber(d.macs, L) })
      : t(L, 'train.cannotTrain', { message: d.error });
  }
}
