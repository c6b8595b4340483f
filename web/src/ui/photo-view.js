// A photo of a digit, made visible: the button that picks a picture or takes
// one with the phone's camera (<input type=file accept=image/* capture>),
// dropping a picture on a given element, and the stages of photo.js's
// readPhoto as small pictures with their numbers: the photo, grey, ink and
// paper, the lighting evened out, the threshold with the parts kept and
// dropped. The MNIST recipe after them is the PreprocessView's.
//
// Given containers { controls, stages } and options { lang, onFile(file) }.
// Files named as models (model-source.js's MODEL_FILE_PATTERN: .onnx, .cnnm)
// are not pictures: a drop of one is left to whoever reads models.
import { el, pixelCanvas, paintCanvas, formatNumber } from './dom.js';
import { colourTable } from './colormap.js';
import { t } from './i18n.js';
import { MODEL_FILE_PATTERN } from './model-source.js';

export class PhotoView {
  constructor(containers, options = {}) {
    this.lang = options.lang ?? 'en';
    this.onFile = options.onFile ?? (() => {});
    this.gray = colourTable('gray');
    this.photo = null;     // the reading shown
    this.busy = null;      // the name of a file being read
    this.problem = null;   // why the last file was refused: { key, params }
    // a picker (a phone offers its camera there too) and, on touch screens, a
    // button straight to the camera (capture: the back one)
    const fileButton = (cls, testid, capture) => {
      const input = el('input', {
        type: 'file', accept: 'image/*', capture, class: 'photo-input', 'data-testid': testid,
        onchange: () => {
          const file = input.files?.[0];
          input.value = '';  // the same file again is a new pick
          if (file) this.onFile(file);
        },
      });
      return { input, label: el('label', { class: `photo-open ${cls}` }, input, el('span')) };
    };
    this.picker = fileButton('photo-pick', 'photo-input', null);
    this.camera = fileButton('photo-camera', 'photo-camera', 'environment');
    // straight to the camera only where there is one in hand: a touch screen
    this.camera.label.hidden = !(globalThis.navigator?.maxTouchPoints > 0);
    this.hint = el('p', { class: 'photo-hint' });
    containers.controls.append(this.picker.label, this.camera.label);
    containers.hint?.append(this.hint);
    this.root = el('div', { class: 'photo', 'data-testid': 'photo', hidden: true });
    containers.stages.append(this.root);
    this.build();
  }

  setLang(lang) {
    this.lang = lang;
    this.build();
  }

  build() {
    const L = this.lang;
    for (const [b, key] of [[this.picker, 'photo.open'], [this.camera, 'photo.camera']]) {
      b.label.lastChild.textContent = t(L, key);
      b.label.title = t(L, `${key}Label`);
      b.input.setAttribute('aria-label', t(L, `${key}Label`));
    }
    this.hint.textContent = t(L, 'photo.hint');
    this.render();
  }

  /**
   * Reads pictures dropped on `target` (a drop of a model file is left
   * alone). Returns a function that stops listening.
   */
  listen(target) {
    const isPicture = (e) => [...(e.dataTransfer?.items ?? [])].some((i) => i.kind === 'file');
    const handlers = {
      dragover: (e) => {
        if (!isPicture(e)) return;
        e.preventDefault();
        target.classList.add('is-drop');
        target.dataset.dropText = t(this.lang, 'photo.drop');
      },
      dragleave: (e) => {
        if (!target.contains(e.relatedTarget)) target.classList.remove('is-drop');
      },
      drop: (e) => {
        target.classList.remove('is-drop');
        const file = e.dataTransfer?.files?.[0];
        if (!file || MODEL_FILE_PATTERN.test(file.name)) return;
        e.preventDefault();
        this.onFile(file);
      },
    };
    for (const [type, fn] of Object.entries(handlers)) target.addEventListener(type, fn);
    return () => { for (const [type, fn] of Object.entries(handlers)) target.removeEventListener(type, fn); };
  }

  /** A file is being read. */
  reading(name) {
    this.busy = name;
    this.problem = null;
    this.render();
  }

  /** A file was refused: problem { key, params } of i18n.js. The photo shown before, if any, stays. */
  refused(problem) {
    this.busy = null;
    this.problem = problem;
    this.render();
  }

  /** photo: readPhoto's result with { name, original }, or null to hide the stages. */
  update(photo) {
    this.busy = null;
    this.problem = null;
    this.photo = photo;
    this.render();
  }

  render() {
    const L = this.lang;
    const p = this.photo;
    this.root.hidden = !p && !this.busy && !this.problem;
    this.root.replaceChildren();
    this.root.dataset.state = this.problem ? 'refused' : this.busy ? 'reading' : p ? 'photo' : '';
    if (this.busy) this.root.append(el('p', { class: 'photo-note', role: 'status', text: t(L, 'photo.reading', { name: this.busy }) }));
    if (this.problem) {
      // numbers in the reader's language (20,000 / 20000)
      const params = Object.fromEntries(Object.entries(this.problem.params).map(([k, v]) =>
        [k, typeof v === 'number' ? formatNumber(v, L, Number.isInteger(v) ? 0 : 1) : v]));
      this.root.append(el('p', { class: 'photo-note error', role: 'alert', 'data-testid': 'photo-error' },
        t(L, this.problem.key, params), ' ', t(L, 'photo.refusedNote')));
    }
    this.root.dataset.found = p ? String(p.found) : '';
    this.root.dataset.ink = p ? (p.polarity.darkInk ? 'dark' : 'light') : '';
    if (!p) return;
    const stage = (cls, canvas, caption) => el('figure', { class: `photo-stage ${cls}` },
      el('div', { class: 'photo-pic' }, canvas), el('figcaption', { text: caption }));
    const arrow = () => el('span', { class: 'prep-arrow', 'aria-hidden': 'true', text: '→' });
    const grey = (values) => {
      const c = pixelCanvas(p.w, p.h, 'photo-canvas');
      paintCanvas(c, values, 0, p.w, p.h, this.gray, 0, 1);
      return c;
    };
    const photo = pixelCanvas(p.w, p.h, 'photo-canvas');
    photo.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(p.rgba), p.w, p.h), 0, 0);
    const n = (v) => formatNumber(v, L);
    const stages = [
      stage('photo-original', photo, t(L, 'photo.stage.photo', { w: n(p.original.w), h: n(p.original.h), ww: n(p.w), wh: n(p.h) })),
      stage('photo-grey', grey(p.grey), t(L, 'photo.stage.grey')),
      stage('photo-turned', grey(p.turned), t(L, p.polarity.darkInk ? 'photo.stage.darkInk' : 'photo.stage.lightInk')),
      stage('photo-level', grey(p.levelled), t(L, 'photo.stage.level')),
      stage('photo-threshold', this.partsCanvas(p), t(L, 'photo.stage.threshold', { t: formatNumber(100 * p.threshold, L) })),
    ];
    const px = (v) => formatNumber(v, L, v < 10 ? 1 : 0);
    const verdict = p.found
      ? [t(L, 'photo.found'), p.stroke.thickenedTo ? t(L, 'photo.thickened',
        { width: px(p.stroke.width), digit: px(p.stroke.digit), to: px(p.stroke.thickenedTo) }) : ''].filter(Boolean).join(' ')
      : t(L, `photo.why.${p.reason}`, {
        contrast: formatNumber(100 * (p.stats.contrast ?? 0), L, 1),
        percent: formatNumber(100 * p.stats.inkAll, L), n: p.reason === 'marks' ? p.stats.marks : p.stats.sizeable ?? 0,
      });
    this.root.append(
      el('h3', { text: t(L, 'photo.title', { name: p.name }) }),
      el('div', { class: 'photo-stages' }, stages.flatMap((f, i) => (i ? [arrow(), f] : [f]))),
      el('p', { class: `photo-verdict${p.found ? '' : ' is-none'}`, 'data-testid': 'photo-verdict', text: verdict }));
  }

  /** The threshold's ink: kept parts white, dropped ones orange, the digit's box dashed. */
  partsCanvas(p) {
    const c = pixelCanvas(p.w, p.h, 'photo-canvas');
    const ctx = c.getContext('2d');
    const img = ctx.createImageData(p.w, p.h);
    for (let i = 0; i < p.labels.length; i++) {
      const id = p.labels[i];
      const rgb = !id ? [0, 0, 0] : p.kept.has(id) ? [255, 255, 255] : [224, 130, 20];
      img.data.set([...rgb, 255], 4 * i);
    }
    ctx.putImageData(img, 0, 0);
    if (p.box) {
      ctx.strokeStyle = '#4393c3';
      ctx.lineWidth = Math.max(1, Math.round(p.w / 120));
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(p.box.x - 1.5, p.box.y - 1.5, p.box.w + 3, p.box.h + 3);
    }
    return c;
  }

  destroy() {
    this.root.remove();
    this.picker.label.remove();
    this.camera.label.remove();
    this.hint.remove();
  }
}
