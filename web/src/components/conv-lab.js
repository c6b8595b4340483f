// <cnn-conv-lab>: the convolution lab (ui/lab/lab.js's ConvLab) as a widget.
// Its attributes are the lab's settings, named as the fields of the lab's
// state table in kebab case (kernel="3" stride="2" padding="1", or
// padding="same"), checked by that table; `controls` picks the controls
// shown (controls="stride,padding"); `autoplay` slides the kernel over the
// input on its own (not when the reader asked for reduced motion). With the
// `example` attribute opens one of the lecture's examples at its real size
// (example="cs231n-760"; the `examples` control lists them all). With the
// `network` control, the lab's settings can be tried on the trained default
// model (opened once per page, only when that control is shown).
//
// Events: 'cnn-change' { state, query } when the reader changes a setting
// (query: the settings as a URL query), 'cnn-update' { ok, error } when the
// grids show the result of the settings (error: the engine's message for
// settings that cannot work).
import { ConvLab, ALL_CONTROLS } from '../ui/lab/lab.js';
import { parseState, toQuery } from '../ui/lab/state.js';
import { openModel, labModel } from '../ui/models.js';
import { CnnWidget, reducedMotion } from './widget.js';
import { labStateFromAttributes } from './attributes.js';
import { widgetModels } from './models.js';

/**
 * The catalogue's default model as the lab's network probe takes it, or null
 * when it cannot be opened (the probe then says there is no model). Opened
 * once per page, for every lab widget that shows the `network` control.
 */
let defaultModel = null;
function defaultLabModel(client) {
  defaultModel ??= (async () => {
    const net = await openModel(client, widgetModels()[0]);
    try {
      return await labModel(client, net);
    } finally {
      client.request('destroyNetwork', { id: net.id }).catch(() => {});
    }
  })().catch(() => null);
  return defaultModel;
}

export class CnnConvLab extends CnnWidget {
  static lab = true;
  static options = { controls: ALL_CONTROLS, autoplay: null };
  static defaults = Object.freeze({ mode: 'conv' });
  static defaultControls = Object.freeze(['input', 'size', 'kernel', 'stride', 'padding', 'dilation', 'filters',
    'weights', 'flip', 'activation', 'animation', 'pytorch']);

  get regionKey() {
    return 'widget.region.convLab';
  }

  /** The lab's current settings (a copy). */
  get state() {
    return this.lab?.getState() ?? this.attributeState ?? parseState(this.constructor.defaults);
  }

  /** Applies settings (a partial state of state.js, checked; a RangeError names a bad field). */
  setState(partial) {
    if (!this.lab) throw new Error('the lab is not built yet: it is built when it first comes into view');
    this.lab.setState(partial);
  }

  mount(box) {
    this.labBox = box;
  }

  configure() {
    const { state, problems } = labStateFromAttributes(this.labPairs, parseState(this.constructor.defaults));
    this.setProblems(problems);
    const controls = this.config.controls ?? this.constructor.defaultControls;
    const controlsKey = controls.join(',');
    const stateKey = toQuery(state);
    if (!this.lab || controlsKey !== this.controlsKey) {
      // a new set of controls: a new lab, keeping the reader's settings if there was one
      const keep = this.keptState ?? (this.lab && stateKey === this.stateKey ? this.lab.getState() : state);
      this.keptState = null;
      this.lab?.destroy();
      this.lab = new ConvLab(this.labBox, { client: this.client, lang: this.language, state: keep, controls });
      this.lab.addEventListener('change', (e) => this.emit('cnn-change', e.detail));
      this.lab.addEventListener('update', (e) => this.updated(e.detail));
      if (controls.includes('network')) defaultLabModel(this.client).then((model) => this.lab?.setModel(model));
    } else if (stateKey !== this.stateKey) {
      this.lab.setState(state);
    }
    this.attributeState = state;
    this.controlsKey = controlsKey;
    this.stateKey = stateKey;
  }

  /** Frees the lab (its probe's networks, its animation); the reader's settings are kept for a return. */
  teardown() {
    this.keptState = this.lab?.getState() ?? null;
    this.lab?.destroy();
    this.lab = null;
    this.controlsKey = null;
  }

  updated(detail) {
    this.dataset.state = detail.ok ? 'ok' : 'error';
    if (this.config.autoplay && !this.autoplayed && detail.ok && this.onScreen && !reducedMotion()) {
      this.autoplayed = true;
      this.lab.play();
    }
    this.emit('cnn-update', detail);
  }

  setLang(lang) {
    this.lab?.setLang(lang);
  }

  /** Off screen: the sliding kernel stops, and goes on when the lab is back. */
  pause() {
    if (this.lab?.playing) {
      this.wasPlaying = true;
      this.lab.stop();
    }
  }

  resume() {
    if (this.wasPlaying && this.lab && !reducedMotion()) this.lab.play();
    this.wasPlaying = false;
  }
}
