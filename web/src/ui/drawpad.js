// The draw pad: a square canvas that takes pointer events (mouse, touch and
// pen alike) and keeps the drawing as strokes of points in pad units (0..1),
// so it can be redrawn at any size, undone stroke by stroke, and rasterised
// into a fixed-size ink image for preprocessing.
//
// Events (on the instance, an EventTarget): 'change' with detail { time }
// (the pointer event's timestamp, for latency) whenever the ink changes.
//
// The brush is a fixed fraction of the pad (0.08 by default): a digit drawn
// about 70% of the pad tall then has strokes about 2.3 px wide once scaled to
// MNIST's 20 px box, as MNIST's have. Pressure is ignored for the same reason.

export class DrawPad extends EventTarget {
  /**
   * container: the element to fill. Options: brush (fraction of the pad),
   * inkSize (side of the ink raster), label (accessible name), ink / paper colours.
   */
  constructor(container, options = {}) {
    super();
    this.brush = options.brush ?? 0.08;
    this.inkSize = options.inkSize ?? 140;
    this.colours = { ink: options.ink ?? '#1b1b1f', paper: options.paper ?? '#ffffff', box: options.box ?? '#e08214' };
    this.strokes = [];
    this.active = null;      // { pointerId, points }
    this.overlay = null;     // { box: {x,y,w,h} in ink pixels } drawn over the strokes
    this.image = null;       // { data, w, h }: a loaded picture (e.g. a real MNIST digit) instead of strokes
    this.frame = 0;
    this.version = 0;        // bumps when strokes are replaced or removed (not when one grows)
    this.viewCache = new StrokeCache();
    this.inkCache = new StrokeCache();

    this.canvas = document.createElement('canvas');
    this.canvas.className = 'drawpad-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    if (options.label) this.canvas.setAttribute('aria-label', options.label);
    container.append(this.canvas);
    this.ctx = this.canvas.getContext('2d');

    this.inkCanvas = document.createElement('canvas');
    this.inkCanvas.width = this.inkCanvas.height = this.inkSize;
    this.inkCtx = this.inkCanvas.getContext('2d', { willReadFrequently: true });

    this.handlers = {
      pointerdown: (e) => this.onDown(e),
      pointermove: (e) => this.onMove(e, false),
      // Chromium's pointerrawupdate arrives as soon as the pointer moves, up to
      // a frame before the frame-aligned pointermove: the network can then
      // answer in time for the frame that shows the stroke
      pointerrawupdate: (e) => this.onMove(e, true),
      pointerup: (e) => this.onUp(e),
      pointercancel: (e) => this.onUp(e),
      lostpointercapture: (e) => this.onUp(e),
    };
    // in a frame Chromium gives pointerrawupdate the top page's coordinates
    // (its pointermove events are right): there the pad reads pointermove only
    const win = container.ownerDocument?.defaultView;
    if (win && win.top !== win) delete this.handlers.pointerrawupdate;
    for (const [type, fn] of Object.entries(this.handlers)) this.canvas.addEventListener(type, fn);
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(this.canvas);
    this.resize();
  }

  get isEmpty() {
    return this.strokes.length === 0 && !this.image;
  }

  setLabel(label) {
    this.canvas.setAttribute('aria-label', label);
  }

  resize() {
    const dpr = globalThis.devicePixelRatio || 1;
    const side = Math.max(1, Math.round((this.canvas.clientWidth || 280) * dpr));
    if (this.canvas.width !== side) {
      this.canvas.width = this.canvas.height = side;
      this.redraw();
    }
  }

  point(e) {
    const r = this.rect;
    return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
  }

  onDown(e) {
    if (this.active || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    this.canvas.focus({ preventScroll: true });
    this.image = null;  // drawing starts afresh over a loaded picture
    try { this.canvas.setPointerCapture(e.pointerId); } catch { /* synthetic events have no capture */ }
    this.rect = this.canvas.getBoundingClientRect();
    this.active = { pointerId: e.pointerId, points: [this.point(e)], raw: false };
    this.strokes.push(this.active.points);
    this.changed(e.timeStamp);
  }

  onMove(e, raw) {
    if (!this.active || e.pointerId !== this.active.pointerId) return;
    if (!raw) e.preventDefault();
    // points come from the raw updates when the browser sends them, else from pointermove
    if (raw) this.active.raw = true;
    else if (this.active.raw) return;
    const events = e.getCoalescedEvents?.() ?? [];
    for (const c of events.length ? events : [e]) this.active.points.push(this.point(c));
    this.changed(e.timeStamp);
  }

  onUp(e) {
    if (!this.active || e.pointerId !== this.active.pointerId) return;
    this.active = null;
    try { this.canvas.releasePointerCapture(e.pointerId); } catch { /* already released */ }
  }

  clear() {
    this.version++;
    this.strokes = [];
    this.image = null;
    this.active = null;
    this.changed(performance.now());
  }

  undo() {
    if (!this.strokes.length) return;
    this.version++;
    this.strokes.pop();
    this.active = null;
    this.changed(performance.now());
  }

  /** Replaces the drawing with the given strokes (arrays of [x, y] in pad units). */
  setStrokes(strokes) {
    this.version++;
    this.image = null;
    this.strokes = strokes.map((s) => s.map(([x, y]) => [x, y]));
    this.active = null;
    this.changed(performance.now());
  }

  /** Shows a picture (w x h intensities in [0, 1]) instead of strokes, e.g. a real MNIST digit. */
  setImage(data, w, h) {
    this.version++;
    this.strokes = [];
    this.active = null;
    this.image = { data: Float32Array.from(data), w, h };
    this.changed(performance.now());
  }

  changed(time) {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.redraw(); });
    this.dispatchEvent(new CustomEvent('change', { detail: { time } }));
  }

  /**
   * Draws the strokes onto ctx, smoothed through the midpoints of successive
   * points. What can no longer change (every stroke but the last, and the
   * last one's segments up to a midpoint, in chunks) is kept in `cache` and
   * only new segments are painted there, so an update costs the same however
   * long the drawing grows.
   */
  paint(ctx, side, colour, cache) {
    const style = (c) => {
      c.strokeStyle = c.fillStyle = colour;
      c.lineWidth = this.brush * side;
      c.lineCap = c.lineJoin = 'round';
    };
    if (cache.version !== this.version || cache.side !== side || cache.colour !== colour) {
      cache.reset(side, this.version, colour);
      style(cache.ctx);
    }
    const last = this.strokes.length - 1;
    for (let s = cache.done.length; s <= last; s++) cache.done.push({ seg: 0, closed: false });
    for (let s = 0; s <= last; s++) {
      const state = cache.done[s];
      if (state.closed) continue;
      const pts = this.strokes[s];
      const end = pts.length - 2;  // the last quadratic segment whose end (a midpoint) is fixed
      if (s < last) {
        strokePath(cache.ctx, pts, side, state.seg, end, true);
        state.closed = true;
      } else if (end - state.seg >= COMMIT_SEGMENTS) {
        strokePath(cache.ctx, pts, side, state.seg, end, false);
        state.seg = end;
      }
    }
    ctx.drawImage(cache.canvas, 0, 0);
    if (last >= 0) {
      style(ctx);
      strokePath(ctx, this.strokes[last], side, cache.done[last].seg, this.strokes[last].length - 2, true);
    }
  }

  paintImage(ctx, side) {
    const { data, w, h } = this.image;
    const small = document.createElement('canvas');
    small.width = w; small.height = h;
    const sctx = small.getContext('2d');
    const img = sctx.createImageData(w, h);
    const ink = parseInt(this.colours.ink.slice(1), 16), paper = parseInt(this.colours.paper.slice(1), 16);
    for (let i = 0; i < w * h; i++) {
      const v = Math.min(1, Math.max(0, data[i]));
      for (let c = 0; c < 3; c++) {
        const shift = 16 - 8 * c;
        img.data[i * 4 + c] = ((paper >> shift) & 255) * (1 - v) + ((ink >> shift) & 255) * v;
      }
      img.data[i * 4 + 3] = 255;
    }
    sctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, side, side);
  }

  redraw() {
    const { ctx } = this;
    const side = this.canvas.width;
    ctx.fillStyle = this.colours.paper;
    ctx.fillRect(0, 0, side, side);
    if (this.image) this.paintImage(ctx, side);
    this.paint(ctx, side, this.colours.ink, this.viewCache);
    const box = this.overlay?.box;
    if (box && this.strokes.length) {
      const s = side / this.inkSize;
      ctx.save();
      ctx.strokeStyle = this.colours.box;
      ctx.lineWidth = Math.max(1.5, side / 150);
      ctx.setLineDash([side / 40, side / 60]);
      ctx.strokeRect(box.x * s, box.y * s, box.w * s, box.h * s);
      ctx.restore();
    }
  }

  /** Shows the ink bounding box (ink-raster pixels) over the drawing, or nothing. */
  setOverlay(overlay) {
    this.overlay = overlay;
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.redraw(); });
  }

  /** The drawing as an inkSize x inkSize Float32Array of intensities in [0, 1]. */
  ink() {
    const n = this.inkSize;
    const ctx = this.inkCtx;
    ctx.clearRect(0, 0, n, n);
    this.paint(ctx, n, '#000', this.inkCache);
    const rgba = ctx.getImageData(0, 0, n, n).data;
    const out = new Float32Array(n * n);
    for (let i = 0; i < out.length; i++) out[i] = rgba[i * 4 + 3] / 255;
    return out;
  }

  destroy() {
    this.resizer.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    for (const [type, fn] of Object.entries(this.handlers)) this.canvas.removeEventListener(type, fn);
    this.canvas.remove();
  }
}

// Segments of the growing stroke committed to the cache at a time: few enough
// joins that the drawing looks as one path, few enough points redrawn per update.
const COMMIT_SEGMENTS = 64;

/**
 * Strokes the part of a smoothed stroke (points in pad units, scaled by
 * `side`) from the end of quadratic segment `from` (its first point for 0) to
 * the end of segment `to`, and with `tail` the straight last piece to the
 * final point (a single point is a dot).
 */
function strokePath(ctx, pts, side, from, to, tail) {
  const n = pts.length;
  const x = (i) => pts[i][0] * side, y = (i) => pts[i][1] * side;
  if (n === 1) {
    if (!tail) return;
    ctx.beginPath();
    ctx.arc(x(0), y(0), ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
    return;
  }
  const midX = (i) => (x(i) + x(i + 1)) / 2, midY = (i) => (y(i) + y(i + 1)) / 2;
  ctx.beginPath();
  if (from === 0) ctx.moveTo(x(0), y(0)); else ctx.moveTo(midX(from), midY(from));
  for (let i = from + 1; i <= to; i++) ctx.quadraticCurveTo(x(i), y(i), midX(i), midY(i));
  if (tail) ctx.lineTo(x(n - 1), y(n - 1));
  ctx.stroke();
}

/** A transparent canvas holding the part of a drawing that no longer changes (see DrawPad.paint). */
class StrokeCache {
  constructor() {
    this.canvas = document.createElement('canvas');
    this.ctx = this.canvas.getContext('2d');
    this.reset(1, -1, '');
  }

  reset(side, version, colour) {
    this.canvas.width = this.canvas.height = side;  // also clears it
    this.side = side;
    this.version = version;
    this.colour = colour;
    this.done = [];  // per stroke: { seg: quadratic segments committed, closed: the whole stroke is }
  }
}
