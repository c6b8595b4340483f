// LabFactsView: what the engine's geometry says about the layer, with the
// numbers put in: the output-size formula per axis, the output shape, the
// parameter and multiply-add counts, notes (rows the stride never reaches,
// channels, true convolution versus cross-correlation), and the same layer
// in PyTorch.
import { t } from '../i18n.js';
import { el } from '../dom.js';
import { pytorchLines } from './layer.js';

export class LabFactsView {
  /** container: where it goes. options: lang, pytorch (show the PyTorch lines; true by default). */
  constructor(container, options = {}) {
    this.lang = options.lang ?? 'en';
    this.formulaTitle = el('h4');
    this.formula = el('div', { class: 'lab-formula', 'data-testid': 'lab-formula' });
    this.outShape = el('p', { class: 'lab-fact', 'data-testid': 'lab-out-shape' });
    this.params = el('p', { class: 'lab-fact', 'data-testid': 'lab-params' });
    this.macs = el('p', { class: 'lab-fact', 'data-testid': 'lab-macs' });
    this.unused = el('p', { class: 'lab-note lab-note-unused', 'data-testid': 'lab-unused', hidden: true });
    this.channels = el('p', { class: 'lab-note', 'data-testid': 'lab-channels', hidden: true });
    this.flipNote = el('p', { class: 'lab-note', 'data-testid': 'lab-flip-note', hidden: true });
    this.pytorchTitle = el('h4');
    this.pytorch = el('pre', { class: 'lab-code', 'data-testid': 'lab-pytorch' });
    this.root = el('div', { class: 'lab-facts' }, this.formulaTitle, this.formula, this.outShape, this.params, this.macs,
      this.unused, this.channels, this.flipNote,
      options.pytorch ?? true ? el('div', { class: 'lab-pytorch' }, this.pytorchTitle, this.pytorch) : null);
    container.append(this.root);
    this.texts();
  }

  setLang(lang) {
    this.lang = lang;
    this.texts();
  }

  texts() {
    this.formulaTitle.textContent = t(this.lang, 'lab.formula.title');
    this.pytorchTitle.textContent = t(this.lang, 'lab.pytorch');
  }

  /** state: the lab's state; input: its input; result: the lab's result (or null). */
  render(state, input, result) {
    const L = this.lang;
    const s = state;
    const r = result;
    const conv = s.mode === 'conv';
    this.pytorch.textContent = pytorchLines(s, input.channels).join('\n');
    this.channels.hidden = true;
    this.flipNote.hidden = true;
    this.unused.hidden = true;
    if (!r?.ok) {
      this.formula.replaceChildren(el('p', { text: conv ? t(L, 'lab.formula.conv') : t(L, 'lab.formula.pool') }),
        el('p', { class: 'lab-formula-none', text: t(L, 'lab.formula.none') }));
      this.outShape.textContent = '';
      this.params.textContent = '';
      this.macs.textContent = '';
      return;
    }
    const g = r.geometry;
    const [, oc, oh, ow] = g.outShape;
    this.renderFormula(conv, input, g, !conv && r.layer.spec.ceil_mode);
    this.outShape.textContent = t(L, 'lab.outShape', { c: oc, h: oh, w: ow });
    if (conv) {
      const k = g.kernel;
      this.params.textContent = t(L, 'lab.params.conv', { kh: k[0], kw: k[1], cin: input.channels, cout: oc, n: g.params });
      this.macs.textContent = t(L, 'lab.macs.conv', { oh, ow, cout: oc, kh: k[0], kw: k[1], cin: input.channels, n: g.macs });
      if (input.channels > 1 || oc > 1) {
        this.channels.hidden = false;
        this.channels.textContent = t(L, 'lab.channelsNote', { cin: input.channels, k: s.kernel, cout: oc });
      }
      if (s.flip && r.plain) {
        let differ = 0;
        for (let i = 0; i < r.plain.length; i++) if (r.plain[i] !== r.pre[i]) differ++;
        this.flipNote.hidden = false;
        this.flipNote.textContent = differ
          ? t(L, 'lab.flipNote.differ', { n: differ, total: r.plain.length })
          : t(L, 'lab.flipNote.same');
      }
    } else {
      this.params.textContent = t(L, 'lab.params.pool');
      this.macs.textContent = t(L, s.pool === 'max' ? 'lab.macs.max' : 'lab.macs.avg', { k: s.poolWindow });
    }
    if (g.unusedRows || g.unusedCols) {
      this.unused.hidden = false;
      const stride = conv ? s.stride : s.poolStride;
      const which = g.droppedRows || g.droppedCols ? 'ceil' : g.unusedRows && g.unusedCols ? 'both' : g.unusedRows ? 'rows' : 'cols';
      this.unused.textContent = t(L, `lab.unused.${which}`, { stride, rows: g.unusedRows, cols: g.unusedCols });
    }
  }

  /** The output-size formula with the numbers put in, one line per axis (one for both when they agree). */
  renderFormula(conv, input, g, ceil) {
    const L = this.lang;
    const [, , oh, ow] = g.outShape;
    const lines = [];
    const sides = [['h', input.height, g.pad.top, g.pad.bottom, g.kernel[0], g.stride[0], g.dilation[0], oh, g.droppedRows],
      ['w', input.width, g.pad.left, g.pad.right, g.kernel[1], g.stride[1], g.dilation[1], ow, g.droppedCols]];
    const same = sides[0].slice(1).join() === sides[1].slice(1).join();
    const [open, close] = ceil ? ['⌈', '⌉'] : ['⌊', '⌋'];
    for (const [axis, n, p0, p1, k, st, d, out, dropped] of same ? [sides[0]] : sides) {
      const padPart = p0 === p1 ? `2·${p0}` : `${p0} + ${p1}`;
      const body = conv ? `${n} + ${padPart} − ${d}·(${k} − 1) − 1` : `${n} + ${padPart} − ${k}`;
      lines.push(el('p', { class: 'lab-formula-line', 'data-testid': `lab-formula-${axis}` },
        el('span', { class: 'lab-formula-axis', text: t(L, same ? 'lab.formula.both' : `lab.formula.${axis}`) }),
        el('code', { text: `${open}(${body}) / ${st}${close} + 1${dropped ? ' − 1' : ''} = ${out}` })));
    }
    if (g.droppedRows || g.droppedCols) lines.push(el('p', { class: 'lab-hint', 'data-testid': 'lab-formula-dropped', text: t(L, 'lab.formula.dropped') }));
    const general = conv ? 'lab.formula.conv' : ceil ? 'lab.formula.poolCeil' : 'lab.formula.pool';
    this.formula.replaceChildren(el('p', { class: 'lab-formula-general' }, el('code', { text: t(L, general) })), ...lines);
  }
}
