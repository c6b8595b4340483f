// Why max pooling: the same digit moved by one pixel, pooled with a 2x2
// window at stride 2, by max and by average pooling: which pooled cells
// stay the same, drawn and counted. A largest value often stays the largest
// of its window when it moves by a pixel, an average hardly ever keeps its
// value: max pooling eases the effect of small moves (the KAIST note).
//
// The pooled maps are the engine's (runLayer, the reference kernels); the
// page only moves the input and compares the engine's outputs cell by cell.
// A class given a container and options (client, lang, digit).
import { t } from '../i18n.js';
import '../page-strings.js';
import { el, pixelCanvas, paintCanvas } from '../dom.js';
import { colourTable } from '../colormap.js';
import { sampleDigit } from '../lab/presets.js';
import { paste } from '../preprocess.js';

export const SHIFTS = Object.freeze({ right: [0, 1], left: [0, -1], down: [1, 0], up: [-1, 0] });
export const WINDOW = 2;
const SIDE = 28;

/**
 * Two pooled maps compared cell by cell: { same: Uint8Array (1 where the
 * value is the same and not blank in both), inked (cells not 0 in either),
 * unchanged (of those, the same) }.
 */
export function compareMaps(a, b) {
  const same = new Uint8Array(a.length);
  let inked = 0, unchanged = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0 && b[i] === 0) continue;
    inked++;
    if (a[i] === b[i]) {
      unchanged++;
      same[i] = 1;
    }
  }
  return { same, inked, unchanged };
}

const POOLS = ['max', 'avg'];
const LUT = colourTable('gray');

export class PoolShiftView {
  /** container: where it goes. options: client, lang, digit (784 values in [0, 1]; none: the sample 7). */
  constructor(container, options = {}) {
    this.client = options.client;
    this.lang = options.lang ?? 'en';
    this.digit = options.digit ?? null;
    this.shift = 'right';
    this.result = null;
    this.gen = 0;
    this.root = el('div', { class: 'why why-pool', 'data-testid': 'why-pool' });
    container.append(this.root);
    this.build();
    this.ready = this.refresh();
  }

  setLang(lang) {
    this.lang = lang;
    this.build();
    this.render();
  }

  /** The drawn digit (784 values), or null for the sample 7. */
  setDigit(image) {
    this.digit = image && image.length === SIDE * SIDE ? Float32Array.from(image) : null;
    this.refresh();
  }

  build() {
    const L = this.lang;
    this.picker = el('select', { 'data-testid': 'why-pool-shift', onchange: () => { this.shift = this.picker.value; this.refresh(); } },
      ...Object.keys(SHIFTS).map((s) => el('option', { value: s, text: t(L, `why.pool.shift.${s}`), selected: s === this.shift })));
    this.body = el('div', { class: 'why-pool-body' });
    this.root.replaceChildren(
      el('p', { text: t(L, 'why.pool.intro', { k: WINDOW }) }),
      el('label', { class: 'why-control' }, el('span', { class: 'why-control-name', text: t(L, 'why.pool.shift') }), this.picker),
      this.body,
      el('p', { class: 'why-hint' },
        el('span', { class: 'why-swatch why-same' }), ` ${t(L, 'why.pool.legend.same')} `,
        el('span', { class: 'why-swatch why-changed' }), ` ${t(L, 'why.pool.legend.changed')} `,
        el('span', { class: 'why-swatch why-blank' }), ` ${t(L, 'why.pool.legend.blank')}`));
  }

  async refresh() {
    const gen = ++this.gen;
    const image = this.digit ?? sampleDigit();
    const [dy, dx] = SHIFTS[this.shift];
    const moved = paste(image, SIDE, SIDE, SIDE, dx, dy);  // moved by (dy, dx), zeros coming in at the edge
    const run = (pool, input) => this.client.request('runLayer', {
      spec: { type: pool === 'max' ? 'maxpool2d' : 'avgpool2d', kernel_size: WINDOW, stride: WINDOW },
      shape: [1, 1, SIDE, SIDE], input, variant: 'ref' });
    try {
      const maps = {};
      for (const pool of POOLS) {
        const [a, b] = await Promise.all([run(pool, image), run(pool, moved)]);
        maps[pool] = { before: a.output.data, after: b.output.data, side: a.geometry.outShape[3], ...compareMaps(a.output.data, b.output.data) };
      }
      if (gen !== this.gen) return;
      this.result = { image, moved, maps };
      this.error = null;
    } catch (e) {
      if (gen !== this.gen) return;
      this.error = e?.message ?? String(e);
    }
    this.render();
    this.root.dataset.ready = 'true';
  }

  render() {
    const L = this.lang;
    if (this.error) {
      this.body.replaceChildren(el('p', { class: 'error', role: 'alert', text: t(L, 'why.pool.failed', { message: this.error }) }));
      return;
    }
    const r = this.result;
    if (!r) return;
    const map = (values, side, label, testid) => {
      const c = pixelCanvas(side, side, 'why-map');
      paintCanvas(c, values, 0, side, side, LUT, 0, 1);
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', label);
      if (testid) c.dataset.testid = testid;
      return el('figure', { class: 'why-fig' }, c, el('figcaption', { text: label }));
    };
    const rows = [el('div', { class: 'why-row' },
      map(r.image, SIDE, t(L, 'why.pool.input'), 'why-pool-input'),
      map(r.moved, SIDE, t(L, 'why.pool.moved', { dir: t(L, `why.pool.shift.${this.shift}`) }), 'why-pool-moved'))];
    for (const pool of POOLS) {
      const m = r.maps[pool];
      rows.push(el('div', { class: 'why-row', 'data-testid': `why-pool-${pool}` },
        el('h4', { text: t(L, `why.pool.${pool}`, { k: WINDOW, side: m.side }) }),
        map(m.before, m.side, t(L, 'why.pool.before')),
        map(m.after, m.side, t(L, 'why.pool.after')),
        el('figure', { class: 'why-fig' }, this.sameMap(m), el('figcaption', { text: t(L, 'why.pool.sameMap') })),
        el('p', { class: 'why-count', 'data-testid': `why-pool-${pool}-count`, 'data-unchanged': m.unchanged, 'data-inked': m.inked,
          text: t(L, 'why.pool.count', { unchanged: m.unchanged, inked: m.inked, percent: m.inked ? Math.round((100 * m.unchanged) / m.inked) : 0 }) })));
    }
    const max = r.maps.max, avg = r.maps.avg;
    rows.push(el('p', { class: 'why-verdict', 'data-testid': 'why-pool-verdict',
      text: t(L, max.unchanged > avg.unchanged ? 'why.pool.verdict' : 'why.pool.verdictNot', { max: max.unchanged, avg: avg.unchanged }) }));
    this.body.replaceChildren(...rows);
  }

  /** The cells that stayed the same (green), changed (orange) or are blank in both (grey). */
  sameMap(m) {
    const side = m.side;
    const c = pixelCanvas(side, side, 'why-map');
    const ctx = c.getContext('2d');
    const img = ctx.createImageData(side, side);
    for (let i = 0; i < side * side; i++) {
      const blank = m.before[i] === 0 && m.after[i] === 0;
      const [rr, g, b] = blank ? [225, 225, 232] : m.same[i] ? [26, 127, 55] : [230, 97, 0];
      img.data.set([rr, g, b, 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', t(this.lang, 'why.pool.sameMapLabel', { unchanged: m.unchanged, inked: m.inked }));
    return c;
  }

  destroy() {
    this.gen++;
    this.root.remove();
  }
}
