// LabQuiz: "Predict, then check". With the lab's `quiz` setting on, the
// learner types the output size and the parameter count before the lab
// shows them; the quiz says whether each is right and, when it is not,
// which part of the formula was most likely missed (the padding, the + 1,
// the stride, the bias, the input channels...), then shows the answer.
//
// Every number here is the engine's: the right answer is the geometry the
// lab got, and each slip is the engine's geometry of the same layer with
// one thing left out (padding 0, stride 1, no bias, one input channel...),
// so a slip is recognised by the number it gives, whatever the settings.
//
// Events: 'reveal' when the answer is to be shown (checked, or asked for).
import { t } from '../i18n.js';
import { el } from '../dom.js';

const WHOLE = /^\+?\d+$/;
const GROUPED = /^\+?\d{1,3}(,\d{3})+$/;  // 1,000 as well as 1000
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A typed answer: { value } for a whole number from 0 up (digits, with or
 * without thousands commas), else { problem } naming why it is no answer:
 * 'empty', 'negative', 'fraction' (2.5, and 2.0 too: a count is written
 * whole) or 'text'.
 */
export function readAnswer(text) {
  const s = String(text ?? '').trim();
  if (s === '') return { problem: 'empty' };
  if (WHOLE.test(s) || GROUPED.test(s)) {
    const value = Number(s.replace(/[,+]/g, ''));
    return Number.isSafeInteger(value) ? { value } : { problem: 'text' };
  }
  if (NUMBER.test(s)) return { problem: Number(s) < 0 ? 'negative' : 'fraction' };
  return { problem: 'text' };
}

/** The padding of a spec set to 0 (the pooling and conv fields alike). */
const noPadding = (spec) => ({ ...spec, padding: 0 });

/**
 * The slips the quiz knows for a layer, each with the answer it gives:
 * { size: [{ why, value, params }], params: [...] }, in the order they are
 * told (the first slip that gives the learner's number is named). spec and
 * shape: the lab's layer; geometry: the engine's for it; request: the
 * engine client's request(op, payload).
 */
export async function quizSlips(request, spec, shape, geometry) {
  const ask = async (s, sh = shape) => {
    try {
      return await request('layerGeometry', { spec: s, shape: sh });
    } catch {
      return null;  // the slip would make a layer that cannot exist: no number to recognise
    }
  };
  const out = geometry.outShape[2];
  const [, cin, n] = shape;
  const conv = spec.type === 'conv2d';
  const size = [];
  const params = [];
  const padded = Object.values(geometry.pad).some((p) => p > 0);
  const [k] = geometry.kernel;
  const [s] = geometry.stride;
  const [d] = geometry.dilation;
  if (padded) {
    const g = await ask(noPadding(spec));
    if (g) size.push({ why: 'noPadding', value: g.outShape[2] });
  }
  if (!conv && spec.ceil_mode) {
    const g = await ask({ ...spec, ceil_mode: false });
    if (g) size.push({ why: 'roundedDown', value: g.outShape[2] });
  } else if (geometry.unusedRows > 0) {
    size.push({ why: 'roundedUp', value: out + 1 });
  }
  size.push({ why: 'noPlusOne', value: out - 1 });
  if (s > 1) {
    const g = await ask({ ...spec, stride: 1 });
    if (g) size.push({ why: 'noStride', value: g.outShape[2], params: { s } });
  }
  if (conv && d > 1) {
    const g = await ask({ ...spec, dilation: 1 });
    if (g) size.push({ why: 'noDilation', value: g.outShape[2], params: { k, d, span: d * (k - 1) + 1 } });
  }
  if (n !== out) size.push({ why: 'sameAsInput', value: n });
  if (conv) {
    const cout = geometry.outShape[1];
    const all = geometry.params;
    const noBias = await ask({ ...spec, bias: false });
    if (noBias) params.push({ why: 'noBias', value: noBias.params });
    if (cin > 1) {
      const one = await ask({ ...spec, in_channels: 1 }, [shape[0], 1, shape[2], shape[3]]);
      if (one) {
        params.push({ why: 'noChannels', value: one.params, params: { cin } });
        params.push({ why: 'biasPerChannel', value: one.params * cin, params: { cin } });
      }
    }
    if (cout > 1) {
      const g = await ask({ ...spec, out_channels: 1 });
      if (g) params.push({ why: 'noFilters', value: g.params, params: { cout } });
    }
    if (noBias && cin > 1) params.push({ why: 'noBiasNoChannels', value: noBias.params / cin, params: { cin } });
    return { size: size.filter((x) => x.value !== out && x.value >= 0), params: params.filter((x) => x.value !== all) };
  }
  params.push({ why: 'poolWindow', value: k * k * cin });
  return { size: size.filter((x) => x.value !== out && x.value >= 0), params: params.filter((x) => x.value !== 0) };
}

/**
 * The verdict on one answer: { right, why?, params? } (why: the first slip
 * that gives that number, else 'other').
 */
export function verdict(value, answer, slips) {
  if (value === answer) return { right: true };
  const slip = slips.find((x) => x.value === value);
  return slip ? { right: false, why: slip.why, params: slip.params ?? {} } : { right: false, why: 'other', params: {} };
}

export class LabQuiz extends EventTarget {
  /** container: where the quiz box goes. options: lang, request (the engine client's request). */
  constructor(container, options = {}) {
    super();
    this.lang = options.lang ?? 'en';
    this.request = options.request;
    this.question = null;   // { spec, shape, geometry, mode }
    this.checked = null;    // the verdicts shown, or null
    this.title = el('h4');
    this.intro = el('p', { class: 'lab-hint' });
    this.size = el('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', 'data-testid': 'lab-quiz-size', class: 'lab-quiz-input' });
    this.params = el('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', 'data-testid': 'lab-quiz-params', class: 'lab-quiz-input' });
    this.sizeName = el('span', { class: 'lab-control-name' });
    this.paramsName = el('span', { class: 'lab-control-name' });
    this.check = el('button', { type: 'button', class: 'lab-btn', 'data-testid': 'lab-quiz-check', onclick: () => this.onCheck() });
    this.reveal = el('button', { type: 'button', class: 'lab-btn', 'data-testid': 'lab-quiz-reveal', onclick: () => this.show(null) });
    this.message = el('p', { class: 'lab-quiz-message', 'data-testid': 'lab-quiz-message', role: 'alert', hidden: true });
    this.verdicts = el('div', { class: 'lab-quiz-verdicts', 'data-testid': 'lab-quiz-verdicts', 'aria-live': 'polite' });
    const form = el('form', { class: 'lab-quiz-form', onsubmit: (e) => { e.preventDefault(); this.onCheck(); } },
      el('label', { class: 'lab-control' }, this.sizeName, this.size),
      el('label', { class: 'lab-control' }, this.paramsName, this.params),
      el('span', { class: 'lab-presets' }, this.check, this.reveal));
    this.root = el('section', { class: 'lab-quiz', 'data-testid': 'lab-quiz-box', hidden: true }, this.title, this.intro, form, this.message, this.verdicts);
    container.append(this.root);
    this.texts();
  }

  setLang(lang) {
    this.lang = lang;
    this.texts();
    if (this.checked) this.renderVerdicts();
    if (this.problems) this.showProblems(this.problems);
  }

  texts() {
    const L = this.lang;
    const pool = this.question?.mode === 'pool';
    this.title.textContent = t(L, 'lab.quiz.title');
    this.intro.textContent = t(L, pool ? 'lab.quiz.intro.pool' : 'lab.quiz.intro');
    this.sizeName.textContent = t(L, 'lab.quiz.size');
    this.paramsName.textContent = t(L, 'lab.quiz.params');
    this.check.textContent = t(L, 'lab.quiz.check');
    this.reveal.textContent = t(L, 'lab.quiz.reveal');
  }

  /** Whether the quiz is on (the lab's `quiz` setting). */
  setActive(on) {
    this.root.hidden = !on;
  }

  /** A new question (the lab's settings changed): the answers are asked for again. */
  ask(question) {
    this.question = question;
    this.checked = null;
    this.problems = null;
    this.size.value = '';
    this.params.value = '';
    this.message.hidden = true;
    this.verdicts.replaceChildren();
    this.check.disabled = !question;
    this.texts();
  }

  /** Whether the answer is shown (checked or asked for). */
  get revealed() {
    return this.checked !== null;
  }

  async onCheck() {
    const q = this.question;
    if (!q) return;
    const answers = { size: readAnswer(this.size.value), params: readAnswer(this.params.value) };
    const problems = Object.entries(answers).filter(([, a]) => a.problem)
      .map(([field, a]) => ({ field, problem: a.problem, text: (field === 'size' ? this.size : this.params).value.trim() }));
    if (problems.length) {
      this.showProblems(problems);
      return;
    }
    this.problems = null;
    this.message.hidden = true;
    const slips = await quizSlips(this.request, q.spec, q.shape, q.geometry);
    if (q !== this.question) return;
    const params = { value: answers.params.value, answer: q.geometry.params, ...verdict(answers.params.value, q.geometry.params, slips.params) };
    if (params.why === 'other' && q.spec.type !== 'conv2d') params.why = 'poolOther';
    this.show({
      size: { value: answers.size.value, answer: q.geometry.outShape[2], ...verdict(answers.size.value, q.geometry.outShape[2], slips.size) },
      params,
    });
  }

  showProblems(problems) {
    const L = this.lang;
    this.problems = problems;
    this.message.hidden = false;
    this.message.textContent = problems.map((p) => t(L, `lab.quiz.problem.${p.problem}`,
      { name: t(L, `lab.quiz.${p.field}`), value: p.text.length > 40 ? `${p.text.slice(0, 40)}…` : p.text })).join(' ');
  }

  /** Shows the verdicts (null: the answer without a guess) and tells the lab to reveal. */
  show(checked) {
    this.checked = checked ?? {};
    this.problems = null;
    this.message.hidden = true;
    this.renderVerdicts();
    this.dispatchEvent(new CustomEvent('reveal'));
  }

  renderVerdicts() {
    const L = this.lang;
    const c = this.checked;
    const q = this.question;
    const lines = [];
    for (const part of ['size', 'params']) {
      const v = c[part];
      if (!v) continue;
      const name = t(L, `lab.quiz.${part}`);
      const slip = v.right ? null : t(L, `lab.quiz.${part}.${v.why}`, { ...v.params, value: v.value, answer: v.answer });
      lines.push(el('p', { class: v.right ? 'lab-quiz-right' : 'lab-quiz-wrong', 'data-testid': `lab-quiz-${part}-verdict`, 'data-why': v.why ?? 'right' },
        el('strong', { text: t(L, v.right ? 'lab.quiz.right' : 'lab.quiz.wrong', { name, value: v.value, answer: v.answer }) }),
        slip ? ` ${slip}` : ''));
    }
    if (!lines.length && q) {
      lines.push(el('p', { 'data-testid': 'lab-quiz-answer', text: t(L, 'lab.quiz.answer', { size: q.geometry.outShape[2], params: q.geometry.params }) }));
    }
    this.verdicts.replaceChildren(...lines);
  }
}
