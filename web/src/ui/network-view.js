// Every layer of the network: its kind, output shape (C x H x W) and
// parameter count, its activations as a grid of feature-map thumbnails with a
// legend (diverging blue–orange for signed values, viridis for outputs that
// cannot be negative), the first conv layer's filters as images, and a zoom
// panel that enlarges the map under the pointer (click to keep it).
//
// Given a container and options { lang }. setModel(model) builds the cards
// from what the engine reports ({ layers, inputShape }); update(activations,
// layers?) repaints them from a run's result. Nothing is recomputed here.
// Only the cards near the screen are painted as results come; all of them
// are painted when the page is printed.
import { el, pixelCanvas, paintCanvas, pixelImage, formatNumber, formatValue } from './dom.js';
import { colourTable, cssGradient, valueRange } from './colormap.js';
import { MapAtlas } from './map-atlas.js';
import { t } from './i18n.js';

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

const NONNEG_KINDS = new Set(['relu', 'sigmoid', 'softmax']);
const KEEPS_SIGN = new Set(['maxpool2d', 'avgpool2d', 'flatten']);

/** How layer outputs are coloured: 'gray' (the input image), 'viridis' (>= 0) or 'diverging' (signed). */
export function colourModes(layers) {
  const modes = ['gray'];
  let nonneg = true;
  for (const l of layers) {
    if (NONNEG_KINDS.has(l.kind)) nonneg = true;
    else if (!KEEPS_SIGN.has(l.kind)) nonneg = false;
    modes.push(nonneg ? 'viridis' : 'diverging');
  }
  return modes;
}

// [channels, h, w] of an activation shape; vectors become one row per
// channel of the layer before a flatten, or rows of up to 32 cells.
function mapGrid(shape, prevShape) {
  if (shape.length === 4) return { maps: shape[1], h: shape[2], w: shape[3] };
  const n = shape[1];
  if (prevShape?.length === 4 && prevShape[1] * prevShape[2] * prevShape[3] === n && prevShape[2] * prevShape[3] <= 64) {
    return { maps: 1, h: prevShape[1], w: prevShape[2] * prevShape[3], vector: true };
  }
  const w = Math.min(n, 32);
  return { maps: 1, h: Math.ceil(n / w), w, vector: true };
}

export class NetworkView {
  constructor(container, options = {}) {
    this.lang = options.lang ?? 'en';
    this.luts = { gray: colourTable('gray'), viridis: colourTable('viridis'), diverging: colourTable('diverging') };
    this.root = el('div', { class: 'netview' });
    this.frame = el('div', { class: 'netview-frame' }, this.root);  // the width the layout asks about
    container.append(this.frame);
    this.win = container.ownerDocument?.defaultView;
    this.onPrint = () => { for (const card of this.cards) this.paintCard(card); };
    this.win?.addEventListener('beforeprint', this.onPrint);
    this.model = null;
    this.activations = null;
    this.filters = null;
    this.selected = null;  // { layer, map, pinned }
    this.visible = new Set();
    this.observer = new IntersectionObserver((entries) => this.onVisibility(entries), { rootMargin: '200px 0px' });
    this.build();
  }

  setLang(lang) {
    this.lang = lang;
    this.build();
  }

  /** model: { layers (engine layer info), inputShape, specs } */
  setModel(model) {
    this.model = model;
    this.activations = null;
    this.filters = null;
    this.selected = null;
    this.build();
  }

  /** weight: Float32Array [out, in, kh, kw] of the layer whose card is `layer` (0 is the input, 1 the first layer). */
  setFilters(layer, weight, shape) {
    this.filters = { layer, weight, shape };
    this.build();
  }

  showError(message) {
    this.root.replaceChildren(el('p', { class: 'error', role: 'alert', text: message }));
  }

  /** Removes the view and stops its observers. */
  destroy() {
    for (const card of this.cards ?? []) card.atlas.destroy();
    this.cards = [];
    this.observer.disconnect();
    this.win?.removeEventListener('beforeprint', this.onPrint);
    this.frame.remove();
  }

  build() {
    for (const card of this.cards ?? []) card.atlas.destroy();
    this.observer.disconnect();
    this.visible.clear();
    this.root.replaceChildren();
    this.cards = [];
    const L = this.lang;
    this.list = el('ol', { class: 'netview-layers' });
    this.zoom = this.buildZoom();
    this.root.append(this.list, this.zoom.root);
    if (!this.model) {
      this.list.append(el('li', { class: 'netview-waiting', text: t(L, 'net.waiting') }));
      return;
    }
    const { layers, inputShape } = this.model;
    this.modes = colourModes(layers);
    const shapes = [inputShape, ...layers.map((l) => l.outShape)];
    shapes.forEach((shape, i) => {
      const layer = i === 0 ? null : layers[i - 1];
      this.cards.push(this.buildCard(i, layer, shape, shapes[i - 1]));
    });
    if (this.activations) this.update(this.activations);
    this.refreshZoom();
  }

  describe(layer, inShape) {
    const L = this.lang;
    if (!layer) return t(L, 'layer.input.about');
    const k = layer.kind;
    const size = (p) => `${p[0]}×${p[1]}`;
    if (k === 'conv2d') {
      return t(L, 'layer.conv2d.about', { k: size(layer.kernel), inC: inShape[1], outC: layer.outShape[1],
        stride: layer.stride[0], pad: layer.pad.top });
    }
    if (k === 'maxpool2d' || k === 'avgpool2d') return t(L, `layer.${k}.about`, { k: size(layer.kernel), stride: layer.stride[0] });
    if (k === 'dense') return t(L, 'layer.dense.about', { inF: inShape.slice(1).reduce((a, b) => a * b, 1), outF: layer.outShape[1] });
    return t(L, `layer.${k}.about`);
  }

  buildCard(i, layer, shape, prevShape) {
    const L = this.lang;
    const grid = mapGrid(shape, prevShape);
    const mode = this.modes[i];
    const kindName = layer ? t(L, `layer.${layer.kind}`) : t(L, 'layer.input');
    const dims = shape.slice(1).join(' × ');
    const lo = el('span', { class: 'legend-lo' }), hi = el('span', { class: 'legend-hi' });
    const legend = el('div', { class: 'legend', title: t(L, mode === 'diverging' ? 'legend.diverging' : 'legend.sequential') },
      lo, el('span', { class: 'legend-bar', style: { background: cssGradient(mode) } }), hi,
      el('span', { class: 'legend-note', text: t(L, mode === 'diverging' ? 'legend.diverging' : mode === 'gray' ? 'legend.gray' : 'legend.sequential') }));
    const maps = el('div', { class: `maps${grid.vector ? ' maps-vector' : ''}` });
    const scale = grid.vector ? clamp(Math.floor(320 / grid.w), 2, 16) : clamp(Math.round(48 / grid.h), 2, 8);
    const card = el('li', { class: `layer layer-${layer ? layer.kind : 'input'}`, 'data-layer': i },
      el('div', { class: 'layer-head' },
        el('span', { class: 'layer-index', text: i === 0 ? '' : `${i}` }),
        el('strong', { class: 'layer-kind', text: kindName }),
        el('span', { class: 'layer-shape', 'data-testid': 'layer-shape', text: dims }),
        el('span', { class: 'layer-params', text: layer ? t(L, 'net.params', { n: formatNumber(layer.params, L) }) : '' })),
      el('p', { class: 'layer-about', text: this.describe(layer, prevShape) }));
    if (this.filters && layer && this.filters.layer === i) card.append(this.buildFilters(grid.w * scale, scale));
    card.append(legend, maps);
    this.list.append(card);
    const atlas = new MapAtlas(maps, {
      maps: grid.maps, w: grid.w, h: grid.h, scale,
      label: t(L, 'net.mapsLabel', { layer: i, name: kindName, maps: grid.maps }),
      onHover: (m) => this.select(i, m, false),
      onLeave: () => this.unhover(),
      onPick: (m) => this.select(i, m, true),
    });
    this.observer.observe(card);
    return { i, el: card, grid, mode, atlas, lo, hi, stale: true };
  }

  /** The filters as images, each as wide as (and above) the map it makes: size px, gap px apart. */
  buildFilters(size, gap) {
    const L = this.lang;
    const { weight, shape } = this.filters;
    const [out, inC, kh, kw] = shape;
    const [lo, hi] = valueRange(weight, true);
    const row = el('div', { class: 'filters', style: { gap: `${gap}px` } });
    for (let o = 0; o < out; o++) {
      const img = pixelImage(weight, o * inC * kh * kw, kw, kh, this.luts.diverging, lo, hi, 'filter');
      img.style.width = img.style.height = `${size}px`;
      row.append(img);
    }
    return el('div', { class: 'filters-box' },
      el('p', { class: 'filters-title', text: t(L, 'net.filters', { n: out, k: `${kh}×${kw}` }) }),
      el('div', { class: 'legend' },
        el('span', { class: 'legend-lo', text: formatValue(lo) }),
        el('span', { class: 'legend-bar', style: { background: cssGradient('diverging') } }),
        el('span', { class: 'legend-hi', text: formatValue(hi) }),
        el('span', { class: 'legend-note', text: t(L, 'legend.weights') })),
      row);
  }

  /** activations: [{ shape, data }] — the input, then every layer's output. */
  update(activations) {
    this.activations = activations;
    if (!this.cards.length || activations.length !== this.cards.length) return;
    // only the layers on screen are drawn now; the others when they scroll into view
    for (const card of this.cards) {
      card.stale = true;
      if (this.visible.has(card.el)) this.paintCard(card);
    }
    this.refreshZoom();
  }

  paintCard(card) {
    if (!this.activations || !card.stale) return;
    card.stale = false;
    const { data } = this.activations[card.i];
    const [lo, hi] = card.mode === 'gray' ? [0, 1] : valueRange(data, card.mode === 'diverging');
    card.range = [lo, hi];
    card.lo.textContent = formatValue(lo);
    card.hi.textContent = formatValue(hi);
    const { w, h } = card.grid;
    card.atlas.paint(card.grid.vector ? padTo(data, w * h) : data, this.luts[card.mode], lo, hi);
  }

  onVisibility(entries) {
    for (const e of entries) {
      if (e.isIntersecting) this.visible.add(e.target); else this.visible.delete(e.target);
      const card = e.isIntersecting && this.cards.find((c) => c.el === e.target);
      if (card) this.paintCard(card);
    }
  }

  buildZoom() {
    const L = this.lang;
    const canvas = pixelCanvas(1, 1, 'zoom-map');
    const title = el('p', { class: 'zoom-title' });
    const value = el('p', { class: 'zoom-value' });
    const root = el('aside', { class: 'zoom' },
      el('h3', { text: t(L, 'zoom.title') }), title, canvas, value, el('p', { class: 'zoom-hint', text: t(L, 'zoom.hint') }));
    canvas.addEventListener('pointermove', (e) => {
      const z = this.zoomState;
      if (!z) return;
      const r = canvas.getBoundingClientRect();
      const x = Math.floor(((e.clientX - r.left) / r.width) * z.w), y = Math.floor(((e.clientY - r.top) / r.height) * z.h);
      const v = z.values[y * z.w + x];
      value.textContent = v === undefined ? '' : t(this.lang, 'zoom.value', { x, y, v: formatValue(v) });
    });
    canvas.addEventListener('pointerleave', () => { value.textContent = ''; });
    return { root, canvas, title, value };
  }

  select(layer, map, pin) {
    if (pin) this.pinned = { layer, map };
    this.selected = { layer, map };
    this.refreshZoom();
  }

  unhover() {
    this.selected = this.pinned ?? this.selected;
    this.refreshZoom();
  }

  refreshZoom() {
    const z = this.zoom;
    const sel = this.selected ?? (this.cards.length > 1 ? { layer: 1, map: 0 } : null);
    const card = sel && this.cards[sel.layer];
    this.cards.forEach((c) => c.atlas.mark(sel && c.i === sel.layer ? sel.map : -1));
    if (!card || !this.activations) {
      z.title.textContent = t(this.lang, 'zoom.none');
      this.zoomState = null;
      return;
    }
    this.paintCard(card);  // its range is needed even when it is off screen
    const { w, h, maps, vector } = card.grid;
    const data = this.activations[sel.layer].data;
    const values = vector ? data : data.subarray(sel.map * w * h, (sel.map + 1) * w * h);
    const [lo, hi] = card.range ?? [0, 1];
    paintCanvas(z.canvas, vector ? padTo(values, w * h) : values, 0, w, h, this.luts[card.mode], lo, hi);
    z.canvas.style.aspectRatio = `${w} / ${h}`;
    const name = sel.layer === 0 ? t(this.lang, 'layer.input') : t(this.lang, `layer.${this.model.layers[sel.layer - 1].kind}`);
    z.title.textContent = vector
      ? t(this.lang, 'zoom.vector', { layer: sel.layer, name, n: data.length })
      : t(this.lang, 'zoom.map', { layer: sel.layer, name, map: sel.map + 1, maps, h, w });
    this.zoomState = { values, w, h };
  }
}

function padTo(values, n) {
  const out = new Float32Array(n);
  out.set(values.subarray(0, Math.min(values.length, n)));
  return out;
}
