// Conv kernel GFLOP/s, native and wasm side by side: runs the native
// bench_conv and the same source compiled to wasm (under this Node), each of
// which times every conv2d kernel of the kernel table that applies to the
// shape against the scalar reference in one process, and prints one table;
// `*` marks the kernel a network runs there, per build (the choice depends on
// the vector width). Ratios (x ref, of peak) come from the same process as
// the figure they divide.
//
//   node tools/bench/conv.js [--all] [--seconds S] [--json FILE]
//   npm run bench:conv -- --all     (builds first)
// CNN_NATIVE_BUILD / CNN_WASM_BUILD name other build directories.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
let jsonFile = null;
const passThrough = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--json') jsonFile = args[++i];
  else if (args[i] === '--all') passThrough.push('--all');
  else if (args[i] === '--seconds' || args[i] === '--shape') passThrough.push(args[i], args[++i]);
  else {
    console.error('usage: node tools/bench/conv.js [--all | --shape C,H,W,OC,K,PAD] [--seconds S] [--json FILE]');
    process.exit(2);
  }
}

// Build directories (scripts/build.sh's by default; override to bench another build).
const nativeDir = process.env.CNN_NATIVE_BUILD ?? `${root}build/native`;
const wasmDir = process.env.CNN_WASM_BUILD ?? `${root}build/wasm`;
const builds = [
  { name: 'native', cmd: `${nativeDir}/bench_conv`, argv: [] },
  { name: 'wasm', cmd: process.execPath, argv: ['--no-experimental-fetch', `${wasmDir}/bench_conv.js`] },
];

const results = {};
for (const b of builds) {
  const file = b.argv.length ? b.argv[b.argv.length - 1] : b.cmd;
  if (!existsSync(file)) {
    console.error(`${file} is missing: build it with scripts/build.sh (or npm run bench:conv)`);
    process.exit(1);
  }
  const r = spawnSync(b.cmd, [...b.argv, ...passThrough, '--json'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`${b.name} bench failed:\n${r.stderr}`);
    process.exit(1);
  }
  results[b.name] = JSON.parse(r.stdout);
}

const pad = (s, n) => String(s).padEnd(n);
const num = (x, d = 2) => x.toFixed(d).padStart(7);
const { native, wasm } = results;
console.log(`conv2d forward, batch 1, GFLOP/s = 2 * multiply-adds / time (median of calls)`);
console.log(`native: ${native.arch}, peak ${native.peak_gflops.toFixed(1)} GFLOP/s; ` +
            `wasm (Node ${process.versions.node}, V8 ${process.versions.v8}): SIMD128 via ${wasm.arch}, ` +
            `peak ${wasm.peak_gflops.toFixed(1)} GFLOP/s`);
console.log(`* = the kernel a network runs on that shape`);
console.log(`${pad('shape', 23)}${pad('kernel', 29)}| native    x ref  %peak | wasm      x ref  %peak | wasm/native`);
const rows = [];
native.shapes.forEach((ns, si) => {
  const ws = wasm.shapes[si];
  const nref = ns.kernels[0].gflops;
  const wref = ws.kernels[0].gflops;
  ns.kernels.forEach((nk) => {
    const wk = ws.kernels.find((k) => k.kernel === nk.kernel);
    const row = {
      shape: ns.shape,
      kernel: nk.kernel,
      native_chosen: nk.chosen,
      wasm_chosen: wk.chosen,
      native_gflops: nk.gflops,
      native_x_ref: nk.gflops / nref,
      native_of_peak: nk.gflops / native.peak_gflops,
      wasm_gflops: wk.gflops,
      wasm_x_ref: wk.gflops / wref,
      wasm_of_peak: wk.gflops / wasm.peak_gflops,
      wasm_over_native: wk.gflops / nk.gflops,
      max_abs_diff: Math.max(nk.max_abs_diff, wk.max_abs_diff),
    };
    rows.push(row);
    const mark = (chosen) => (chosen ? '*' : ' ');
    console.log(`${pad(ns.shape, 23)}${pad(nk.kernel, 29)}|${num(row.native_gflops)}${mark(nk.chosen)} ` +
                `${num(row.native_x_ref, 1)} ${num(100 * row.native_of_peak, 0)}% |` +
                `${num(row.wasm_gflops)}${mark(wk.chosen)} ${num(row.wasm_x_ref, 1)} ` +
                `${num(100 * row.wasm_of_peak, 0)}% | ${num(row.wasm_over_native)}`);
  });
});
// A kernel that disagrees with the reference is not reported as fast.
const TOLERANCE = 1e-3;
const wrong = rows.filter((r) => !(r.max_abs_diff <= TOLERANCE));
if (wrong.length) {
  for (const r of wrong) console.error(`${r.kernel} on ${r.shape} differs from the reference by ${r.max_abs_diff}`);
  process.exit(1);
}
if (jsonFile) {
  writeFileSync(jsonFile, JSON.stringify({ date: new Date().toISOString(), native, wasm, rows }, null, 2));
  console.log(`wrote ${jsonFile}`);
}
