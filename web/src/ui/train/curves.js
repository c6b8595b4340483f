// A line chart of training curves on one canvas: several series of points
// { step, images, value }, against steps or images seen, redrawn at most once
// per animation frame. Given a container and options { title, percent
// (values in 0..1 shown as %), xLabel }. No engine, no text of its own.
import { el } from '../dom.js';

export class CurveChart {
  constructor(container, { title = '', percent = false, testid } = {}) {
    this.percent = percent;
    this.series = [];
    this.xKey = 'step';
    this.xLabel = '';
    this.heading = el('h4', { text: title });
    this.canvas = el('canvas', { class: 'train-chart', width: 420, height: 200, 'data-testid': testid });
    this.legend = el('p', { class: 'train-legend' });
    this.root = el('figure', { class: 'train-curve' }, this.heading, this.canvas, this.legend);
    container.append(this.root);
    this.frame = 0;
  }

  setTitle(title) {
    this.heading.textContent = title;
  }

  /** series: [{ label, color, dashed?, points: [{ step, images, value }] }] (kept by reference) */
  setSeries(series) {
    this.series = series;
    this.draw();
  }

  /** 'step' or 'images', and its axis label. */
  setX(key, label) {
    this.xKey = key;
    this.xLabel = label;
    this.draw();
  }

  draw() {
    if (this.frame) return;
    const paint = () => {
      this.frame = 0;
      this.paint();
    };
    this.frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(paint) : (paint(), 0);
  }

  paint() {
    const c = this.canvas;
    const ctx = c.getContext('2d');
    const w = c.width;
    const h = c.height;
    const style = getComputedStyle(c);
    const ink = style.color || '#333';
    ctx.clearRect(0, 0, w, h);
    const left = 44;
    const bottom = 24;
    const right = 8;
    const top = 8;
    let xMax = 1;
    let yMax = this.percent ? 1 : 0;
    for (const s of this.series) {
      for (const p of s.points) {
        xMax = Math.max(xMax, p[this.xKey]);
        if (!this.percent && Number.isFinite(p.value)) yMax = Math.max(yMax, p.value);
      }
    }
    if (!this.percent) yMax = yMax > 0 ? yMax * 1.05 : 1;
    const X = (x) => left + ((w - left - right) * x) / xMax;
    const Y = (y) => h - bottom - ((h - top - bottom) * Math.min(y, yMax)) / yMax;
    ctx.strokeStyle = ink;
    ctx.globalAlpha = 0.25;
    ctx.lineWidth = 1;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = ink;
    for (let k = 0; k <= 4; k++) {
      const y = (yMax * k) / 4;
      ctx.beginPath();
      ctx.moveTo(left, Y(y));
      ctx.lineTo(w - right, Y(y));
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.fillText(this.percent ? `${Math.round(100 * y)}%` : y.toFixed(y < 1 ? 2 : 1), 2, Y(y) + 4);
      ctx.globalAlpha = 0.25;
    }
    ctx.globalAlpha = 1;
    ctx.fillText(`${this.xLabel} ${Math.round(xMax).toLocaleString()}`, w - right - 120, h - 6);
    for (const s of this.series) {
      if (!s.points.length) continue;
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.6;
      ctx.setLineDash(s.dashed ? [5, 3] : []);
      ctx.beginPath();
      s.points.forEach((p, i) => (i ? ctx.lineTo(X(p[this.xKey]), Y(p.value)) : ctx.moveTo(X(p[this.xKey]), Y(p.value))));
      ctx.stroke();
      if (s.points.length === 1) {  // one point is no line yet: a dot
        ctx.fillStyle = s.color;
        ctx.beginPath();
        ctx.arc(X(s.points[0][this.xKey]), Y(s.points[0].value), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    ctx.setLineDash([]);
    // the legend is rebuilt only when it changes: new nodes on every frame would lay the page out again
    const legendKey = JSON.stringify(this.series.map((s) => [s.label, s.color, !!s.dashed]));
    if (legendKey !== this.legendKey) {
      this.legendKey = legendKey;
      this.legend.replaceChildren(...this.series.map((s) => el('span', { class: 'train-key' },
        el('span', { class: `train-swatch${s.dashed ? ' dashed' : ''}`, style: { borderColor: s.color } }), s.label)));
    }
  }
}
