// The prediction: the top class large, a bar per class, and the time the
// last update took. Given a container and options { lang, labels }.
import { el, formatNumber } from './dom.js';
import { t } from './i18n.js';

export class ProbabilityView {
  constructor(container, options = {}) {
    this.lang = options.lang ?? 'en';
    this.labels = options.labels ?? [];
    this.root = el('div', { class: 'probs' });
    container.append(this.root);
    this.last = null;
    this.build();
  }

  setLang(lang) {
    this.lang = lang;
    this.build();
  }

  setLabels(labels) {
    this.labels = labels.slice();
    this.build();
  }

  build() {
    this.root.replaceChildren();
    this.top = el('div', { class: 'probs-top' });
    this.topLabel = el('span', { class: 'probs-top-label', 'data-testid': 'prediction' });
    this.topProb = el('span', { class: 'probs-top-prob' });
    this.top.append(this.topLabel, this.topProb);
    this.bars = el('ol', { class: 'probs-bars', 'aria-label': t(this.lang, 'probs.bars') });
    this.rows = this.labels.map((label, k) => {
      const fill = el('span', { class: 'probs-fill' });
      const value = el('span', { class: 'probs-value' });
      const row = el('li', { class: 'probs-row', 'data-class': k },
        el('span', { class: 'probs-label', text: label }),
        el('span', { class: 'probs-track' }, fill), value);
      this.bars.append(row);
      return { row, fill, value };
    });
    this.truth = el('p', { class: 'probs-truth', 'data-testid': 'truth' });
    this.timing = el('p', { class: 'probs-timing', 'data-testid': 'latency' });
    this.root.append(el('h3', { text: t(this.lang, 'probs.title') }), this.top, this.truth, this.bars, this.timing);
    if (this.last) this.update(this.last.probs, this.last.empty, this.last.timing, this.last.truth);
    else this.update(null, true, null);
  }

  /** What an empty pad says ("Draw a digit"). */
  setEmptyText(text) {
    this.emptyText = text;
    if (this.last) this.update(this.last.probs, this.last.empty, this.last.timing, this.last.truth);
  }

  /**
   * probs: Float32Array per class (or null); empty: nothing drawn; timing:
   * { latencyMs, engineMs, fromPen } or null; truth: the true class's name for a shipped image (or null).
   */
  update(probs, empty, timing, truth = null) {
    this.last = { probs, empty, timing, truth };
    this.truth.textContent = truth !== null && !empty ? t(this.lang, 'probs.truth', { label: truth }) : '';
    let best = -1;
    if (probs && !empty) for (let k = 0; k < probs.length; k++) if (best < 0 || probs[k] > probs[best]) best = k;
    this.root.classList.toggle('is-empty', best < 0);
    if (best < 0) {
      this.topLabel.textContent = this.emptyText ?? t(this.lang, 'probs.empty');
      this.topLabel.dataset.class = '';
      this.topProb.textContent = '';
    } else {
      this.topLabel.textContent = this.labels[best] ?? String(best);
      this.topLabel.dataset.class = String(best);
      this.topProb.textContent = t(this.lang, 'probs.sure', { percent: formatNumber(100 * probs[best], this.lang, 1) });
    }
    this.rows.forEach(({ row, fill, value }, k) => {
      const p = best < 0 ? 0 : probs[k] ?? 0;
      fill.style.transform = `scaleX(${p.toFixed(4)})`;  // no layout, unlike a width
      value.textContent = best < 0 ? '' : `${formatNumber(100 * p, this.lang, 1)}%`;
      row.classList.toggle('is-top', k === best);
    });
    this.timing.textContent = timing
      ? t(this.lang, timing.fromPen ? 'probs.timing' : 'probs.timingOther',
        { total: formatNumber(timing.latencyMs, this.lang, 1), engine: formatNumber(timing.engineMs, this.lang, 2) })
      : '';
  }
}
