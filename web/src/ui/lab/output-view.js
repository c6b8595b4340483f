// LabOutputView: the layer's output, one selectable grid per output channel
// (or the engine's message when the settings cannot work). The selected
// cell is the one explained; while the kernel slides, the cells after it
// are not filled in yet; with true convolution, the cells that differ from
// cross-correlation are marked.
//
// Events: 'select' { c, y, x } when the reader picks a cell (click or keys).
import { t, errorText } from '../i18n.js';
import { el, formatValue } from '../dom.js';
import { divergingColour, needsLightText, maxAbs } from '../colormap.js';
import { GridView, cellSize } from './grid.js';

const fmt = (v) => formatValue(v, 'decimals');

export class LabOutputView extends EventTarget {
  /** container: where the column goes. options: lang. */
  constructor(container, options = {}) {
    super();
    this.lang = options.lang ?? 'en';
    this.title = el('h4');
    this.error = el('div', { class: 'lab-error', role: 'alert', 'data-testid': 'lab-error', hidden: true });
    this.maps = el('div', { class: 'lab-maps', 'data-testid': 'lab-output' });
    this.root = el('div', { class: 'lab-col' }, this.title, this.error, this.maps);
    container.append(this.root);
    this.grids = [];
  }

  setLang(lang) {
    this.lang = lang;
  }

  /**
   * result: the lab's result ({ ok, state, geometry, output, pre, plain } or
   * { ok: false, error }); selection: { c, y, x }; hideFrom: the position
   * after which cells are not filled in yet (Infinity: none).
   */
  render(result, selection, hideFrom = Infinity) {
    const L = this.lang;
    const r = result;
    if (!r.ok) {
      this.error.hidden = false;
      this.error.textContent = t(L, 'lab.impossible', { message: errorText(L, r.failure ?? r.error) });
      this.maps.hidden = true;
      this.title.textContent = t(L, 'lab.outputTitle.none');
      return;
    }
    this.error.hidden = true;
    this.maps.hidden = false;
    const sel = selection;
    const [, oc, oh, ow] = r.geometry.outShape;
    this.title.textContent = t(L, r.state.mode === 'conv' ? 'lab.outputTitle.conv' : 'lab.outputTitle.pool', { c: oc, h: oh, w: ow });
    while (this.grids.length > oc) this.grids.pop().box.remove();
    while (this.grids.length < oc) {
      const ch = this.grids.length;
      const box = el('figure', { class: 'lab-map' });
      const caption = el('figcaption');
      const grid = new GridView(box, { selectable: true, testid: `lab-output-${ch}`,
        onSelect: (y, x) => this.dispatchEvent(new CustomEvent('select', { detail: { c: ch, y, x } })) });
      box.append(caption);
      this.maps.append(box);
      this.grids.push({ box, caption, grid });
    }
    const m = maxAbs(r.output);
    const size = cellSize(ow, oc > 1 ? 250 : 380);
    this.grids.forEach(({ caption, grid }, ch) => {
      caption.textContent = r.state.mode === 'conv' ? t(L, 'lab.featureMap', { n: ch + 1 }) : t(L, 'lab.pooledMap', { n: ch + 1 });
      grid.setLabel(t(L, 'lab.outputGrid', { n: ch + 1 }));
      grid.render(oh, ow, (y, x) => {
        const i = (ch * oh + y) * ow + x;
        const v = r.output[i];
        const cls = [];
        const selected = ch === sel.c && y === sel.y && x === sel.x;
        if (selected) cls.push('lab-selected');
        if (ch === sel.c && y * ow + x > hideFrom) cls.push('lab-hidden');
        if (r.plain && r.plain[i] !== r.pre[i]) cls.push('lab-diff');
        const bg = divergingColour(v, m);
        return {
          text: fmt(v), value: v, cls, bg, light: needsLightText(bg),
          label: t(L, 'lab.cell.output', { r: y + 1, c: x + 1, v: fmt(v) }),
        };
      }, size);
      grid.select(ch === sel.c ? sel.y : null, sel.x);
    });
  }
}
