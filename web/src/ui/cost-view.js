// What the network costs: per layer its multiply-adds (from the engine's
// geometry) and its measured time in the last run, with the network's total
// parameters and multiply-adds. Given a container and options { lang }.
import { el, formatNumber } from './dom.js';
import { t } from './i18n.js';

const HISTORY = 50;

export class CostView {
  constructor(container, options = {}) {
    this.lang = options.lang ?? 'en';
    this.root = el('div', { class: 'cost' });
    container.append(this.root);
    this.model = null;
    this.history = [];
    this.build();
  }

  setLang(lang) {
    this.lang = lang;
    this.build();
  }

  /** model: { layers (engine layer info), paramCount } */
  setModel(model) {
    this.model = model;
    this.history = [];
    this.build();
  }

  build() {
    const L = this.lang;
    this.root.replaceChildren(el('h3', { text: t(L, 'cost.title') }));
    this.msCells = null;
    this.note = null;
    if (!this.model) return;
    const { layers } = this.model;
    const totalMacs = layers.reduce((a, l) => a + l.macs, 0);
    const totalParams = this.model.paramCount ?? layers.reduce((a, l) => a + l.params, 0);
    this.root.append(el('p', { class: 'cost-totals', 'data-testid': 'cost-totals' },
      t(L, 'cost.totals', { params: formatNumber(totalParams, L), macs: formatNumber(totalMacs, L) })));
    const head = el('tr', {}, ...['cost.layer', 'cost.shape', 'cost.params', 'cost.macs', 'cost.ms']
      .map((k) => el('th', { scope: 'col', text: t(L, k) })));
    this.msCells = [];
    this.msBars = [];
    const rows = layers.map((l, i) => {
      const ms = el('td', { class: 'num' });
      const msBar = el('span', { class: 'cost-bar cost-bar-ms' });
      this.msCells.push(ms);
      this.msBars.push(msBar);
      const share = totalMacs > 0 ? l.macs / totalMacs : 0;
      return el('tr', {},
        el('th', { scope: 'row', text: `${i + 1}. ${t(L, `layer.${l.kind}`)}` }),
        el('td', { text: l.outShape.slice(1).join('×') }),
        el('td', { class: 'num', text: formatNumber(l.params, L) }),
        el('td', { class: 'num' }, el('span', { class: 'cost-bar', style: { width: `${(100 * share).toFixed(1)}%` } }),
          el('span', { text: formatNumber(l.macs, L) })),
        ms);
    });
    this.totalMs = el('td', { class: 'num' });
    const foot = el('tr', { class: 'cost-total-row' },
      el('th', { scope: 'row', text: t(L, 'cost.total') }), el('td'),
      el('td', { class: 'num', text: formatNumber(totalParams, L) }),
      el('td', { class: 'num', text: formatNumber(totalMacs, L) }), this.totalMs);
    this.root.append(el('div', { class: 'table-scroll' },
      el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows), el('tfoot', {}, foot))),
    (this.note = el('p', { class: 'cost-note' })));
    this.showNote();
    if (this.history.length) this.show();
  }

  showNote() {
    if (this.note) this.note.textContent = t(this.lang, 'cost.note', { n: Math.max(1, this.history.length) });
  }

  /**
   * layers: a run's per-layer info with ms; totalMs: its whole forward pass.
   * The browser's clock is coarse (about 0.1 ms steps, with jitter), so the
   * table shows the mean of the last HISTORY runs.
   */
  update({ layers, totalMs }) {
    if (!layers) return;
    this.history.push({ ms: layers.map((l) => l.ms), totalMs });
    if (this.history.length > HISTORY) this.history.shift();
    // a mean over many runs: redrawing it a few times a second is enough
    const now = performance.now();
    if (this.history.length > 1 && now - (this.shownAt ?? 0) < 250) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.show(), 250);
      return;
    }
    this.show();
  }

  /** Removes the view and its pending redraw. */
  destroy() {
    clearTimeout(this.timer);
    this.root?.remove();
  }

  show() {
    this.shownAt = performance.now();
    clearTimeout(this.timer);
    if (!this.msCells) return;
    const n = this.history.length;
    const mean = this.msCells.map((_, i) => this.history.reduce((a, h) => a + (h.ms[i] ?? 0), 0) / n);
    const total = this.history.reduce((a, h) => a + h.totalMs, 0) / n;
    const maxMs = Math.max(1e-9, ...mean);
    mean.forEach((ms, i) => {
      const bar = this.msBars[i];
      bar.style.width = `${(100 * ms / maxMs).toFixed(1)}%`;
      this.msCells[i].replaceChildren(bar, el('span', { text: formatNumber(ms, this.lang, 3) }));
    });
    this.totalMs.textContent = formatNumber(total, this.lang, 3);
    this.showNote();
  }
}
