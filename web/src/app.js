// The playground page's glue: picks the language (?lang=, else the
// browser's), fills the page's own text, and mounts each piece into its
// section's [data-slot]. Pieces are classes given containers and options
// (web/src/ui/); this file is the only one that looks the page up by id.
//
// To add a piece: give it a <section> with a [data-slot] in index.html and an
// entry in PIECES below. mount(slots, ctx) returns an object with
// setLang(lang) (and may return a promise of it); ctx is { lang, mounted }
// (the pieces mounted before it).
import { t, pickLang } from './ui/i18n.js';
import { Playground } from './ui/playground.js';
import { ModelImport } from './ui/model-import.js';
import { mountLab } from './ui/lab/mount.js';
import { mountTrain } from './ui/train/mount.js';
import { FcVsConvView } from './ui/fc-vs-conv.js';
import { EngineClient } from './engine/client.js';

const PIECES = [
  {
    slots: ['draw', 'network', 'cost'],
    mount(slots, { lang }) {
      const playground = new Playground({ draw: slots.draw, network: slots.network, cost: slots.cost }, { lang });
      globalThis.cnnPlayground = playground;  // for the end-to-end tests and the console
      playground.start();
      return playground;
    },
  },
  {
    slots: ['import'],
    mount(slots, { lang, mounted }) {
      const playground = mounted.find((p) => p instanceof Playground);
      return new ModelImport(slots.import, { lang, playground, page: document });
    },
  },
  {
    slots: ['lab'],
    mount(slots, { lang, mounted }) {
      const playground = mounted.find((p) => p instanceof Playground);
      const piece = mountLab(slots.lab, { lang, playground });
      globalThis.cnnLab = piece.lab;  // for the end-to-end tests and the console
      return piece;
    },
  },
  {
    slots: ['fc-vs-conv'],
    mount(slots, { lang, mounted }) {
      const view = new FcVsConvView(slots['fc-vs-conv'], { client: EngineClient.shared(), lang });
      mounted.find((p) => p instanceof Playground)?.addEventListener('update', (e) => {
        if (e.detail?.image && !e.detail.empty) view.setDigit(e.detail.image);
      });
      globalThis.cnnFc = view;  // for the end-to-end tests and the console
      return view;
    },
  },
  {
    slots: ['train'],
    mount(slots, { lang, mounted }) {
      const piece = mountTrain(slots.train, { lang, playground: mounted.find((p) => p instanceof Playground) });
      globalThis.cnnTrain = piece.view;  // for the end-to-end tests and the console
      return piece;
    },
  },
];

function initialLang() {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  return pickLang(fromUrl ?? navigator.language);
}

function translatePage(lang) {
  document.documentElement.lang = lang;
  document.title = t(lang, 'app.title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(lang, node.dataset.i18n);
}

// The engine's version and SIMD architecture, from the page's shared Worker (asked once).
let engineInfo = null;
async function showEngineInfo(lang) {
  const slot = document.querySelector('[data-slot="engine-info"]');
  if (!slot) return;
  engineInfo ??= EngineClient.shared().request('info');
  const info = await engineInfo;
  slot.textContent = t(lang, 'page.engine', { version: info.version, arch: info.simdArch, width: info.simdWidth });
}

function showPageError(message) {
  const status = document.getElementById('page-status');
  status.hidden = false;
  status.textContent = message;
}

async function main() {
  let lang = initialLang();
  translatePage(lang);
  const mounted = [];
  for (const piece of PIECES) {
    const slots = Object.fromEntries(piece.slots.map((name) => [name, document.querySelector(`[data-slot="${name}"]`)]));
    if (Object.values(slots).some((s) => !s)) continue;
    try {
      mounted.push(await piece.mount(slots, { lang, mounted }));
    } catch (e) {
      showPageError(t(lang, 'engine.failed', { message: e?.message ?? String(e) }));
    }
  }
  showEngineInfo(lang).catch(() => {});  // a failed engine is already reported by the pieces
  const picker = document.getElementById('lang');
  picker.value = lang;
  picker.addEventListener('change', () => {
    lang = pickLang(picker.value);
    translatePage(lang);
    for (const piece of mounted) piece?.setLang?.(lang);
    showEngineInfo(lang).catch(() => {});
    const url = new URL(location.href);
    url.searchParams.set('lang', lang);
    history.replaceState(null, '', url);
  });
}

main().catch((e) => showPageError(`${e?.message ?? e}`));
