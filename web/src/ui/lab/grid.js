// GridView: a grid of numbered, coloured cells in the DOM (an input with its
// padding, a filter, an output map). Cells can be plain, editable (<input>)
// or selectable (<button>s with one tab stop: the arrow keys move the
// selection, Home/End jump to the ends of a row, PageUp/PageDown to the top
// and bottom). Each render describes every cell through a callback; elements
// are reused while the grid keeps its size and cell kinds. Below it, what
// the lab's grids share: the cell size for a width, and reading (or
// refusing) a number typed into a cell.
import { el } from '../dom.js';
import { LIMITS } from './state.js';

export class GridView {
  /**
   * options: label (the grid's accessible name), selectable, onSelect(r, c),
   * onEdit(r, c, text, input), testid
   */
  constructor(container, options = {}) {
    this.options = options;
    this.root = el('div', { class: 'lab-grid', role: options.selectable ? 'grid' : 'group', 'aria-label': options.label ?? '' });
    if (options.testid) this.root.dataset.testid = options.testid;
    if (options.selectable) this.root.addEventListener('keydown', (e) => this.onKey(e));
    this.cells = [];
    this.rows = 0;
    this.cols = 0;
    this.kinds = '';
    this.selected = null;
    container.append(this.root);
  }

  setLabel(label) {
    this.root.setAttribute('aria-label', label);
  }

  /**
   * cell(r, c) -> { text, label, bg, light, cls (list), value, editable }.
   * size: cell size in CSS pixels; text is shown only when it fits.
   */
  render(rows, cols, cell, size = 32) {
    const specs = [];
    let kinds = '';
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const s = cell(r, c);
        specs.push(s);
        kinds += s.editable ? 'e' : this.options.selectable ? 's' : 'p';
      }
    }
    if (rows !== this.rows || cols !== this.cols || kinds !== this.kinds) this.rebuild(rows, cols, kinds);
    this.root.style.setProperty('--cell', `${size}px`);
    this.root.style.gridTemplateColumns = `repeat(${cols}, var(--cell))`;
    this.root.classList.toggle('lab-grid-small', size < 22);
    specs.forEach((s, i) => {
      const node = this.cells[i];
      const r = Math.floor(i / cols), c = i % cols;
      const len = (s.text ?? '').length;
      node.className = ['lab-cell', ...(s.cls ?? []), s.light ? 'lab-light' : '', len >= 6 ? 'lab-len6' : len >= 4 ? 'lab-len4' : '']
        .filter(Boolean).join(' ');
      node.style.background = s.bg ?? '';
      if (s.value !== undefined) node.dataset.value = String(s.value); else delete node.dataset.value;
      node.dataset.r = r;
      node.dataset.c = c;
      const label = s.label ?? s.text ?? '';
      if (node.tagName === 'INPUT') {
        if (node.getRootNode().activeElement !== node) node.value = s.text ?? '';
        node.setAttribute('aria-label', label);
      } else {
        node.textContent = size >= 22 ? (s.text ?? '') : '';
        if (label) node.setAttribute('aria-label', label); else node.removeAttribute('aria-label');
        node.title = label;
      }
    });
    if (this.options.selectable) this.updateTabStop();
  }

  rebuild(rows, cols, kinds) {
    this.rows = rows;
    this.cols = cols;
    this.kinds = kinds;
    const rowsEls = [];
    this.cells = [];
    for (let r = 0; r < rows; r++) {
      const row = el('div', { class: 'lab-row', role: this.options.selectable ? 'row' : null });
      for (let c = 0; c < cols; c++) {
        const kind = kinds[r * cols + c];
        let node;
        if (kind === 'e') {
          node = el('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false' });
          node.addEventListener('change', () => this.options.onEdit?.(r, c, node.value, node));
          node.addEventListener('keydown', (e) => { if (e.key === 'Enter') node.blur(); });
        } else if (kind === 's') {
          node = el('button', { type: 'button', role: 'gridcell', tabindex: '-1' });
          node.addEventListener('click', () => this.choose(r, c, true));
        } else {
          node = el('div', { role: 'img' });
        }
        this.cells.push(node);
        row.append(node);
      }
      rowsEls.push(row);
    }
    this.root.replaceChildren(...rowsEls);
    if (this.selected && (this.selected[0] >= rows || this.selected[1] >= cols)) this.selected = null;
  }

  cellAt(r, c) {
    return r >= 0 && r < this.rows && c >= 0 && c < this.cols ? this.cells[r * this.cols + c] : null;
  }

  /** Marks (r, c) as the selected cell (null: none) without telling anyone. */
  select(r, c) {
    this.selected = r === null || r === undefined ? null : [r, c];
    for (const node of this.cells) node.removeAttribute('aria-selected');
    if (this.selected) this.cellAt(r, c)?.setAttribute('aria-selected', 'true');
    this.updateTabStop();
  }

  updateTabStop() {
    const [r, c] = this.selected ?? [0, 0];
    this.cells.forEach((node) => node.setAttribute('tabindex', '-1'));
    this.cellAt(r, c)?.setAttribute('tabindex', '0');
  }

  choose(r, c, focus) {
    this.select(r, c);
    if (focus) this.cellAt(r, c)?.focus();
    this.options.onSelect?.(r, c);
  }

  focus() {
    const [r, c] = this.selected ?? [0, 0];
    this.cellAt(r, c)?.focus();
  }

  onKey(e) {
    const [r, c] = this.selected ?? [0, 0];
    const moves = {
      ArrowUp: [r - 1, c], ArrowDown: [r + 1, c], ArrowLeft: [r, c - 1], ArrowRight: [r, c + 1],
      Home: [r, 0], End: [r, this.cols - 1], PageUp: [0, c], PageDown: [this.rows - 1, c],
    };
    const to = moves[e.key];
    if (!to) return;
    e.preventDefault();
    const [nr, nc] = [Math.max(0, Math.min(this.rows - 1, to[0])), Math.max(0, Math.min(this.cols - 1, to[1]))];
    this.choose(nr, nc, true);
  }
}

/**
 * Cell size in CSS pixels for n cells across about `px` pixels, at most
 * `max`; on a touch screen at most 44 (a finger's target) where that fits.
 */
export function cellSize(n, px, max = 36) {
  const most = globalThis.matchMedia?.('(pointer: coarse)').matches ? Math.max(max, 44) : max;
  return Math.max(9, Math.min(most, Math.floor(px / Math.max(1, n))));
}

/** The number typed into a cell ('−' read as '-'), or null when it is not one the lab takes. */
export function parseCell(text) {
  const v = Number(String(text).trim().replace(/^−/, '-'));
  return !Number.isFinite(v) || Math.abs(v) > LIMITS.valueMax || String(text).trim() === '' ? null : v;
}

/** Puts `shown` back into a cell whose typed text was refused, and flashes it. */
export function refuseCell(input, shown) {
  input.value = shown;
  input.classList.add('lab-invalid');
  setTimeout(() => input.classList.remove('lab-invalid'), 800);
}
