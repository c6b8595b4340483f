// LabExplainView: one output cell explained, from the engine's explanation:
// for convolution the products that add up to it (an equation and a table,
// then the bias and the activation), for pooling the values of its window
// and their maximum or average; and the same said in one sentence for
// screen readers.
import { t, errorText } from '../i18n.js';
import { el, formatValue } from '../dom.js';
import { activationSpec } from './layer.js';

const fmt = (v) => formatValue(v, 'decimals');

export class LabExplainView {
  /** container: where it goes. options: lang. */
  constructor(container, options = {}) {
    this.lang = options.lang ?? 'en';
    this.title = el('h4', { 'data-testid': 'lab-explain-title' });
    this.how = el('p', { class: 'lab-explain-how' });
    this.body = el('div', { class: 'lab-explain-body', 'data-testid': 'lab-explain' });
    this.live = el('p', { class: 'lab-sr', 'aria-live': 'polite', 'data-testid': 'lab-explain-live' });
    this.root = el('div', { class: 'lab-explain' }, this.title, this.how, this.body, this.live);
    container.append(this.root);
  }

  setLang(lang) {
    this.lang = lang;
    this.how.textContent = '';
  }

  /**
   * result: the lab's result (or null); selection: { c, y, x }; explanation:
   * the engine's for that cell ({ error } when it failed; null while it is
   * on its way).
   */
  render(result, selection, explanation) {
    const L = this.lang;
    const r = result;
    const e = explanation;
    if (!r?.ok) {
      this.title.textContent = t(L, 'lab.explain.title');
      this.how.textContent = '';
      this.body.replaceChildren(el('p', { text: t(L, 'lab.explain.none') }));
      this.live.textContent = '';
      return;
    }
    const { c, y, x } = selection;
    const mapName = t(L, r.state.mode === 'conv' ? 'lab.featureMap' : 'lab.pooledMap', { n: c + 1 });
    this.title.textContent = t(L, 'lab.explain.cell', { map: mapName, r: y + 1, c: x + 1 });
    if (!e) {
      this.body.replaceChildren(el('p', { text: t(L, 'lab.explain.waiting') }));
      return;
    }
    if (e.error) {
      this.body.replaceChildren(el('p', { class: 'lab-error', text: errorText(L, e.failure ?? e.error) }));
      return;
    }
    const [, , oh, ow] = r.geometry.outShape;
    const cellValue = r.output[(c * oh + y) * ow + x];
    const where = (tt) => (tt.padding ? t(L, 'lab.explain.padding') : t(L, 'lab.explain.at', { r: tt.y + 1, c: tt.x + 1 }));
    this.live.textContent = e.kind === 'conv2d'
      ? this.renderConv(r, e, { y, x }, cellValue, where)
      : this.renderPool(e, { y, x }, where);
  }

  /** The products, the sum, the bias and the activation; returns the spoken sentence. */
  renderConv(r, e, { y, x }, cellValue, where) {
    const L = this.lang;
    const multi = r.layer.shape[1] > 1;
    const rows = [];
    this.how.textContent = t(L, 'lab.explain.how.conv');
    const head = el('tr', {}, multi ? el('th', { text: t(L, 'lab.explain.channel') }) : null,
      el('th', { text: t(L, 'lab.explain.pixel') }), el('th', { text: t(L, 'lab.explain.value') }), el('th', { text: '×' }),
      el('th', { text: t(L, 'lab.explain.weight') }), el('th', { text: '=' }), el('th', { text: t(L, 'lab.explain.product') }));
    for (const tt of e.terms) {
      rows.push(el('tr', { class: tt.padding ? 'lab-pad-row' : '', 'data-product': tt.padding ? null : String(tt.product) },
        multi ? el('td', { text: t(L, `lab.channel.${tt.channel}`) }) : null,
        el('td', { text: where(tt) }),
        el('td', { text: fmt(tt.value) }), el('td', { text: '×' }), el('td', { text: fmt(tt.weight) }), el('td', { text: '=' }),
        el('td', { text: fmt(tt.product) })));
    }
    const foot = [
      [t(L, 'lab.explain.sum'), fmt(e.sum), 'lab-explain-sum'],
      [t(L, 'lab.explain.bias'), fmt(e.bias), 'lab-explain-bias'],
      [t(L, 'lab.explain.result'), fmt(e.output), 'lab-explain-result', e.output],
    ];
    const act = activationSpec(r.state);
    if (act) foot.push([t(L, `lab.explain.act.${act.type}`, { z: fmt(e.output) }), fmt(cellValue), 'lab-explain-activated', cellValue]);
    const table = el('table', { class: 'lab-terms' }, el('thead', {}, head), el('tbody', {}, rows),
      el('tfoot', {}, footRows(foot, multi ? 6 : 5)));
    const real = e.terms.filter((tt) => !tt.padding);
    const term = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));
    const products = `${real.map((tt) => `${term(tt.value)}×${term(tt.weight)}`).join(' + ') || '0'} = ${fmt(e.sum)}`;
    const withBias = t(L, 'lab.explain.plusBias', { sum: fmt(e.sum), bias: term(e.bias), out: fmt(e.output) });
    this.body.replaceChildren(
      el('div', { class: 'lab-equation', 'data-testid': 'lab-equation' }, el('div', { text: products }), el('div', { text: withBias })),
      el('div', { class: 'lab-terms-box' }, table));
    let spoken = t(L, 'lab.explain.spoken.conv', {
      r: y + 1, c: x + 1, n: real.length, padding: e.terms.length - real.length,
      products: real.map((tt) => `${fmt(tt.value)} × ${fmt(tt.weight)} = ${fmt(tt.product)}`).join('; '),
      sum: fmt(e.sum), bias: fmt(e.bias), out: fmt(e.output),
    });
    if (act) spoken += ` ${t(L, `lab.explain.act.${act.type}`, { z: fmt(e.output) })} ${fmt(cellValue)}.`;
    return spoken;
  }

  /** The window's values and their maximum or average; returns the spoken sentence. */
  renderPool(e, { y, x }, where) {
    const L = this.lang;
    const isMax = e.kind === 'maxpool2d';
    this.how.textContent = t(L, isMax ? 'lab.explain.how.max' : 'lab.explain.how.avg');
    const cells = e.terms.map((tt, i) => el('tr', { class: [tt.padding ? 'lab-pad-row' : '', i === e.winner ? 'lab-winner-row' : ''].join(' ').trim() },
      el('td', { text: where(tt) }),
      el('td', { text: fmt(tt.value) + (i === e.winner ? `  ← ${t(L, 'lab.explain.largest')}` : '') })));
    const foot = isMax
      ? [[t(L, 'lab.explain.max'), fmt(e.output), 'lab-explain-result', e.output]]
      : [[t(L, 'lab.explain.sumValues'), fmt(e.sum), 'lab-explain-sum'],
        [t(L, 'lab.explain.divisor'), String(e.divisor), 'lab-explain-divisor'],
        [t(L, 'lab.explain.avg'), fmt(e.output), 'lab-explain-result', e.output]];
    const table = el('table', { class: 'lab-terms' },
      el('thead', {}, el('tr', {}, el('th', { text: t(L, 'lab.explain.pixel') }), el('th', { text: t(L, 'lab.explain.value') }))),
      el('tbody', {}, cells),
      el('tfoot', {}, footRows(foot)));
    const real = e.terms.filter((tt) => !tt.padding);
    // the average divides by every value it counts: with count_include_pad, the padding zeros too
    const counted = e.divisor === e.terms.length ? e.terms : real;
    const equation = isMax
      ? `max(${e.terms.map((tt) => fmt(tt.value)).join(', ')}) = ${fmt(e.output)}`
      : `(${counted.map((tt) => fmt(tt.value)).join(' + ') || '0'}) / ${e.divisor} = ${fmt(e.output)}`;
    const padKey = isMax || real.length === e.terms.length ? null : counted.length > real.length ? 'lab.explain.avgPad' : 'lab.explain.avgNoPad';
    const padNote = padKey ? el('p', { class: 'lab-hint', 'data-testid': 'lab-explain-pad-note', text: t(L, padKey) }) : null;
    this.body.replaceChildren(...[el('p', { class: 'lab-equation', 'data-testid': 'lab-equation', text: equation }), padNote,
      el('div', { class: 'lab-terms-box' }, table)].filter(Boolean));
    const winner = e.terms[e.winner];
    return isMax
      ? t(L, 'lab.explain.spoken.max', { r: y + 1, c: x + 1, values: e.terms.map((tt) => fmt(tt.value)).join(', '), out: fmt(e.output), wr: (winner?.y ?? 0) + 1, wc: (winner?.x ?? 0) + 1 })
      : t(L, 'lab.explain.spoken.avg', { r: y + 1, c: x + 1, values: real.map((tt) => fmt(tt.value)).join(', '), sum: fmt(e.sum), d: e.divisor, out: fmt(e.output) });
  }
}

/** The table's foot: [label, shown value, testid, exact value (optional)] per row; `span` columns for the label. */
function footRows(foot, span) {
  return foot.map(([label, value, id, raw]) => el('tr', {},
    el('th', { colspan: span, scope: 'row', text: label }),
    el('td', { 'data-testid': id, 'data-value': raw === undefined ? null : String(raw), text: value })));
}
