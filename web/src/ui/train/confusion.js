// The held-out confusion matrix: one row per true class, one column per
// predicted class, each cell shaded by its share of the row, with the
// per-class accuracy at the end of each row; clicking a cell calls
// onCell(truth, predicted). Given a container and options { lang, labels,
// onCell }.
import { el, formatNumber } from '../dom.js';
import { t } from '../i18n.js';
import { divergingColour, needsLightText } from '../colormap.js';

export class ConfusionView {
  constructor(container, { lang = 'en', labels = null, onCell = () => {} } = {}) {
    this.lang = lang;
    this.labels = labels;
    this.onCell = onCell;
    this.root = el('div', { class: 'train-confusion', 'data-testid': 'train-confusion' });
    container.append(this.root);
    this.result = null;
    this.show(null);
  }

  /** e: { count, accuracy, confusion (k x k), perClass } (trainEvaluate), or null. */
  show(e) {
    this.result = e;
    const L = this.lang;
    if (!e) {
      this.root.replaceChildren(el('p', { class: 'train-note', text: t(L, 'train.confusionNote') }));
      return;
    }
    const k = e.perClass.length;
    const label = (c) => this.labels?.[c] ?? String(c);
    const head = el('tr', {}, el('th', { scope: 'col', text: t(L, 'train.trueClass') }),
      ...Array.from({ length: k }, (_, c) => el('th', { scope: 'col', text: label(c) })), el('th', { scope: 'col', text: t(L, 'train.classAccuracy') }));
    const rows = Array.from({ length: k }, (_, r) => {
      let total = 0;
      for (let c = 0; c < k; c++) total += e.confusion[r * k + c];
      return el('tr', {}, el('th', { scope: 'row', text: label(r) }),
        ...Array.from({ length: k }, (_, c) => {
          const n = e.confusion[r * k + c];
          const share = total ? n / total : 0;
          // right answers blue, mistakes orange (a mistake is shown four times as strong)
          const background = divergingColour(r === c ? -share : Math.min(1, 4 * share), 1);
          const style = n ? { background, color: needsLightText(background) ? '#fff' : '#1b1b1f' } : {};
          const title = t(L, 'train.cell', { n, truth: label(r), predicted: label(c) });
          return el('td', { class: 'num', style },
            n ? el('button', { type: 'button', class: 'train-cell', text: String(n), title, 'aria-label': title, 'data-cell': `${r},${c}`,
              onclick: () => this.onCell(r, c) }) : '');
        }),
        el('td', { class: 'num', text: e.perClass[r] === null ? '–' : `${(100 * e.perClass[r]).toFixed(1)}%` }));
    });
    this.root.replaceChildren(
      el('p', { 'data-testid': 'train-heldout-accuracy', text: t(L, 'train.heldOutResult', { accuracy: (100 * e.accuracy).toFixed(2), n: formatNumber(e.count, L) }) }),
      el('div', { class: 'table-scroll' }, el('table', { class: 'train-matrix' }, el('thead', {}, head), el('tbody', {}, ...rows))));
  }
}
