// Text contrast, checked in the browser: pass lowContrastTexts to
// page.evaluate (it is self-contained, only its source is sent). It returns
// every visible text, widgets' shadow roots included, whose WCAG contrast
// ratio against the background it is drawn on (the nearest ancestor with an
// opaque background colour) is under 4.5:1.
export function lowContrastTexts() {
  const rgb = (s) => (s.match(/[\d.]+/g) ?? []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement ?? e.getRootNode().host) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
      if (getComputedStyle(e).backgroundImage !== 'none') return null;  // a gradient or image: not judged here
    }
    // no background anywhere: the browser's canvas, dark only if the page opts in to a dark scheme
    const dark = matchMedia('(prefers-color-scheme: dark)').matches && /dark/.test(getComputedStyle(document.documentElement).colorScheme);
    return dark ? [18, 18, 18] : [255, 255, 255];
  };
  // every text node, inside open shadow roots too (the widgets)
  const texts = [];
  const collect = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) texts.push(n);
      else if (n.shadowRoot) collect(n.shadowRoot);
    }
  };
  collect(document.body);
  const low = [];
  const seen = new Set();
  for (const n of texts) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim() || seen.has(el) || !el.checkVisibility?.() || el.closest('[hidden], option, script, style')) continue;
    seen.add(el);
    const bg = background(el);
    if (!bg) continue;
    const style = getComputedStyle(el);
    const fg = rgb(style.color);
    if (fg.length === 4 && fg[3] < 1) continue;
    const [a, b] = [lum(fg) + 0.05, lum(bg) + 0.05];
    const ratio = Math.max(a, b) / Math.min(a, b);
    if (ratio < 4.5) low.push(`${n.textContent.trim().slice(0, 30)} (${ratio.toFixed(2)}: ${style.color} on rgb(${bg.join(', ')}))`);
  }
  return [...new Set(low)];
}
