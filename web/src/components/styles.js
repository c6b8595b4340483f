// The widgets' style sheets, put into each widget's shadow root (so the host
// page's CSS cannot reach in and the widgets' cannot leak out). Unbundled,
// each is a <link> to its file; the self-contained build (tools/dist.js)
// fills STYLE_TEXTS with the files' text, so it needs no other file.
export const STYLE_FILES = Object.freeze(['../ui/ui.css', '../ui/lab/lab.css', './widget.css']);

const STYLE_TEXTS = null;

/** Appends the style sheets to a shadow root. */
export function appendStyles(root) {
  STYLE_FILES.forEach((file, i) => {
    if (STYLE_TEXTS) {
      const style = document.createElement('style');
      style.textContent = STYLE_TEXTS[i];
      root.append(style);
    } else {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = new URL(file, import.meta.url).href;
      root.append(link);
    }
  });
}
