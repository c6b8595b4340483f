// Builds the self-contained widget artefact, a folder a teacher copies next
// to their notes and serves from any static server, with no network needed:
//   cnn-playground.js  every widget, the engine Worker and the default
//                      model, in one ES module
//   cnn.wasm           the engine, fetched by the Worker from beside the
//                      module (raw, it compresses better than as base64)
//   cnn-onnx.js, cnn-onnx.wasm
//                      the ONNX importer, loaded by the Worker from the same
//                      folder on the first model imported (model="x.onnx"),
//                      so a page that imports none downloads neither
//   models/            the sample images and the catalogue's other models
//                      (fetched only by a widget that shows them)
//   embed.html         the iframe embed page (settings in its URL hash)
//   lecture.html       the example lecture notes
//   teach.html         the page that writes the code for a widget
// Usage: node tools/dist.js [OUT_DIR]   (default dist/cnn-playground; npm run
// dist builds the wasm first). Prints each file's size, raw and compressed.
//
// How the one file works: esbuild bundles the Worker (worker-protocol.js,
// engine.js, cnn.js) into a string; the widgets' bundle holds that string
// and starts the Worker from a Blob URL, telling it the folder it came from
// (a Blob-URL Worker has no URL of its own to find cnn.wasm by). Three
// modules of web/src/components/ have a constant that is null when they are
// served unbundled and that this build fills in: WORKER_SOURCE
// (engine-client.js), STYLE_TEXTS (styles.js), INLINED and ASSET_BASE (models.js).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const COMPONENTS = join(WEB, 'src', 'components');
const PAGES = ['embed.html', 'lecture.html', 'teach.html'];
const ENGINE_FILES = ['cnn.wasm', 'cnn-onnx.js', 'cnn-onnx.wasm'];
const DEV_SCRIPT = 'src="src/components/cnn-playground.js"';
const TARGET = ['es2022', 'chrome100', 'firefox115', 'safari16'];

/** Replaces `const NAME = null;` in a module's source, or fails (the build and the module must agree). */
function fill(source, name, value, file) {
  const blank = `const ${name} = null;`;
  if (!source.includes(blank)) throw new Error(`${file}: expected "${blank}" to fill in`);
  return source.replace(blank, () => `const ${name} = ${JSON.stringify(value)};`);
}

async function workerSource() {
  // ASSET_BASE: the bundle's folder, set by engine-client.js before this source
  const entry = `
    import createModule from './web/build/cnn.js';
    import { loadEngine } from './web/src/engine/engine.js';
    import { serveEngine } from './web/src/engine/worker-protocol.js';
    serveEngine(self, loadEngine({
      createModule,
      wasmUrl: new URL('cnn.wasm', self.CNN_ASSET_BASE).href,
      onnxModuleUrl: new URL('cnn-onnx.js', self.CNN_ASSET_BASE).href,
    }));
  `;
  const out = await build({
    stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'worker-entry.js', loader: 'js' },
    bundle: true, format: 'esm', minify: true, write: false, platform: 'browser', target: TARGET,
    external: ['node:*'], logLevel: 'warning', legalComments: 'none',
  });
  return out.outputFiles[0].text;
}

/**
 * The default (first) catalogue entry's model file is inlined; every other
 * file (its sample images, the other models) is copied into the folder and
 * fetched only by a widget that shows it.
 */
async function modelFiles(outDir) {
  const { MODEL_CATALOGUE } = await import(new URL('../web/src/ui/models.js', import.meta.url));
  const { entryFiles } = await import(new URL('../web/src/components/models.js', import.meta.url));
  const inlined = {};
  const copied = [];
  MODEL_CATALOGUE.forEach((entry, i) => {
    for (const [field, path] of entryFiles(entry)) {
      if (i === 0 && field === 'url') {
        inlined[path] = readFileSync(join(WEB, path)).toString('base64');
      } else {
        mkdirSync(dirname(join(outDir, path)), { recursive: true });
        copyFileSync(join(WEB, path), join(outDir, path));
        copied.push(path);
      }
    }
  });
  return { inlined, copied };
}

/** Builds the artefact into `outDir`; returns [{ file, raw, gzip, brotli }]. */
export async function buildDist(outDir = join(ROOT, 'dist', 'cnn-playground')) {
  mkdirSync(outDir, { recursive: true });
  const worker = await workerSource();
  const styles = (await import(new URL('../web/src/components/styles.js', import.meta.url))).STYLE_FILES
    .map((f) => readFileSync(join(COMPONENTS, f), 'utf8'));
  const models = await modelFiles(outDir);
  for (const f of ENGINE_FILES) copyFileSync(join(WEB, 'build', f), join(outDir, f));
  const fills = {
    'engine-client.js': ['WORKER_SOURCE', worker],
    'styles.js': ['STYLE_TEXTS', styles],
    'models.js': [['INLINED', Object.keys(models.inlined).length ? models.inlined : null], ['ASSET_BASE', './']],
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
  return ['cnn-playground.js', ...ENGINE_FILES, ...PAGES, ...models.copied].map((file) => {
    const bytes = readFileSync(join(outDir, file));
    return {
      file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? join(ROOT, 'dist', 'cnn-playground');
  buildDist(out).then((sizes) => {
    console.log(`built ${out}`);
    for (const s of sizes) console.log(`  ${s.file.padEnd(18)} ${String(s.raw).padStart(8)} B raw, ${String(s.gzip).padStart(7)} B gzip, ${String(s.brotli).padStart(7)} B brotli`);
  }, (e) => {
    console.error(`dist: ${e.message}`);
    process.exit(1);
  });
}
