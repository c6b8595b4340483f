// LabFactsView: what the engine's geometry says about the layer, with the
// numbers put in: the output-size formula per axis (PyTorch's form, and the
// lecture notes' (N + 2P − F)/S + 1 with its raw quotient, whether it fits,
// and the P = (F − 1)/2 rule), the output shape, the
// parameter and multiply-add counts, notes (rows the stride never reaches,
// channels, true convolution versus cross-correlation), and the same layer
// in PyTorch.
import { t } from '../i18n.js';
import { el, formatNumber } from '../dom.js';
import { pytorchLines } from './layer.js';

export class LabFactsView {
  /** container: where it goes. options: lang, pytorch (show the PyTorch lines; true by default). */
  constructor(container, options = {}) {
    this.lang = options.lang ?? 'en';
    this.formulaTitle = el('h4');
    this.formula = el('div', { class: 'lab-formula', 'data-testid': 'lab-formula' });
    this.notesTitle = el('h5', { class: 'lab-notes-title' });
    this.notes = el('div', { class: 'lab-formula lab-notes', 'data-testid': 'lab-notes' });
    this.outShape = el('p', { class: 'lab-fact', 'data-testid': 'lab-out-shape' });
    this.params = el('p', { class: 'lab-fact', 'data-testid': 'lab-params' });
    this.macs = el('p', { class: 'lab-fact', 'data-testid': 'lab-macs' });
    this.unused = el('p', { class: 'lab-note lab-note-unused', 'data-testid': 'lab-unused', hidden: true });
    this.channels = el('p', { class: 'lab-note', 'data-testid': 'lab-channels', hidden: true });
    this.flipNote = el('p', { class: 'lab-note', 'data-testid': 'lab-flip-note', hidden: true });
    this.pytorchTitle = el('h4');
    this.pytorch = el('pre', { class: 'lab-code', 'data-testid': 'lab-pytorch' });
    this.pytorchFlip = el('p', { class: 'lab-hint', 'data-testid': 'lab-pytorch-flip', hidden: true });
    this.root = el('div', { class: 'lab-facts' }, this.formulaTitle, this.formula, this.notesTitle, this.notes, this.outShape,
      this.params, this.macs, this.unused, this.channels, this.flipNote,
      options.pytorch ?? true ? el('div', { class: 'lab-pytorch' }, this.pytorchTitle, this.pytorch, this.pytorchFlip) : null);
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
    this.notesTitle.textContent = t(this.lang, 'lab.notes.title');
  }

  /** state: the lab's state; input: its input; result: the lab's result (or null). */
  render(state, input, result) {
    const L = this.lang;
    const s = state;
    const r = result;
    const conv = s.mode !== 'pool';  // 'conv', or 'full': a convolution too large to draw
    const flip = s.mode === 'conv' && s.flip;
    this.pytorch.textContent = pytorchLines(s, input.channels, flip ? t(L, 'lab.pytorch.flipComment') : '').join('\n');
    this.pytorchFlip.hidden = !flip;
    this.pytorchFlip.textContent = flip ? t(L, 'lab.pytorch.flip') : '';
    this.channels.hidden = true;
    this.flipNote.hidden = true;
    this.unused.hidden = true;
    if (!r?.ok) {
      this.formula.replaceChildren(el('p', { text: conv ? t(L, 'lab.formula.conv') : t(L, 'lab.formula.pool') }),
        el('p', { class: 'lab-formula-none', text: t(L, 'lab.formula.none') }));
      this.notes.replaceChildren();
      this.notesTitle.hidden = true;
      this.outShape.textContent = '';
      this.params.textContent = '';
      this.macs.textContent = '';
      return;
    }
    const g = r.geometry;
    const [, oc, oh, ow] = g.outShape;
    this.renderFormula(conv, input, g, !conv && r.layer.spec.ceil_mode);
    this.renderNotesForm(conv, input, g, !conv && r.layer.spec.ceil_mode);
    this.outShape.textContent = t(L, 'lab.outShape', { c: oc, h: oh, w: ow });
    // full size: the shapes and counts are in the layer cards (LabFullView)
    for (const node of [this.outShape, this.params, this.macs]) node.hidden = s.mode === 'full';
    if (conv) {
      const k = g.kernel;
      this.params.textContent = t(L, 'lab.params.conv', { kh: k[0], kw: k[1], cin: input.channels, cout: oc, n: formatNumber(g.params, L) });
      this.macs.textContent = t(L, 'lab.macs.conv', { oh, ow, cout: oc, kh: k[0], kw: k[1], cin: input.channels, n: formatNumber(g.macs, L) });
      if (input.channels > 1 || oc > 1) {
        this.channels.hidden = false;
        this.channels.textContent = t(L, 'lab.channelsNote', { cin: input.channels, k: k[0], cout: oc });
      }
      if (flip && r.plain) {
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
      const stride = g.stride[0];
      const which = g.droppedRows || g.droppedCols ? 'ceil' : g.unusedRows && g.unusedCols ? 'both' : g.unusedRows ? 'rows' : 'cols';
      const key = which === 'ceil' || conv ? `lab.unused.${which}` : `lab.unused.pool.${which}`;
      this.unused.textContent = t(L, key, { stride, rows: g.unusedRows, cols: g.unusedCols });
    }
  }

  /**
   * The formula as the lecture notes write it, (N − F)/S + 1 or
   * (N + 2P − F)/S + 1, one line per axis (one for both when they agree),
   * with the raw quotient; whether the kernel fits a whole number of times,
   * and if not what PyTorch does and which rows or columns are never reached;
   * then the padding that keeps the size at stride 1. The quotient is
   * arithmetic on the engine's own numbers (its padding, kernel, stride and
   * dilation), for teaching; the size shown is the engine's.
   */
  renderNotesForm(conv, input, g, ceil) {
    const L = this.lang;
    const [, , oh, ow] = g.outShape;
    const axes = [
      { axis: 'h', n: input.height, p0: g.pad.top, p1: g.pad.bottom, k: g.kernel[0], s: g.stride[0], d: g.dilation[0], out: oh, left: g.unusedRows, dropped: g.droppedRows, key: 'lab.notes.noFit' },
      { axis: 'w', n: input.width, p0: g.pad.left, p1: g.pad.right, k: g.kernel[1], s: g.stride[1], d: g.dilation[1], out: ow, left: g.unusedCols, dropped: g.droppedCols, key: 'lab.notes.noFitCols' },
    ];
    const sig = (a) => [a.n, a.p0, a.p1, a.k, a.s, a.d, a.out, a.left, a.dropped].join();
    const same = sig(axes[0]) === sig(axes[1]);
    const nodes = [];
    for (const a of same ? [{ ...axes[0], key: 'lab.notes.noFitBoth' }] : axes) {
      const f = conv ? a.d * (a.k - 1) + 1 : a.k;
      const num = a.n + a.p0 + a.p1 - f;
      const q = num / a.s;
      const whole = num % a.s === 0;
      const general = a.p0 === 0 && a.p1 === 0 ? t(L, 'lab.notes.plain') : t(L, 'lab.notes.padded');
      const padPart = a.p0 === 0 && a.p1 === 0 ? '' : a.p0 === a.p1 ? ` + 2·${a.p0}` : ` + ${a.p0} + ${a.p1}`;
      const tail = whole ? `${q} + 1${a.dropped ? ' − 1' : ''} = ${a.out}` : `${quotient(q)} + 1`;
      nodes.push(el('p', { class: 'lab-formula-line', 'data-testid': `lab-notes-${a.axis}` },
        el('span', { class: 'lab-formula-axis', text: t(L, same ? 'lab.formula.both' : `lab.formula.${a.axis}`) }),
        el('code', { text: `${general} = (${a.n}${padPart} − ${f})/${a.s} + 1 = ${num}/${a.s} + 1 = ${tail}` })));
      const params = { num, s: a.s, q: quotient(q), out: a.out, left: a.left };
      const fit = whole
        ? t(L, 'lab.notes.fits', { q: quotient(q), out: a.out, what: t(L, conv ? 'lab.notes.fits.kernel' : 'lab.notes.fits.window') })
        : t(L, ceil ? 'lab.notes.noFitCeil' : a.key, params);
      nodes.push(el('p', { class: whole ? 'lab-hint' : 'lab-hint lab-no-fit', 'data-testid': `lab-notes-fit-${a.axis}`, text: fit }));
    }
    if (conv && axes[0].d === 1 && axes[0].k > 1 && axes[0].d === axes[1].d && axes[0].k === axes[1].k) {
      const f = axes[0].k;
      nodes.push(el('p', { class: 'lab-hint', 'data-testid': 'lab-notes-keep',
        text: t(L, f % 2 ? 'lab.notes.keep' : 'lab.notes.keepEven', { f, p: quotient((f - 1) / 2) }) }));
    } else if (conv && axes[0].d > 1 && axes[0].d === axes[1].d && axes[0].k === axes[1].k) {
      nodes.push(el('p', { class: 'lab-hint', 'data-testid': 'lab-notes-dilated',
        text: t(L, 'lab.notes.dilated', { d: axes[0].d, k: axes[0].k, f: axes[0].d * (axes[0].k - 1) + 1 }) }));
    }
    this.notesTitle.hidden = false;
    this.notes.replaceChildren(...nodes);
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

/** A quotient as the notes write it: whole, or to two decimals (4/3 = 1.33). */
function quotient(q) {
  return Number.isInteger(q) ? String(q) : String(Math.round(q * 100) / 100);
}
