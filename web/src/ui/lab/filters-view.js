// LabFiltersView: the convolution's filters, one block per output channel
// with a grid per input channel, its preset, its bias and (for true
// convolution) the kernel turned half a turn; the weights under the
// explained cell are marked. Weights and biases can be typed over.
//
// Events: 'change' { fields } (weights and presets, presets, or bias).
import { t } from '../i18n.js';
import { el, formatValue } from '../dom.js';
import { divergingColour, needsLightText, maxAbs } from '../colormap.js';
import { PRESETS } from './state.js';
import { presetOf, labWeights, flipKernels } from './layer.js';
import { GridView, cellSize, parseCell, refuseCell } from './grid.js';

const fmt = (v) => formatValue(v, 'decimals');

export class LabFiltersView extends EventTarget {
  /** container: where the column goes. options: lang. */
  constructor(container, options = {}) {
    super();
    this.lang = options.lang ?? 'en';
    this.title = el('h4');
    this.hint = el('p', { class: 'lab-hint' });
    this.maps = el('div', { class: 'lab-filters', 'data-testid': 'lab-filter-list' });
    this.root = el('div', { class: 'lab-col lab-col-kernel' }, this.title, this.hint, this.maps);
    container.append(this.root);
    this.blocks = [];
    this.signature = '';
    this.state = null;
    this.channels = 1;
  }

  setLang(lang) {
    this.lang = lang;
  }

  /** The lab's current state and its input's channel count (shown for convolution only). */
  setState(state, channels) {
    this.state = state;
    this.channels = channels;
    this.root.hidden = state.mode !== 'conv';
  }

  emit(fields) {
    this.dispatchEvent(new CustomEvent('change', { detail: { fields } }));
  }

  /** Draws the filters of the current state; explanation: the explained cell's (or null). */
  render(explanation) {
    const L = this.lang;
    const { state: s, channels } = this;
    if (s.mode !== 'conv') return;
    const k = s.kernel;
    const weights = labWeights(s, channels);
    const flipped = s.flip ? flipKernels(weights, k) : null;
    const e = explanation?.kind === 'conv2d' ? explanation : null;
    const m = maxAbs(weights);
    const size = cellSize(k, 200, 40);
    this.title.textContent = t(L, 'lab.filtersTitle');
    this.hint.textContent = t(L, 'lab.filtersHint', { n: s.filters, k, c: channels });
    const signature = `${s.filters}:${channels}:${k}:${s.flip}:${L}`;
    if (this.signature !== signature) {
      this.signature = signature;
      this.build(s.filters, channels, !!flipped);
    }
    this.blocks.forEach((b, f) => {
      b.preset.value = presetOf(s, f);
      if (b.bias !== b.bias.getRootNode().activeElement) b.bias.value = fmt(s.bias?.[f] ?? 0);
      b.block.classList.toggle('lab-active', !!e && e.cell[1] === f);
      for (let ch = 0; ch < channels; ch++) {
        const base = (f * channels + ch) * k * k;
        const cellOf = (src, editable) => (ky, kx) => {
          const v = src[base + ky * k + kx];
          const used = e && e.cell[1] === f ? e.terms.some((tt) => tt.channel === ch && tt.ky === ky && tt.kx === kx) : false;
          const bg = divergingColour(v, m);
          return {
            text: fmt(v), value: v, editable, bg, light: needsLightText(bg),
            cls: used ? ['lab-tap'] : [],
            label: t(L, 'lab.cell.weight', { r: ky + 1, c: kx + 1, v: fmt(v) }),
          };
        };
        b.grids[ch].setLabel(t(L, 'lab.weightGrid', { n: f + 1, channel: ch + 1 }));
        b.grids[ch].render(k, k, cellOf(weights, true), size);
        if (flipped) b.flipGrids[ch].render(k, k, cellOf(flipped, false), Math.min(size, 26));
      }
    });
  }

  build(filters, channels, flipped) {
    const L = this.lang;
    this.blocks = [];
    this.maps.replaceChildren();
    for (let f = 0; f < filters; f++) {
      const preset = el('select', { 'data-testid': `lab-preset-${f}`, onchange: () => this.setPreset(f, preset.value) });
      preset.append(...PRESETS.map((p) => el('option', { value: p, text: t(L, `lab.preset.${p}`) })));
      const bias = el('input', { type: 'text', inputmode: 'decimal', class: 'lab-bias', 'data-testid': `lab-bias-${f}` });
      bias.addEventListener('change', () => this.editBias(f, bias.value, bias));
      const slices = el('div', { class: 'lab-slices' });
      const flippedSlices = el('div', { class: 'lab-slices lab-flipped' });
      const grids = [];
      const flipGrids = [];
      for (let ch = 0; ch < channels; ch++) {
        const fig = el('figure', { class: 'lab-map' });
        const grid = new GridView(fig, { testid: `lab-weight-${f}-${ch}`, onEdit: (ky, kx, text, node) => this.editWeight(f, ch, ky, kx, text, node) });
        if (channels > 1) fig.append(el('figcaption', { text: t(L, `lab.channel.${ch}`) }));
        slices.append(fig);
        grids.push(grid);
        if (flipped) {
          const ffig = el('figure', { class: 'lab-map' });
          flipGrids.push(new GridView(ffig, {}));
          flippedSlices.append(ffig);
        }
      }
      const block = el('div', { class: 'lab-filter', 'data-testid': `lab-filter-${f}` },
        el('div', { class: 'lab-filter-head' }, el('strong', { text: t(L, 'lab.filterN', { n: f + 1 }) }),
          el('label', { class: 'lab-inline' }, el('span', { text: t(L, 'lab.preset') }), preset)),
        slices,
        flipped ? el('p', { class: 'lab-flip-caption', text: t(L, 'lab.flipped') }) : null,
        flipped ? flippedSlices : null,
        el('label', { class: 'lab-inline lab-bias-label' }, el('span', { text: t(L, 'lab.bias') }), bias));
      this.maps.append(block);
      this.blocks.push({ block, preset, bias, grids, flipGrids });
    }
  }

  editWeight(f, ch, ky, kx, text, node) {
    const { state: s, channels } = this;
    const weights = Array.from(labWeights(s, channels));
    const k = s.kernel;
    const i = ((f * channels + ch) * k + ky) * k + kx;
    const v = parseCell(text);
    if (v === null) {
      refuseCell(node, fmt(weights[i]));
      return;
    }
    weights[i] = v;
    const presets = Array.from({ length: s.filters }, (_, g) => presetOf(s, g));
    presets[f] = 'custom';
    this.emit({ weights, presets });
  }

  editBias(f, text, node) {
    const s = this.state;
    const v = parseCell(text);
    const bias = Array.from({ length: s.filters }, (_, g) => s.bias?.[g] ?? 0);
    if (v === null) {
      node.value = fmt(bias[f]);
      return;
    }
    bias[f] = v;
    this.emit({ bias });
  }

  setPreset(f, name) {
    const { state: s, channels } = this;
    const presets = Array.from({ length: s.filters }, (_, g) => presetOf(s, g));
    if (name === 'custom') {
      // keep the current numbers, now editable as custom weights
      const weights = Array.from(labWeights(s, channels));
      presets[f] = 'custom';
      this.emit({ weights, presets });
      return;
    }
    presets[f] = name;
    this.emit({ presets });
  }
}
