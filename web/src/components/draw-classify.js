// <cnn-draw-classify>: draw a digit, see it prepared as MNIST digits are,
// and the network's answer (ui/playground.js's Playground, without the layer
// views). <cnn-network-view> (network-view.js) adds every layer's feature maps.
//
// Attributes: model (a key of the model catalogue), preprocess ("false"
// feeds the whole pad shrunk instead of MNIST's crop-and-centre), lang.
// A photo of a digit can be picked, taken with the camera or dropped on it
// (ui/photo-view.js).
// Events: 'cnn-update' { top, probabilities, empty, photo } after each
// prediction (photo: { name, found } while a photo is read, else null),
// 'cnn-photo' { name, found, reason } or { name, refused } when a picture was
// opened, 'cnn-error' { message }.
import { Playground } from '../ui/playground.js';
import { CnnWidget } from './widget.js';
import { widgetModels } from './models.js';

export class CnnDrawClassify extends CnnWidget {
  static options = { model: widgetModels().map((m) => m.key), preprocess: null };

  get regionKey() {
    return 'widget.region.drawClassify';
  }

  /** The containers of the Playground, given the widget's box. */
  containers(box) {
    return { draw: box };
  }

  mount(box) {
    const models = widgetModels();
    this.playground = new Playground(this.containers(box), {
      lang: this.language, client: this.client, models, model: this.config.model ?? models[0]?.key,
      centre: this.config.preprocess ?? true,
    });
    this.playground.addEventListener('update', (e) => {
      const { top, probabilities, empty, photo } = e.detail;
      this.dataset.state = empty ? 'empty' : 'predicted';
      this.emit('cnn-update', { top, probabilities: Array.from(probabilities), empty, photo });
    });
    this.playground.addEventListener('photo', (e) => this.emit('cnn-photo', e.detail));
    this.playground.addEventListener('error', (e) => this.emit('cnn-error', e.detail));
    this.playground.start();
  }

  teardown() {
    this.playground?.destroy();
    this.playground = null;
  }

  configure() {
    const pg = this.playground;
    const model = this.config.model;
    if (model && model !== pg.modelKey) pg.switchModel(model);
    pg.setCentre(this.config.preprocess ?? true);
  }

  setLang(lang) {
    this.playground?.setLang(lang);
  }
}
