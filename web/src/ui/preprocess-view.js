// Preprocessing made visible: crop to the ink -> fit into 20x20 -> centre of
// mass to the centre of 28x28, each stage a small picture with its numbers,
// a switch to turn the recipe off, and the 28x28 image the network receives;
// for a model with an input normalisation (setNormalize: PyTorch's
// transforms.Normalize(mean, std)), one more stage: that image as the network
// takes it, (x - mean) / std, in the signed colour map.
// Given a container and options { lang, centre, onToggle(centre) }.
import { el, pixelCanvas, paintCanvas, formatNumber, formatValue } from './dom.js';
import { normalizeInput } from './model-source.js';
import { colourTable } from './colormap.js';
import { t } from './i18n.js';

const ZOOM = 6;  // the network's input is drawn at 28 * 6 px, with markers

export class PreprocessView {
  constructor(container, options = {}) {
    this.lang = options.lang ?? 'en';
    this.centre = options.centre ?? true;
    this.onToggle = options.onToggle ?? (() => {});
    this.gray = colourTable('gray');
    this.diverging = colourTable('diverging');
    this.normalize = null;
    this.root = el('div', { class: 'prep' });
    container.append(this.root);
    this.last = null;
    this.build();
  }

  setLang(lang) {
    this.lang = lang;
    this.build();
  }

  build() {
    this.root.replaceChildren();
    const id = `prep-switch-${Math.random().toString(36).slice(2, 8)}`;
    this.toggle = el('input', { type: 'checkbox', id, checked: this.centre, 'data-testid': 'preprocess-toggle',
      onchange: () => { this.centre = this.toggle.checked; this.onToggle(this.centre); } });
    const stage = (cls) => {
      const pic = el('div', { class: 'prep-pic' });
      const cap = el('figcaption');
      const fig = el('figure', { class: `prep-stage ${cls}` }, pic, cap);
      return { fig, pic, cap };
    };
    this.crop = stage('prep-crop');
    this.fit = stage('prep-fit');
    this.input = stage('prep-input');
    this.norm = stage('prep-norm');
    this.norm.fig.dataset.testid = 'prep-normalize';
    this.normCanvas = pixelCanvas(28, 28, 'prep-canvas');
    this.norm.pic.append(this.normCanvas);
    this.normArrow = el('span', { class: 'prep-arrow', 'aria-hidden': 'true', text: '→' });
    this.norm.fig.hidden = this.normArrow.hidden = !this.normalize;
    this.cropCanvas = pixelCanvas(1, 1, 'prep-canvas');
    this.fitCanvas = pixelCanvas(20, 20, 'prep-canvas');
    this.inputCanvas = pixelCanvas(28 * ZOOM, 28 * ZOOM, 'prep-canvas prep-big');
    this.inputCanvas.dataset.testid = 'network-input';
    this.crop.pic.append(this.cropCanvas);
    this.fit.pic.append(this.fitCanvas);
    this.input.pic.append(this.inputCanvas);
    this.root.append(
      el('div', { class: 'prep-head' },
        el('h3', { text: t(this.lang, 'prep.title') }),
        el('label', { class: 'switch', for: id }, this.toggle, el('span', { text: t(this.lang, 'prep.switch') }))),
      el('div', { class: 'prep-stages' },
        this.crop.fig, el('span', { class: 'prep-arrow', 'aria-hidden': 'true', text: '→' }),
        this.fit.fig, el('span', { class: 'prep-arrow', 'aria-hidden': 'true', text: '→' }),
        this.input.fig, this.normArrow, this.norm.fig),
      el('p', { class: 'prep-legend' },
        el('span', { class: 'mark mark-centre', 'aria-hidden': 'true' }), t(this.lang, 'prep.centreMark'), ' ',
        el('span', { class: 'mark mark-com', 'aria-hidden': 'true' }), t(this.lang, 'prep.comMark')));
    if (this.last) this.update(this.last.result, this.last.ink, this.last.inkSize, this.last.sample);
    else this.update(null);
  }

  /** The caption under a shipped image ('prep.sample' for MNIST, 'prep.sampleFashion'). */
  setSampleCaption(key) {
    this.sampleKey = key;
  }

  /** The model's input normalisation ({ mean, std } or null): its stage shows only when there is one. */
  setNormalize(normalize) {
    this.normalize = normalize;
    this.norm.fig.hidden = this.normArrow.hidden = !normalize;
    if (this.last) this.update(this.last.result, this.last.ink, this.last.inkSize, this.last.sample);
  }

  setCentre(centre) {
    this.centre = centre;
    this.toggle.checked = centre;
  }

  /**
   * result: from mnistPreprocess (or null); ink: the inkSize^2 raster it came from;
   * sample: true when the input is a shipped, already preprocessed image.
   */
  update(result, ink, inkSize, sample = false) {
    this.last = { result, ink, inkSize, sample };
    const L = this.lang;
    const empty = !result || result.empty;
    const off = !empty && !result.centred;
    this.root.classList.toggle('is-off', off || sample);
    this.root.classList.toggle('is-empty', empty);
    // 1. crop
    if (!empty && !sample && result.box) {
      const b = result.box;
      const crop = new Float32Array(b.w * b.h);
      for (let y = 0; y < b.h; y++) crop.set(ink.subarray((b.y + y) * inkSize + b.x, (b.y + y) * inkSize + b.x + b.w), y * b.w);
      paintCanvas(this.cropCanvas, crop, 0, b.w, b.h, this.gray, 0, 1);
      this.cropCanvas.style.aspectRatio = `${b.w} / ${b.h}`;
      this.cropCanvas.classList.toggle('is-tall', b.h >= b.w);
      this.crop.cap.textContent = t(L, 'prep.crop', { w: b.w, h: b.h, size: inkSize });
    } else {
      paintCanvas(this.cropCanvas, new Float32Array(1), 0, 1, 1, this.gray, 0, 1);
      this.crop.cap.textContent = t(L, 'prep.crop.none');
    }
    // 2. fit into 20x20
    const fitted = !empty && !sample && result.fitted;
    const box = new Float32Array(400);
    if (fitted) {
      const { w, h, data } = result.fitted;
      const ox = Math.floor((20 - w) / 2), oy = Math.floor((20 - h) / 2);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) box[(y + oy) * 20 + x + ox] = data[y * w + x];
      this.fit.cap.textContent = t(L, 'prep.fit', { w, h });
    } else {
      this.fit.cap.textContent = t(L, 'prep.fit.none');
    }
    paintCanvas(this.fitCanvas, box, 0, 20, 20, this.gray, 0, 1);
    // 3. the 28x28 input, with the centre and the centre of mass marked
    const image = result?.image ?? new Float32Array(784);
    this.drawInput(image, result?.comAfter ?? null);
    if (sample) this.input.cap.textContent = t(L, this.sampleKey ?? 'prep.sample');
    else if (empty) this.input.cap.textContent = t(L, 'prep.input.empty');
    else if (off) this.input.cap.textContent = t(L, 'prep.off');
    else this.input.cap.textContent = t(L, 'prep.input', { dx: signed(result.offset.x, L), dy: signed(result.offset.y, L) });
    // 4. as the network takes it, normalised
    if (this.normalize) {
      const x = normalizeInput(image, this.normalize, 1);
      let lo = Infinity, hi = -Infinity;
      for (const v of x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      const m = Math.max(Math.abs(lo), Math.abs(hi), 1e-6);  // 0 is white, as in the layer views
      paintCanvas(this.normCanvas, x, 0, 28, 28, this.diverging, -m, m);
      this.norm.cap.textContent = t(L, 'prep.normalize', {
        mean: shortNumber(this.normalize.mean[0]), std: shortNumber(this.normalize.std[0]),
        min: formatValue(lo, 'decimals'), max: formatValue(hi, 'decimals') });
      this.norm.fig.dataset.min = String(lo);
      this.norm.fig.dataset.max = String(hi);
    }
  }

  drawInput(image, com) {
    const small = pixelCanvas(28, 28);
    paintCanvas(small, image, 0, 28, 28, this.gray, 0, 1);
    const ctx = this.inputCanvas.getContext('2d');
    const S = 28 * ZOOM;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, S, S);
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(255,255,255,0.18)';
    for (let i = 1; i < 28; i++) {
      ctx.beginPath(); ctx.moveTo(i * ZOOM + 0.5, 0); ctx.lineTo(i * ZOOM + 0.5, S); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(0, i * ZOOM + 0.5); ctx.lineTo(S, i * ZOOM + 0.5); ctx.stroke();
    }
    // the centre (blue) and the centre of mass (orange); pixel x's centre is at (x + 0.5) * ZOOM
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#4393c3';
    ctx.beginPath(); ctx.moveTo(S / 2, S / 2 - 12); ctx.lineTo(S / 2, S / 2 + 12); ctx.moveTo(S / 2 - 12, S / 2); ctx.lineTo(S / 2 + 12, S / 2); ctx.stroke();
    if (com) {
      const x = (com.x + 0.5) * ZOOM, y = (com.y + 0.5) * ZOOM;
      ctx.strokeStyle = '#e08214';
      ctx.beginPath(); ctx.arc(x, y, 6, 0, 2 * Math.PI); ctx.stroke();
    }
  }
}

/** A float32 as it was written (0.1307, not 0.1307000070810318). */
function shortNumber(v) {
  return String(Number(v.toPrecision(6)));
}

function signed(v, lang) {
  return (v > 0 ? '+' : v < 0 ? '−' : '') + formatNumber(Math.abs(v), lang);
}
