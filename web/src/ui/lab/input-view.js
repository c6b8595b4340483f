// LabInputView: the lab's input, one grid per channel, with its padding
// around it, the rows and columns the kernel never covers, and the cells
// under the kernel for the explained output cell; then a legend of those
// marks. In the 'grid' input the numbers can be typed over.
//
// Events: 'change' { fields: { cells } } when a typed number is taken.
import { t } from '../i18n.js';
import { el, formatValue } from '../dom.js';
import { sequentialColour, needsLightText, maxAbs } from '../colormap.js';
import { GridView, cellSize, parseCell, refuseCell } from './grid.js';

const CHANNEL_TINTS = [[200, 30, 30], [30, 140, 50], [40, 80, 210]];
const fmt = (v) => formatValue(v, 'decimals');

export class LabInputView extends EventTarget {
  /** container: where the column goes. options: lang. */
  constructor(container, options = {}) {
    super();
    this.lang = options.lang ?? 'en';
    this.title = el('h4');
    this.maps = el('div', { class: 'lab-maps', 'data-testid': 'lab-input' });
    this.legend = el('ul', { class: 'lab-legend' });
    this.root = el('div', { class: 'lab-col' }, this.title, this.maps, this.legend);
    container.append(this.root);
    this.grids = [];
    this.state = null;
    this.input = null;
    this.pad = null;  // the padding shown, for edits
  }

  setLang(lang) {
    this.lang = lang;
  }

  /** The lab's current state and its input ({ channels, height, width, data }). */
  setState(state, input) {
    this.state = state;
    this.input = input;
  }

  /**
   * Draws the current input. pad: padding per side; geometry: the engine's
   * (null when the settings do not work); explanation: the explained cell's
   * (or null).
   */
  render({ pad, geometry, explanation }) {
    const L = this.lang;
    const { state: s, input } = this;
    const rows = input.height + pad.top + pad.bottom;
    const cols = input.width + pad.left + pad.right;
    const unusedR = geometry ? geometry.unusedRows : 0;
    const unusedC = geometry ? geometry.unusedCols : 0;
    const e = explanation;
    const taps = new Map();
    if (e) e.terms.forEach((term, i) => taps.set(`${term.channel}:${term.y}:${term.x}`, i));
    const win = e?.window;
    const size = cellSize(cols, input.channels > 1 ? 250 : 380);
    const editable = s.input === 'grid';
    const m = s.input === 'grid' ? maxAbs(input.data) : 1;
    const padText = s.mode === 'pool' && s.pool === 'max' ? '−∞' : '0';
    this.pad = pad;
    this.title.textContent = inputTitle(L, input, pad);
    while (this.grids.length > input.channels) this.grids.pop().box.remove();
    while (this.grids.length < input.channels) {
      const ch = this.grids.length;
      const box = el('figure', { class: 'lab-map' });
      const caption = el('figcaption');
      const grid = new GridView(box, { testid: `lab-input-${ch}`, onEdit: (y, x, text, node) => this.edit(y, x, text, node) });
      box.append(caption);
      this.maps.append(box);
      this.grids.push({ box, caption, grid });
    }
    this.grids.forEach(({ caption, grid }, ch) => {
      caption.textContent = input.channels === 3 ? t(L, `lab.channel.${ch}`) : t(L, 'lab.channel.one');
      grid.setLabel(t(L, 'lab.inputGrid', { channel: ch + 1 }));
      const tint = input.channels === 3 ? CHANNEL_TINTS[ch] : [30, 30, 60];
      grid.render(rows, cols, (pr, pc) => {
        const y = pr - pad.top, x = pc - pad.left;
        const inside = y >= 0 && y < input.height && x >= 0 && x < input.width;
        const cls = [];
        const tap = taps.get(`${ch}:${y}:${x}`);
        if (tap !== undefined) cls.push('lab-tap');
        else if (win && y >= win.y && y < win.y + win.height && x >= win.x && x < win.x + win.width && (e.kind === 'conv2d' ? e.terms.some((tt) => tt.channel === ch) : e.cell[1] === ch)) cls.push('lab-window');
        if (e && e.winner >= 0 && tap === e.winner) cls.push('lab-winner');
        if (pr >= rows - unusedR || pc >= cols - unusedC) cls.push('lab-unused');
        if (!inside) {
          cls.push('lab-pad');
          return { text: padText, label: t(L, 'lab.cell.pad', { r: y + 1, c: x + 1 }), cls };
        }
        const v = input.data[(ch * input.height + y) * input.width + x];
        const bg = sequentialColour(v, m, tint);
        return {
          text: fmt(v), value: v, cls, editable, bg, light: needsLightText(bg),
          label: t(L, 'lab.cell.input', { r: y + 1, c: x + 1, v: fmt(v) }),
        };
      }, size);
    });
    this.renderLegend(s, pad, geometry, unusedR, unusedC);
  }

  renderLegend(state, pad, geometry, unusedR, unusedC) {
    const L = this.lang;
    const items = [];
    if (pad.top || pad.bottom || pad.left || pad.right) items.push(['lab-pad', t(L, 'lab.legend.pad')]);
    const dropped = geometry && (geometry.droppedRows || geometry.droppedCols);
    const unusedKey = dropped ? 'lab.legend.unusedCeil' : state.mode === 'pool' ? 'lab.legend.unusedPool' : 'lab.legend.unused';
    if (unusedR || unusedC) items.push(['lab-unused', t(L, unusedKey)]);
    if (geometry) items.push(['lab-tap', t(L, state.mode === 'conv' ? 'lab.legend.tap' : 'lab.legend.window')]);
    if (state.mode === 'pool' && state.pool === 'max' && geometry) items.push(['lab-winner', t(L, 'lab.legend.winner')]);
    this.legend.replaceChildren(...items.map(([cls, text]) => el('li', {}, el('span', { class: `lab-swatch ${cls}` }), text)));
  }

  /** A number typed into the padded grid at (row, col). */
  edit(row, col, text, node) {
    const { input, pad } = this;
    const y = row - pad.top, x = col - pad.left;
    const v = parseCell(text);
    if (v === null) {
      refuseCell(node, fmt(input.data[y * input.width + x]));
      return;
    }
    const cells = Array.from(input.data);
    cells[y * input.width + x] = v;
    this.dispatchEvent(new CustomEvent('change', { detail: { fields: { cells } } }));
  }
}

/**
 * The input's shape and, with padding, the padded size written as the notes
 * write it: "Input 1×7×7; with its padding 9×9 = (7 + 2·1)×(7 + 2·1)".
 */
export function inputTitle(lang, input, pad) {
  const { channels: c, height: h, width: w } = input;
  if (!pad.top && !pad.bottom && !pad.left && !pad.right) return t(lang, 'lab.inputTitle.plain', { c, h, w });
  const sum = (n, p0, p1) => (p0 === p1 ? `${n} + 2·${p0}` : `${n} + ${p0} + ${p1}`);
  const hsum = sum(h, pad.top, pad.bottom);
  const wsum = sum(w, pad.left, pad.right);
  const ph = h + pad.top + pad.bottom;
  const pw = w + pad.left + pad.right;
  return hsum === wsum
    ? t(lang, 'lab.inputTitle', { c, h, w, ph, pw, sum: hsum })
    : t(lang, 'lab.inputTitle.axes', { c, h, w, ph, pw, hsum, wsum });
}
