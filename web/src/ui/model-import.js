// "Your own model": a .onnx or .cnnm file dropped anywhere on the page (or
// picked with the button) becomes the Playground's model, with the input
// normalisation and labels typed beside it. Pictures are the photo input's
// (its drop target, the draw section, takes them first); a picture dragged
// anywhere else on the page is refused (the browser would open it in place of
// the page, and what the learner did there would be lost), and a file the
// photo input already answered is not answered twice.
// Given a container and options { lang, playground, page (the element or
// document that takes drops; none: only the picker) }.
import { el, formatNumber } from './dom.js';
import { t } from './i18n.js';
import { MODEL_FILE_PATTERN, SourceError, parseNormalize, parseLabelList } from './model-source.js';

export class ModelImport {
  constructor(container, options = {}) {
    this.lang = options.lang ?? 'en';
    this.playground = options.playground;
    this.page = options.page ?? null;
    this.state = null;  // { key, params, error } of the status line
    const field = (testid) => el('input', { type: 'text', class: 'mi-field', 'data-testid': testid, spellcheck: 'false', autocomplete: 'off' });
    this.normalize = field('model-normalize');
    this.normalize.placeholder = '(0.1307,), (0.3081,)';
    this.labels = field('model-labels');
    this.file = el('input', { type: 'file', accept: '.onnx,.cnnm', class: 'mi-file', 'data-testid': 'model-file',
      onchange: () => { if (this.file.files[0]) this.open(this.file.files[0]); this.file.value = ''; } });
    this.pick = el('button', { type: 'button', class: 'mi-pick', onclick: () => this.file.click() });
    this.title = el('h3');
    this.intro = el('p', { class: 'mi-intro' });
    this.dropText = el('span', { class: 'mi-drop-text' });
    this.drop = el('div', { class: 'mi-drop', 'data-testid': 'model-drop' }, this.pick, this.file, this.dropText);
    this.normLabel = el('span');
    this.normHint = el('small');
    this.labelsLabel = el('span');
    this.labelsHint = el('small');
    this.status = el('p', { class: 'mi-status', role: 'status', 'data-testid': 'model-import-status' });
    this.root = el('div', { class: 'mi', 'data-testid': 'model-import' },
      this.title, this.intro, this.drop,
      el('div', { class: 'mi-options' },
        el('label', { class: 'mi-option' }, this.normLabel, this.normalize, this.normHint),
        el('label', { class: 'mi-option' }, this.labelsLabel, this.labels, this.labelsHint)),
      this.status);
    container.append(this.root);
    if (this.page) this.listen(this.page);
    this.texts();
  }

  setLang(lang) {
    this.lang = lang;
    this.texts();
  }

  texts() {
    const L = this.lang;
    this.title.textContent = t(L, 'import.title');
    this.intro.textContent = t(L, 'import.intro');
    this.pick.textContent = t(L, 'import.pick');
    this.dropText.textContent = t(L, 'import.dropHere');
    this.normLabel.textContent = t(L, 'import.normalize');
    this.normHint.textContent = t(L, 'import.normalizeHint');
    this.labelsLabel.textContent = t(L, 'import.labels');
    this.labelsHint.textContent = t(L, 'import.labelsHint');
    const s = this.state;
    const params = s && Object.fromEntries(Object.entries(s.params ?? {}).map(([k, v]) => [k, typeof v === 'number' ? formatNumber(v, L) : v]));
    if (s?.failure) params.message = this.playground.errorMessage(s.failure);
    this.status.textContent = !s ? '' : t(L, s.key, params);
    this.status.classList.toggle('error', !!s?.error);
  }

  /** The status line: a text key and its params; `failure` (an error) is said in the reader's language as {message}. */
  say(key, params, error = false, failure = null) {
    this.state = { key, params, error, failure };
    this.texts();
  }

  /** Takes drops of model files on `target` (the page); shows the drop target while one is dragged over it. */
  listen(target) {
    const isFileDrag = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
    const carriesFiles = (e) => isFileDrag(e)
      && ![...(e.dataTransfer?.items ?? [])].some((i) => i.kind === 'file' && i.type.startsWith('image/'));
    let depth = 0;
    const show = (on) => this.root.classList.toggle('is-dragging', on);
    this.handlers = {
      dragenter: (e) => { if (carriesFiles(e)) { depth++; show(true); } },
      dragleave: (e) => { if (carriesFiles(e) && --depth <= 0) { depth = 0; show(false); } },
      dragover: (e) => {
        if (carriesFiles(e)) {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        } else if (isFileDrag(e) && !e.defaultPrevented) {  // a picture away from the photo input's target
          e.preventDefault();
          e.dataTransfer.dropEffect = 'none';
        }
      },
      drop: (e) => {
        depth = 0;
        show(false);
        if (e.defaultPrevented || !isFileDrag(e)) return;  // taken by the photo input, or no file
        e.preventDefault();  // never the browser's to open
        const files = [...(e.dataTransfer?.files ?? [])].filter((f) => !f.type.startsWith('image/'));
        if (!files.length) return;
        const model = files.find((f) => MODEL_FILE_PATTERN.test(f.name));
        if (model) this.open(model);
        else this.say('import.notModel', { file: files[0].name }, true);
      },
    };
    for (const [type, fn] of Object.entries(this.handlers)) target.addEventListener(type, fn);
    this.target = target;
  }

  /** Opens a model file (a File or Blob with a name) with the options typed beside it. */
  async open(file) {
    const name = file.name || 'model';
    let normalize, labels;
    try {
      const n = this.normalize.value.trim();
      normalize = n === '' ? undefined : parseNormalize(n, t(this.lang, 'import.normalize'));
      labels = parseLabelList(this.labels.value, t(this.lang, 'import.labels')) ?? undefined;
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      this.say(e.key, e.params, true);
      return;
    }
    this.say('import.opening', { file: name });
    const bytes = new Uint8Array(await file.arrayBuffer());
    const failure = await this.playground.openEntry({
      key: `file:${name}`, name, bytes, what: `“${name}”`, normalize, labels, labelsWhat: t(this.lang, 'import.labels'),
    });
    const net = this.playground.net;
    if (failure) this.say('import.failed', { file: name }, true, failure);
    else if (net) this.say('import.opened', { file: name, layers: net.layers.length, params: net.paramCount });
  }

  destroy() {
    if (this.target) for (const [type, fn] of Object.entries(this.handlers)) this.target.removeEventListener(type, fn);
    this.root.remove();
  }
}
