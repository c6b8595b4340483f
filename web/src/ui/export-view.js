// Take the open network away from the page: its model file (.cnnm), its
// ONNX export (opset 13, engine/onnx_export.hpp) and the PyTorch program
// that builds the same nn.Sequential and loads the export's weights, with a
// copy button. The files are written by the engine in the Worker (its
// saveModel and exportOnnx ops); the file names come from the model's name.
// Given a container and options { lang, client }; setModel(net) with the
// Playground's open model (models.js openModel's answer), or null.
import { el, downloadBytes, fileName } from './dom.js';
import { t } from './i18n.js';
import { CodeListing } from './code-listing.js';
import { pytorchProgram } from './pytorch.js';

export class ExportView {
  constructor(container, { lang = 'en', client } = {}) {
    this.lang = lang;
    this.client = client;
    this.net = null;
    this.state = null;  // { key, params, error } of the last download
    this.title = el('h3');
    this.note = el('p', { class: 'export-note' });
    this.cnnmButton = el('button', { type: 'button', 'data-testid': 'export-cnnm', onclick: () => this.download('cnnm') });
    this.onnxButton = el('button', { type: 'button', 'data-testid': 'export-onnx', onclick: () => this.download('onnx') });
    this.status = el('p', { class: 'export-status', role: 'status', 'data-testid': 'export-status' });
    this.root = el('div', { class: 'export', 'data-testid': 'export' }, this.title, this.note,
      el('div', { class: 'export-buttons' }, this.cnnmButton, this.onnxButton), this.status);
    this.listing = new CodeListing(this.root, { lang, title: 'export.pytorch', testid: 'export-listing' });
    container.append(this.root);
    this.texts();
  }

  setLang(lang) {
    this.lang = lang;
    this.listing.setLang(lang);
    this.texts();
  }

  /** The model the buttons and the listing are for: { id, specs, inputShape, metadata, entry }, or null. */
  setModel(net) {
    this.net = net;
    this.state = null;
    this.texts();
  }

  /** The file name for the open model, from its name (else its catalogue key). */
  fileName(extension) {
    return fileName(this.net?.metadata?.name || this.net?.entry?.key, extension);
  }

  texts() {
    const L = this.lang;
    this.title.textContent = t(L, 'export.title');
    this.note.textContent = t(L, 'export.note');
    this.cnnmButton.textContent = t(L, 'export.cnnm');
    this.onnxButton.textContent = t(L, 'export.onnx');
    this.cnnmButton.disabled = this.onnxButton.disabled = !this.net || !!this.busy;
    const s = this.state;
    this.status.textContent = s ? t(L, s.key, s.params) : this.net ? '' : t(L, 'export.none');
    this.status.classList.toggle('error', !!s?.error);
    if (!this.net) {
      this.listing.setCode(t(L, 'export.none'), { isCode: false });
      return;
    }
    const { specs, inputShape, metadata } = this.net;
    this.listing.setCode(pytorchProgram(specs, { inputShape, file: this.fileName('onnx'), labels: metadata?.labels, normalize: metadata?.normalize }));
  }

  /** Writes the open model as a model file ('cnnm') or an ONNX file ('onnx') and hands it to the browser. */
  async download(kind) {
    const net = this.net;
    if (!net || this.busy) return;
    const file = this.fileName(kind);
    this.busy = true;
    this.state = { key: 'export.working', params: { file } };
    this.texts();
    try {
      const { bytes } = await this.client.request(kind === 'onnx' ? 'exportOnnx' : 'saveModel', { id: net.id });
      if (this.net !== net) return;
      downloadBytes(bytes, file);
      this.state = { key: 'export.saved', params: { file, kb: (bytes.length / 1024).toFixed(1) } };
    } catch (e) {
      this.state = { key: 'export.failed', params: { message: e?.message ?? String(e) }, error: true };
    } finally {
      this.busy = false;
      this.texts();
    }
  }

  destroy() {
    this.root.remove();
  }
}
