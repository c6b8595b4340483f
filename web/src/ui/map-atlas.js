// A layer's feature maps drawn as one canvas: the maps tiled in rows with a
// one-pixel gap, one pixel per value, scaled up by CSS (pixelated). One
// canvas per layer instead of one per map keeps each frame cheap for the
// browser (one image to upload and composite, not dozens).
//
// Given a container and options { maps, w, h, scale, label, onHover(m),
// onLeave(), onPick(m) }. paint(values, lut, lo, hi) draws map m from
// values[m*w*h ...]; mark(m) outlines the selected map.
import { el } from './dom.js';
import { paintValues } from './colormap.js';

const GAP_RGB = [255, 255, 255];

export class MapAtlas {
  constructor(container, options) {
    Object.assign(this, { maps: 1, scale: 2, onHover() {}, onLeave() {}, onPick() {} }, options);
    this.canvas = el('canvas', { class: 'atlas', tabindex: '0', role: 'img', 'aria-label': options.label ?? '' });
    this.marker = el('div', { class: 'atlas-mark', hidden: true });
    this.root = el('div', { class: 'atlas-box' }, this.canvas, this.marker);
    container.append(this.root);
    this.ctx = this.canvas.getContext('2d');
    this.cols = 0;
    this.last = null;
    this.marked = -1;
    this.focusMap = 0;
    this.canvas.addEventListener('pointermove', (e) => { const m = this.hit(e); if (m >= 0) this.onHover(m); });
    this.canvas.addEventListener('pointerleave', () => this.onLeave());
    this.canvas.addEventListener('click', (e) => { const m = this.hit(e); if (m >= 0) this.onPick(m); });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.resizer = new ResizeObserver(() => this.layout());
    this.resizer.observe(container);
    this.layout(container.clientWidth);
  }

  layout(width = this.root.parentElement?.clientWidth) {
    const { w, h, scale, maps } = this;
    const avail = Math.max(width || 0, (w + 1) * scale);
    const cols = Math.max(1, Math.min(maps, Math.floor((avail + scale) / ((w + 1) * scale))));
    if (cols === this.cols) return;
    this.cols = cols;
    this.rows = Math.ceil(maps / cols);
    const W = cols * (w + 1) - 1, H = this.rows * (h + 1) - 1;
    this.canvas.width = W;
    this.canvas.height = H;
    this.canvas.style.width = `${W * scale}px`;
    this.canvas.style.height = `${H * scale}px`;
    this.image = this.ctx.createImageData(W, H);
    const px = this.image.data;
    for (let i = 0; i < px.length; i += 4) { px[i] = GAP_RGB[0]; px[i + 1] = GAP_RGB[1]; px[i + 2] = GAP_RGB[2]; px[i + 3] = 255; }
    if (this.last) this.paint(...this.last);
    this.mark(this.marked);
  }

  paint(values, lut, lo, hi) {
    this.last = [values, lut, lo, hi];
    const { w, h, maps, cols } = this;
    const W = this.image.width;
    const px = this.image.data;
    for (let m = 0; m < maps; m++) {
      const x0 = (m % cols) * (w + 1), y0 = Math.floor(m / cols) * (h + 1);
      for (let y = 0; y < h; y++) paintValues(px.subarray(((y0 + y) * W + x0) * 4), values, (m * h + y) * w, w, lut, lo, hi);
    }
    this.ctx.putImageData(this.image, 0, 0);
  }

  /** The map under a pointer event, or -1 (a gap or outside). */
  hit(e) {
    const r = this.canvas.getBoundingClientRect();
    const x = Math.floor(((e.clientX - r.left) / r.width) * this.canvas.width);
    const y = Math.floor(((e.clientY - r.top) / r.height) * this.canvas.height);
    const col = Math.floor(x / (this.w + 1)), row = Math.floor(y / (this.h + 1));
    if (x % (this.w + 1) === this.w || y % (this.h + 1) === this.h || col >= this.cols) return -1;
    const m = row * this.cols + col;
    return m < this.maps ? m : -1;
  }

  onKey(e) {
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: this.cols, ArrowUp: -this.cols }[e.key];
    if (step) {
      this.focusMap = Math.min(this.maps - 1, Math.max(0, this.focusMap + step));
      this.onHover(this.focusMap);
      e.preventDefault();
    } else if (e.key === 'Enter' || e.key === ' ') {
      this.onPick(this.focusMap);
      e.preventDefault();
    }
  }

  /** Outlines map m (or nothing for -1). */
  mark(m) {
    this.marked = m;
    if (m < 0 || m >= this.maps || !this.cols) { this.marker.hidden = true; return; }
    const { w, h, scale, cols } = this;
    this.marker.hidden = false;
    Object.assign(this.marker.style, {
      left: `${(m % cols) * (w + 1) * scale}px`, top: `${Math.floor(m / cols) * (h + 1) * scale}px`,
      width: `${w * scale}px`, height: `${h * scale}px`,
    });
  }

  destroy() {
    this.resizer.disconnect();
    this.root.remove();
  }
}
