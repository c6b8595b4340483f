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
    this.strokes = [];
    this.image = null;
    this.active = null;
    this.changed(performance.now());
  }

  undo() {
    if (!this.strokes.length) return;
    this.strokes.pop();
    this.active = null;
    this.changed(performance.now());
  }

  /** Replaces the drawing with the given strokes (arrays of [x, y] in pad units). */
  setStrokes(strokes) {
    this.image = null;
    this.strokes = strokes.map((s) => s.map(([x, y]) => [x, y]));
    this.active = null;
    this.changed(performance.now());
  }

  /** Shows a picture (w x h intensities in [0, 1]) instead of strokes, e.g. a real MNIST digit. */
  setImage(data, w, h) {
    this.strokes = [];
    this.active = null;
    this.image = { data: Float32Array.from(data), w, h };
    this.changed(performance.now());
  }

  changed(time) {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.redraw(); });
    this.dispatchEvent(new CustomEvent('change', { detail: { time } }));
  }

  /** Draws the strokes, smoothed through the midpoints of successive points. */
  paint(ctx, side, colour) {
    ctx.strokeStyle = ctx.fillStyle = colour;
    ctx.lineWidth = this.brush * side;
    ctx.lineCap = ctx.lineJoin = 'round';
    for (const pts of this.strokes) {
      const p = pts.map(([x, y]) => [x * side, y * side]);
      if (p.length === 1) {
        ctx.beginPath();
        ctx.arc(p[0][0], p[0][1], ctx.lineWidth / 2, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      ctx.beginPath();
      ctx.moveTo(p[0][0], p[0][1]);
      for (let i = 1; i < p.length - 1; i++) {
        ctx.quadraticCurveTo(p[i][0], p[i][1], (p[i][0] + p[i + 1][0]) / 2, (p[i][1] + p[i + 1][1]) / 2);
      }
      ctx.lineTo(p[p.length - 1][0], p[p.length - 1][1]);
      ctx.stroke();
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
    this.paint(ctx, side, this.colours.ink);
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
    this.paint(ctx, n, '#000');
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
