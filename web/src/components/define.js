// Registers a custom element class under a tag, once: a second call (a page
// that loads the bundle twice, or a class defined under its own tag first)
// is harmless. Returns the class registered under the tag.
export function defineOnce(tag, cls) {
  if (!globalThis.customElements.get(tag)) globalThis.customElements.define(tag, cls);
  return globalThis.customElements.get(tag);
}
