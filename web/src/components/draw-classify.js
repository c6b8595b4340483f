// <cnn-draw-classify>: draw a digit, see it prepared as MNIST digits are,
// and the network's answer (ui/playground.js's Playground, without the layer
// views). <cnn-network-view> (network-view.js) adds every layer's feature maps.
//
// Attributes: model (a key of the model catalogue, or the address of a .onnx
// or .cnnm file: the page's own, or another site's that allows it by CORS),
// normalize (the input normalisation, as transforms.Normalize's arguments),
// labels (class names separated by commas, or a .txt or .json file of them),
// preprocess ("false" feeds the whole pad shrunk instead of MNIST's
// crop-and-centre), lang.
// Events: 'cnn-update' { top, probabilities, empty } after each prediction,
// 'cnn-error' { message }.
import { Playground } from '../ui/playground.js';
import { withEntry } from '../ui/models.js';
import { CnnWidget } from './widget.js';
import { widgetModels, widgetEntry } from './models.js';

export class CnnDrawClassify extends CnnWidget {
  static options = { model: widgetModels().map((m) => m.key), normalize: null, labels: null, preprocess: null };

  get regionKey() {
    return 'widget.region.drawClassify';
  }

  /** The containers of the Playground, given the widget's box. */
  containers(box) {
    return { draw: box };
  }

  mount(box) {
    const models = widgetModels();
    this.entry = widgetEntry(this.config, models, document.baseURI);
    this.playground = new Playground(this.containers(box), {
      lang: this.language, client: this.client, models: withEntry(models, this.entry),
      model: this.entry.key, centre: this.config.preprocess ?? true,
    });
    this.playground.addEventListener('update', (e) => {
      const { top, probabilities, empty } = e.detail;
      this.dataset.state = empty ? 'empty' : 'predicted';
      this.emit('cnn-update', { top, probabilities: Array.from(probabilities), empty });
    });
    this.playground.addEventListener('error', (e) => this.emit('cnn-error', e.detail));
    this.playground.start();
  }

  teardown() {
    this.playground?.destroy();
    this.playground = null;
  }

  configure() {
    const pg = this.playground;
    const entry = widgetEntry(this.config, widgetModels(), document.baseURI);
    if (!sameEntry(entry, this.entry)) {
      this.entry = entry;
      pg.openEntry(entry);
    }
    pg.setCentre(this.config.preprocess ?? true);
  }

  setLang(lang) {
    this.playground?.setLang(lang);
  }
}

function sameEntry(a, b) {
  return ['key', 'url', 'labelsUrl'].every((k) => a[k] === b[k])
    && JSON.stringify([a.normalize, a.labels]) === JSON.stringify([b.normalize, b.labels]);
}
