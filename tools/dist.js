// Builds the self-contained widget artefact, a folder a teacher copies next
// to their notes and serves from any static server, with no network needed:
//   cnn-playground.js  every widget, their style sheets and the engine
//                      Worker, in one ES module
//   cnn-training.js    the Worker's training ops, fetched by the Worker on
//                      the first of them (a page with <cnn-train>)
//   cnn.wasm           the engine, fetched by the Worker from beside the
//                      module (raw, it compresses better than as base64)
//   cnn-onnx.js, cnn-onnx.wasm
//                      the ONNX importer, loaded by the Worker from the same
//                      folder on the first model imported (model="x.onnx"),
//                      so a page that imports none downloads neither
//   models/            the catalogue's models and their sample images
//                      (fetched only by a widget that shows them)
//   data/              the training data of <cnn-train> (manifest.json and
//                      its files, fetched only when training starts)
//   embed.html         the iframe embed page (settings in its URL hash)
//   lecture.html       the example lecture notes
//   teach.html         the page that writes the code for a widget
// Usage: node tools/dist.js [OUT_DIR]   (default dist/cnn-playground; npm run
// dist builds the wasm first). Prints each file's size, raw and compressed
// (the training data raw only).
//
// How the one file works: esbuild bundles the Worker (worker-protocol.js,
// engine.js, cnn.js and the handlers) into a string; the widgets' bundle
// holds that string and starts the Worker from a Blob URL, telling it the
// folder it came from (a Blob-URL Worker has no URL of its own to find
// cnn.wasm, cnn-onnx.js or cnn-training.js by). Three
// modules of web/src/components/ have a constant that is null when they are
// served unbundled and that this build fills in: WORKER_SOURCE
// (engine-client.js), STYLE_TEXTS (styles.js), ASSET_BASE and DATA_FOLDER
// (models.js).
import { build, transform } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const COMPONENTS = join(WEB, 'src', 'components');
const PAGES = ['embed.html', 'lecture.html', 'teach.html'];
const ENGINE_FILES = ['cnn.wasm', 'cnn-onnx.js', 'cnn-onnx.wasm'];
const DATA_OUT = 'data';
const DEV_SCRIPT = 'src="src/components/cnn-playground.js"';
const TARGET = ['es2022', 'chrome100', 'firefox115', 'safari16'];

/** Replaces `const NAME = null;` in a module's source, or fails (the build and the module must agree). */
function fill(source, name, value, file) {
  const blank = `const ${name} = null;`;
  if (!source.includes(blank)) throw new Error(`${file}: expected "${blank}" to fill in`);
  return source.replace(blank, () => `const ${name} = ${JSON.stringify(value)};`);
}

async function workerSource() {
  // self.CNN_ASSET_BASE: the bundle's folder, set by engine-client.js before this source. The training
  // ops are answered by cnn-training.js, fetched from that folder by the first of them, so a page
  // without <cnn-train> never downloads them.
  const { createTrainingHandlers } = await import(new URL('../web/src/engine/training-handlers.js', import.meta.url));
  const trainingOps = Object.keys(createTrainingHandlers({}, { schedule() {} }));
  const entry = `
    import createModule from './web/build/cnn.js';
    import { loadEngine } from './web/src/engine/engine.js';
    import { serveEngine } from './web/src/engine/worker-protocol.js';
    import { createHandlers } from './web/src/engine/handlers.js';
    const base = self.CNN_ASSET_BASE;
    serveEngine(self, loadEngine({
      createModule,
      wasmUrl: new URL('cnn.wasm', base).href,
      onnxModuleUrl: new URL('cnn-onnx.js', base).href,
    }), (engine) => {
      let training = null;
      const load = () => (training ??= import(new URL('cnn-training.js', base).href)
        .then((m) => m.createTrainingHandlers(engine), (e) => {
          training = null;
          throw new Error('the training code could not be loaded: ' + (e?.message ?? e));
        }));
      const lazy = Object.fromEntries(${JSON.stringify(trainingOps)}.map((op) => [op, async (payload) => (await load())[op](payload)]));
      return { ...createHandlers(engine), ...lazy };
    });
  `;
  const options = { bundle: true, format: 'esm', minify: true, write: false, platform: 'browser', target: TARGET,
    external: ['node:*'], logLevel: 'warning', legalComments: 'none' };
  const out = await build({ ...options, stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'worker-entry.js', loader: 'js' } });
  const training = await build({ ...options, entryPoints: [join(WEB, 'src', 'engine', 'training-handlers.js')] });
  return { worker: out.outputFiles[0].text, training: training.outputFiles[0].text };
}

/**
 * The catalogue's files (its models, their sample images) copied into the
 * folder, each fetched only by a widget that shows it (a model file's
 * float16 weights hardly compress: inlined as base64 it cost more than
 * the file, and every page paid for it, a lab's too).
 */
async function modelFiles(outDir) {
  const { MODEL_CATALOGUE } = await import(new URL('../web/src/ui/models.js', import.meta.url));
  const { entryFiles } = await import(new URL('../web/src/components/models.js', import.meta.url));
  const copied = [];
  for (const entry of MODEL_CATALOGUE) {
    for (const [, path] of entryFiles(entry)) {
      mkdirSync(dirname(join(outDir, path)), { recursive: true });
      copyFileSync(join(WEB, path), join(outDir, path));
      copied.push(path);
    }
  }
  return { copied };
}

/** The training data (web/build/data/: its manifest and the files it lists) copied into outDir/data/; returns their paths. */
function trainingData(outDir) {
  const from = join(WEB, 'build', 'data');
  const manifest = JSON.parse(readFileSync(join(from, 'manifest.json'), 'utf8'));
  mkdirSync(join(outDir, DATA_OUT), { recursive: true });
  const files = ['manifest.json', ...Object.values(manifest.sets).map((s) => s.file)];
  for (const f of files) copyFileSync(join(from, f), join(outDir, DATA_OUT, f));
  return files.map((f) => `${DATA_OUT}/${f}`);
}

/** Builds the artefact into `outDir`; returns [{ file, raw, gzip, brotli }]. */
export async function buildDist(outDir = join(ROOT, 'dist', 'cnn-playground')) {
  mkdirSync(outDir, { recursive: true });
  const { worker, training } = await workerSource();
  writeFileSync(join(outDir, 'cnn-training.js'), training);
  // the style sheets minified (their comments are for the source); the dark blocks keep their
  // '@media screen and (prefers-color-scheme:dark)' form, which themedCss() finds
  const styles = await Promise.all((await import(new URL('../web/src/components/styles.js', import.meta.url))).STYLE_FILES
    .map(async (f) => (await transform(readFileSync(join(COMPONENTS, f), 'utf8'), { loader: 'css', minify: true, target: TARGET })).code));
  const models = await modelFiles(outDir);
  for (const f of ENGINE_FILES) copyFileSync(join(WEB, 'build', f), join(outDir, f));
  const data = trainingData(outDir);
  const fills = {
    'engine-client.js': ['WORKER_SOURCE', worker],
    'styles.js': ['STYLE_TEXTS', styles],
    'models.js': [['ASSET_BASE', './'], ['DATA_FOLDER', `${DATA_OUT}/`]],
  };
  const fillIn = {
    name: 'fill-in',
    setup(b) {
      b.onLoad({ filter: /web[\\/]src[\\/]components[\\/][\w-]+\.js$/ }, (args) => {
        const name = args.path.split(/[\\/]/).at(-1);
        let contents = readFileSync(args.path, 'utf8');
        if (Object.hasOwn(fills, name)) {
          const list = Array.isArray(fills[name][0]) ? fills[name] : [fills[name]];
          for (const [constant, value] of list) if (value !== null) contents = fill(contents, constant, value, name);
        }
        return { contents, loader: 'js' };
      });
    },
  };
  await build({
    entryPoints: [join(COMPONENTS, 'cnn-playground.js')],
    outfile: join(outDir, 'cnn-playground.js'),
    bundle: true, format: 'esm', minify: true, platform: 'browser', target: TARGET,
    external: ['node:*'], plugins: [fillIn], logLevel: 'warning', legalComments: 'none',
  });
  for (const page of PAGES) {
    const html = readFileSync(join(WEB, page), 'utf8');
    if (!html.includes(DEV_SCRIPT)) throw new Error(`web/${page}: expected ${DEV_SCRIPT}`);
    writeFileSync(join(outDir, page), html.replace(DEV_SCRIPT, 'src="cnn-playground.js"'));
  }
  // the training data is listed raw: compressing 19 MB at the highest levels takes minutes, and the
  // files are fetched only when training starts, so they are no part of what a page downloads
  const compressed = (file) => !data.includes(file);
  return ['cnn-playground.js', 'cnn-training.js', ...ENGINE_FILES, ...PAGES, ...models.copied, ...data].map((file) => {
    const bytes = readFileSync(join(outDir, file));
    return {
      file, raw: bytes.length, gzip: compressed(file) ? gzipSync(bytes, { level: 9 }).length : null,
      brotli: compressed(file) ? brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length : null,
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? join(ROOT, 'dist', 'cnn-playground');
  buildDist(out).then((sizes) => {
    console.log(`built ${out}`);
    for (const s of sizes) {
      const packed = s.gzip === null ? '' : `, ${String(s.gzip).padStart(7)} B gzip, ${String(s.brotli).padStart(7)} B brotli`;
      console.log(`  ${s.file.padEnd(24)} ${String(s.raw).padStart(8)} B raw${packed}`);
    }
  }, (e) => {
    console.error(`dist: ${e.message}`);
    process.exit(1);
  });
}
