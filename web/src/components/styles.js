// The widgets' style sheets, put into each widget's shadow root (so the host
// page's CSS cannot reach in and the widgets' cannot leak out). Unbundled,
// each is a <link> to its file; the self-contained build (tools/dist.js)
// fills STYLE_TEXTS with the files' text, so it needs no other file.
//
// Themes: 'auto' follows the reader's system (prefers-color-scheme); 'light'
// and 'dark' force one, for notes whose own light/dark switch the system does
// not know about. A forced theme is the same sheets with their dark-scheme
// media blocks turned on or off (themedCss), so the dark colours are written
// once, in the @media screen and (prefers-color-scheme: dark) blocks of the
// CSS files. Those are for screens only: on paper every theme prints light.
export const STYLE_FILES = Object.freeze(['../ui/ui.css', '../ui/lab/lab.css', '../ui/train/train.css', './widget.css']);

const STYLE_TEXTS = null;
const DARK_MEDIA = /@media\s+screen\s+and\s+\(\s*prefers-color-scheme\s*:\s*dark\s*\)/g;

/** A style sheet's text for a theme: its dark-scheme blocks on every screen ('dark'), never on ('light'), or as written. */
export function themedCss(text, theme) {
  if (theme !== 'light' && theme !== 'dark') return text;
  return text.replace(DARK_MEDIA, theme === 'dark' ? '@media screen' : '@media not all');
}

let fetchedTexts = null;
function styleTexts() {
  if (STYLE_TEXTS) return Promise.resolve(STYLE_TEXTS);
  fetchedTexts ??= Promise.all(STYLE_FILES.map(async (file) => {
    const res = await fetch(new URL(file, import.meta.url));
    if (!res.ok) throw new Error(`${file}: ${res.status}`);
    return res.text();
  }));
  return fetchedTexts;
}

const applied = new WeakMap();  // shadow root -> { nodes, theme }

/**
 * Puts the style sheets into a shadow root for a theme ('auto' by default);
 * a later call with another theme replaces them. Unbundled, a forced theme
 * needs the files' text: the current sheets stay until it has arrived.
 */
export function applyStyles(root, theme = 'auto') {
  const current = applied.get(root);
  if (current?.theme === theme) return;
  const entry = { nodes: current?.nodes ?? [], theme };
  applied.set(root, entry);
  const put = (nodes) => {
    if (applied.get(root) !== entry) return;  // a newer theme was asked for meanwhile
    for (const n of entry.nodes) n.remove();
    entry.nodes = nodes;
    root.prepend(...nodes);
  };
  const styles = (texts) => texts.map((text) => {
    const style = document.createElement('style');
    style.textContent = themedCss(text, theme);
    return style;
  });
  const links = () => STYLE_FILES.map((file) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL(file, import.meta.url).href;
    return link;
  });
  if (STYLE_TEXTS) {
    put(styles(STYLE_TEXTS));
  } else if (theme === 'auto') {
    put(links());
  } else {
    if (!entry.nodes.length) put(links());  // styled at once, themed when the text is in
    styleTexts().then((texts) => put(styles(texts)), () => {});  // unreadable: the sheets in place stay
  }
}
