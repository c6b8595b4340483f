// The input of a model that the draw pad cannot give (colour images, or
// greyscale of another size than 28x28): says so, and takes a picked image
// instead, resized to the model's height and width (the browser's own
// scaling) and read as C x H x W values from 0 to 1 (greyscale as the mean
// of red, green and blue). Given a container and options { lang,
// onImage(image) }; setShape([c, h, w]) says which input it gives.
import { el, pixelCanvas } from './dom.js';
import { t } from './i18n.js';

export class ImageInput {
  constructor(container, options = {}) {
    this.lang = options.lang ?? 'en';
    this.onImage = options.onImage ?? (() => {});
    this.shape = [3, 32, 32];
    this.image = null;
    this.error = '';
    this.note = el('p', { class: 'img-in-note' });
    this.file = el('input', { type: 'file', accept: 'image/*', class: 'img-in-file', 'data-testid': 'image-input',
      onchange: () => this.file.files[0] && this.read(this.file.files[0]) });
    this.button = el('button', { type: 'button', onclick: () => this.file.click() });
    this.preview = pixelCanvas(32, 32, 'img-in-preview');
    this.caption = el('p', { class: 'img-in-caption' });
    this.root = el('div', { class: 'img-in', 'data-testid': 'image-input-box', hidden: true },
      this.note, el('div', { class: 'img-in-row' }, this.button, this.file), this.preview, this.caption);
    container.append(this.root);
    this.texts();
  }

  setLang(lang) {
    this.lang = lang;
    this.texts();
  }

  /** Shows the piece for a model input [c, h, w] (null hides it), and forgets the picked image. */
  setShape(shape) {
    this.root.hidden = !shape;
    if (!shape) return;
    this.shape = shape;
    this.image = null;
    this.error = '';
    this.preview.width = shape[2];
    this.preview.height = shape[1];
    this.preview.getContext('2d').clearRect(0, 0, shape[2], shape[1]);
    this.file.value = '';
    this.texts();
  }

  texts() {
    const L = this.lang;
    const [c, h, w] = this.shape;
    this.note.textContent = t(L, 'input.needsImage', { c, h, w, kind: t(L, c === 1 ? 'input.kind.grey' : 'input.kind.colour') });
    this.button.textContent = t(L, 'input.pick');
    this.caption.textContent = this.error ? t(L, 'input.failed', { message: this.error })
      : this.image ? t(L, 'input.picked', { w, h }) : t(L, 'input.none');
    this.caption.classList.toggle('error', !!this.error);
  }

  async read(file) {
    const [c, h, w] = this.shape;
    try {
      const bitmap = await createImageBitmap(file);
      const ctx = this.preview.getContext('2d', { willReadFrequently: true });
      ctx.clearRect(0, 0, w, h);
      ctx.drawImage(bitmap, 0, 0, w, h);
      bitmap.close?.();
      const rgba = ctx.getImageData(0, 0, w, h).data;
      this.image = imageToInput(rgba, c, h, w);
      this.error = '';
    } catch (e) {
      this.image = null;
      this.error = e?.message ?? String(e);
    }
    this.texts();
    if (this.image) this.onImage(this.image);
  }
}

/** RGBA bytes (h x w) as a C x H x W input from 0 to 1: red, green, blue planes, or their mean for one channel. */
export function imageToInput(rgba, c, h, w) {
  const out = new Float32Array(c * h * w);
  for (let i = 0; i < h * w; i++) {
    const r = rgba[4 * i] / 255, g = rgba[4 * i + 1] / 255, b = rgba[4 * i + 2] / 255;
    if (c === 1) out[i] = (r + g + b) / 3;
    else for (let k = 0; k < c; k++) out[k * h * w + i] = [r, g, b][Math.min(k, 2)];
  }
  return out;
}
