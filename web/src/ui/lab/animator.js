// LabAnimator: the kernel sliding over the input, one output position at a
// time (play, pause, step back and forth, show all, the speed and a scrub
// bar). Positions are numbered row by row over one output map; it knows
// nothing else of the lab.
//
// While it is "active" the output is shown up to the current position only;
// "show all" (or a click on any output cell) ends that.
//
// Events: 'move' { position } (show this position, the animation active),
// 'reveal' (show the whole output), 'change' { fields: { speed } }.
import { t } from '../i18n.js';
import { el } from '../dom.js';
import { rangeControl } from './controls.js';

const SPEEDS_MS = [1400, 900, 550, 300, 140];

export class LabAnimator extends EventTarget {
  /** container: where its bar goes (null: none; it still runs). options: lang, speed (1-5). */
  constructor(container, options = {}) {
    super();
    this.lang = options.lang ?? 'en';
    this.speed = options.speed ?? 3;
    this.mode = options.mode ?? 'conv';  // 'pool': a window slides, not a kernel
    this.isPlaying = false;
    this.isActive = false;
    this.timer = 0;
    this.count = 0;       // positions in one output map
    this.position = 0;    // the selected cell's position
    this.where = null;    // { row, col } of that cell
    this.build();
    if (container) container.append(this.root);
    this.texts();
  }

  /** Whether the kernel is sliding on its own. */
  get playing() {
    return this.isPlaying;
  }

  /** Whether the output is shown only up to the current position. */
  get active() {
    return this.isActive;
  }

  build() {
    const ui = {};
    this.ui = ui;
    ui.play = el('button', { type: 'button', class: 'lab-btn', 'data-testid': 'lab-play', onclick: () => (this.isPlaying ? this.stop() : this.play()) });
    ui.back = el('button', { type: 'button', class: 'lab-btn', 'data-testid': 'lab-step-back', onclick: () => this.step(-1) });
    ui.fwd = el('button', { type: 'button', class: 'lab-btn', 'data-testid': 'lab-step', onclick: () => this.step(1) });
    ui.showAll = el('button', { type: 'button', class: 'lab-btn', 'data-testid': 'lab-show-all', onclick: () => this.showAll() });
    ui.speed = rangeControl('speed', 1, 5, (v) => this.dispatchEvent(new CustomEvent('change', { detail: { fields: { speed: v } } })));
    ui.scrub = el('input', { type: 'range', min: 0, max: 0, value: 0, class: 'lab-scrub', 'data-testid': 'lab-scrub',
      oninput: () => this.goTo(Number(ui.scrub.value)) });
    ui.scrubLabel = el('label', { class: 'lab-control lab-scrub-label' }, el('span', { class: 'lab-control-name' }), ui.scrub);
    ui.position = el('span', { class: 'lab-position', 'data-testid': 'lab-position' });
    this.root = el('div', { class: 'lab-anim' }, ui.play, ui.back, ui.fwd, ui.showAll, ui.speed.root, ui.scrubLabel, ui.position);
  }

  texts() {
    const L = this.lang;
    const ui = this.ui;
    ui.back.textContent = t(L, 'lab.anim.back');
    ui.fwd.textContent = t(L, 'lab.anim.step');
    ui.showAll.textContent = t(L, 'lab.anim.all');
    ui.speed.name.textContent = t(L, 'lab.speed');
    ui.scrubLabel.firstChild.textContent = t(L, this.mode === 'pool' ? 'lab.anim.position.pool' : 'lab.anim.position');
  }

  /** 'conv' or 'pool': what slides, a kernel or a window. */
  setMode(mode) {
    this.mode = mode;
    this.texts();
  }

  setLang(lang) {
    this.lang = lang;
    this.texts();
    this.render();
  }

  setSpeed(speed) {
    this.speed = speed;
    this.ui.speed.input.value = String(speed);
    this.ui.speed.value.textContent = String(speed);
  }

  /**
   * What there is to step through: `count` positions (0: nothing, the
   * settings do not work), and the selected cell (row, col) at `position`.
   */
  show(count, position = 0, row = 0, col = 0) {
    this.count = count;
    this.position = position;
    this.where = { row, col };
    this.render();
  }

  render() {
    const L = this.lang;
    const ui = this.ui;
    const n = this.count;
    ui.play.textContent = t(L, this.isPlaying ? 'lab.anim.pause' : 'lab.anim.play');
    ui.play.setAttribute('aria-pressed', String(this.isPlaying));
    ui.scrub.max = String(Math.max(0, n - 1));
    if (!n) {
      ui.position.textContent = t(L, 'lab.anim.none');
      return;
    }
    ui.scrub.value = String(this.position);
    const where = t(L, 'lab.anim.where', { n: this.position + 1, total: n, r: this.where.row + 1, c: this.where.col + 1 });
    ui.scrub.setAttribute('aria-valuetext', where);
    ui.position.textContent = where;
  }

  goTo(position) {
    const n = this.count;
    if (!n) return;
    this.isActive = true;
    this.dispatchEvent(new CustomEvent('move', { detail: { position: Math.max(0, Math.min(n - 1, position)) } }));
  }

  step(d) {
    const n = this.count;
    if (!n) return;
    const position = this.isActive ? this.position + d : (d > 0 ? 0 : n - 1);
    if (position >= n) { this.stop(); this.showAll(); return; }
    this.goTo(position);
  }

  play() {
    if (!this.count) return;
    this.isPlaying = true;
    if (!this.isActive || this.position >= this.count - 1) {
      this.isActive = true;
      this.goTo(0);
    }
    this.render();
    const delay = () => SPEEDS_MS[this.speed - 1];
    const tick = () => {
      if (!this.isPlaying) return;
      this.step(1);
      if (this.isPlaying) this.timer = setTimeout(tick, delay());
    };
    this.timer = setTimeout(tick, delay());
  }

  stop() {
    this.isPlaying = false;
    clearTimeout(this.timer);
    this.timer = 0;
    this.render();
  }

  /** Stops and shows the whole output (quietly: no event). */
  reset() {
    this.stop();
    this.isActive = false;
  }

  showAll() {
    this.reset();
    this.dispatchEvent(new CustomEvent('reveal'));
    this.render();
  }
}
