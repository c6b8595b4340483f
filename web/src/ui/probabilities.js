// The prediction: the top class large, a bar per class, and the time the
// last update took. Given a container and options { lang, labels }.
//
// When the network is not clearly sure, the page says so and names the top
// two instead of one (see reading()).
import { el, formatNumber } from './dom.js';
import { t } from './i18n.js';

/**
 * The rule for "sure": the top class has at least UNSURE_BELOW of the
 * probability and leads the second by at least UNSURE_MARGIN. Otherwise the
 * page says it is unsure and names both. The shipped digit model is trained
 * with label smoothing 0.1, so a plain digit reads at about 90%. On the 420
 * drawings of tests/e2e/drawings.js the rule marks the one it misreads and 19
 * of the 419 it reads right (under 5%); a scribble or a dot (fitted to 20 px,
 * a filled disc that reads 0 at about 64%) is marked too.
 */
export const UNSURE_BELOW = 0.7;
export const UNSURE_MARGIN = 0.25;

/**
 * The finest time a page's clock tells (ms): browsers round performance.now()
 * to 0.1 ms on a page that is not cross-origin isolated, and the network's
 * own time is often below it (read as 0), so it is shown to one decimal, or
 * as "< 0.1" when the clock saw nothing.
 */
const CLOCK_MS = 0.1;

const NAME_A = '\u0001', NAME_B = '\u0002';

/**
 * A sentence whose NAME_A and NAME_B stand for two class names, as nodes:
 * each name in a span of its own that the line breaks around rather than
 * inside (so "T-shirt/top" is not cut at its hyphen while it fits a line).
 */
function named(text, a, b = '') {
  return text.split(/([\u0001\u0002])/).filter(Boolean)
    .map((part) => (part === NAME_A || part === NAME_B ? el('span', { class: 'probs-name', text: part === NAME_A ? a : b }) : part));
}

function engineTime(ms, lang) {
  return ms < CLOCK_MS / 2 ? `<\u00a0${formatNumber(CLOCK_MS, lang, 1)}` : formatNumber(ms, lang, 1);
}

/** The top class, the runner-up and whether the top one is clearly ahead: { best, second, unsure }. */
export function reading(probs) {
  let best = -1, second = -1;
  for (let k = 0; k < probs.length; k++) {
    if (best < 0 || probs[k] > probs[best]) { second = best; best = k; }
    else if (second < 0 || probs[k] > probs[second]) second = k;
  }
  const unsure = best >= 0 && second >= 0 && (probs[best] < UNSURE_BELOW || probs[best] - probs[second] < UNSURE_MARGIN);
  return { best, second, unsure };
}

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
    // names longer than a digit or two get a line of their own above the bar where the view is narrow
    this.root.classList.toggle('probs-long', this.labels.some((label) => label.length > 3));
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
    const { best, second, unsure } = probs && !empty ? reading(probs) : { best: -1, second: -1, unsure: false };
    this.root.classList.toggle('is-empty', best < 0);
    this.root.classList.toggle('is-unsure', unsure);
    this.topLabel.dataset.unsure = String(unsure);
    const name = (k) => this.labels[k] ?? String(k);
    const percent = (k) => formatNumber(100 * probs[k], this.lang, 1);
    if (best < 0) {
      this.topLabel.textContent = this.emptyText ?? t(this.lang, 'probs.empty');
      this.topLabel.dataset.class = '';
      this.topProb.textContent = '';
    } else if (unsure) {
      this.topLabel.replaceChildren(...named(t(this.lang, 'probs.either', { a: NAME_A, b: NAME_B }), name(best), name(second)));
      this.topLabel.dataset.class = String(best);
      this.topProb.replaceChildren(...named(t(this.lang, 'probs.unsure',
        { a: NAME_A, pa: percent(best), b: NAME_B, pb: percent(second) }), name(best), name(second)));
    } else {
      this.topLabel.replaceChildren(...named(NAME_A, name(best)));
      this.topLabel.dataset.class = String(best);
      this.topProb.textContent = t(this.lang, 'probs.sure', { percent: percent(best) });
    }
    this.rows.forEach(({ row, fill, value }, k) => {
      const p = best < 0 ? 0 : probs[k] ?? 0;
      fill.style.transform = `scaleX(${p.toFixed(4)})`;  // no layout, unlike a width
      value.textContent = best < 0 ? '' : `${formatNumber(100 * p, this.lang, 1)}%`;
      row.classList.toggle('is-top', k === best);
    });
    this.timing.textContent = timing
      ? t(this.lang, timing.fromPen ? 'probs.timing' : 'probs.timingOther',
        { total: formatNumber(timing.latencyMs, this.lang, 1), engine: engineTime(timing.engineMs, this.lang) })
      : '';
  }
}
