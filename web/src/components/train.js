// <cnn-train>: build a network and watch it learn (ui/train/train-view.js's
// TrainView) in lecture notes. It trains in the page's shared engine Worker,
// beside the other widgets; the training data is fetched from the bundle's
// data folder when training first starts.
//
// Attributes: preset (a preset of the training view: lenet, oneConv, dense,
// sigmoid, noPadding, stride2) or arch (the layers as the training view's
// links write them, e.g. c8k5p2-r-m2-f-d10-x; it wins over preset); the
// hyperparameters dataset, optimizer, lr, schedule, momentum, batch-size,
// epochs, augment, seed (as the training view's fields); controls (the
// parts shown, e.g. controls="hyper,compare"; start / pause and the curves
// always show); autostart (start training when it first comes into view);
// lang, theme.
//
// Off screen it pauses, and goes on when back if it was running. Removed
// from the page, it frees its run (the network, the trainer and the network
// its feature maps come from) in the Worker.
// Events: 'cnn-change' { state, query } when the reader changes a setting
// (query: the training view's URL query), 'cnn-update' { state, step, loss,
// accuracy, heldOutAccuracy } after every poll of a run's progress,
// 'cnn-error' { message }.
import { TrainView, TRAIN_CONTROLS } from '../ui/train/train-view.js';
import { defaultTrainState, toQuery } from '../ui/train/state.js';
import { CnnWidget } from './widget.js';
import { TRAIN_ATTRIBUTES, trainStateFromAttributes } from './attributes.js';
import { trainingDataUrl } from './models.js';

export class CnnTrain extends CnnWidget {
  static options = { controls: TRAIN_CONTROLS, autostart: null };
  static defaultControls = Object.freeze(['hyper', 'step', 'reset', 'filters', 'maps', 'compare']);

  static get observedAttributes() {
    return [...super.observedAttributes, ...Object.keys(TRAIN_ATTRIBUTES)];
  }

  get regionKey() {
    return 'widget.region.train';
  }

  /** The training view (null until the widget first comes into view). */
  get view() {
    return this.trainView ?? null;
  }

  mount(box) {
    this.trainBox = box;
  }

  configure() {
    const pairs = Object.keys(TRAIN_ATTRIBUTES).filter((a) => this.hasAttribute(a)).map((a) => [a, this.getAttribute(a)]);
    const { state, problems } = trainStateFromAttributes(pairs, defaultTrainState());
    this.setProblems(problems);
    const controls = this.config.controls ?? this.constructor.defaultControls;
    const key = JSON.stringify({ state, controls });
    if (key === this.viewKey) return;
    this.viewKey = key;
    this.trainView?.destroy();
    this.trainBox.replaceChildren();
    const view = new TrainView(this.trainBox, {
      lang: this.language, client: this.client, state, controls, dataUrl: trainingDataUrl(),
      onState: (s) => this.emit('cnn-change', { state: s, query: toQuery(s).toString() }),
    });
    this.trainView = view;
    this.dataset.state = 'idle';
    view.addEventListener('progress', (e) => {
      const p = e.detail;
      this.dataset.state = p.running ? 'running' : this.wasRunning ? 'paused' : p.state;
      this.emit('cnn-update', { state: p.state, step: p.step, loss: p.loss, accuracy: p.accuracy, heldOutAccuracy: p.heldOutAccuracy });
      if (p.state === 'failed' || p.state === 'diverged') this.emit('cnn-error', { message: p.message });
    });
    if (this.config.autostart && !this.autostarted && this.onScreen) {
      this.autostarted = true;
      view.start();
    }
  }

  setLang(lang) {
    this.trainView?.setLang(lang);
  }

  /** Off screen: training pauses, and goes on when the widget is back. */
  pause() {
    const view = this.trainView;
    if (!view?.running) return;
    this.wasRunning = true;
    this.pausing = view.pause().catch(() => {}).finally(() => {
      this.pausing = null;
      if (this.wasRunning && this.trainView === view) this.dataset.state = 'paused';
    });
  }

  resume() {
    if (!this.wasRunning) return;
    this.wasRunning = false;
    const view = this.trainView;
    // back before the pause had finished: go on once it has
    Promise.resolve(this.pausing).then(() => {
      if (this.onScreen && this.trainView === view) view.start();
    });
  }

  /** Frees the run in the Worker. */
  teardown() {
    this.trainView?.destroy();
    this.trainView = null;
    this.viewKey = null;
    this.wasRunning = false;
  }
}
