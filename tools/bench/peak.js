// The machine's SIMD128 multiply-add peak, measured in the running engine
// (Node or a browser): a tiny hand-assembled wasm function whose loop is
// nothing but f32x4 multiplies and adds on 6 independent pairs of registers
// (x = x * m; acc = acc + x), unrolled 4 times. wasm SIMD128 has no fused
// multiply-add, so a "multiply-add" is one f32x4.mul plus one f32x4.add:
// 2 flops per lane. m is 1 at run time, so the values stay finite.
//
// V8 compiles wasm in tiers and a call in progress never switches tier, so
// the function is called many times and the best round counts. The optimised
// tier is compiled in the background, and on a busy machine a one-second
// window can end before it arrives (measured in Chromium: 31.5 GFLOP/s in
// the first window, 53-56 in the next ones), so the measuring goes on until
// the best round has not improved for half the window.

const PAIRS = 6;
const UNROLL = 4;

function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
const f32bytes = (x) => Array.from(new Uint8Array(new Float32Array([x]).buffer));
const section = (id, body) => [id, ...leb(body.length), ...body];
const simd = (op) => [0xfd, ...leb(op)];
const F32X4_SPLAT = 0x13, F32X4_EXTRACT = 0x1f, F32X4_ADD = 0xe4, F32X4_MUL = 0xe6;

// (func (param $steps i32) (param $one f32) (result f32)) exported as "run".
function peakModuleBytes() {
  const STEPS = 0, ONE = 1;
  const M = 2, X = 3, ACC = 3 + PAIRS;  // v128 locals
  const body = [];
  body.push(0x20, ONE, ...simd(F32X4_SPLAT), 0x21, M);
  for (let i = 0; i < PAIRS; i++) {
    body.push(0x43, ...f32bytes((i + 1) * 1e-3), ...simd(F32X4_SPLAT), 0x21, X + i);
    body.push(0x43, ...f32bytes(0), ...simd(F32X4_SPLAT), 0x21, ACC + i);
  }
  body.push(0x03, 0x40);  // loop
  for (let u = 0; u < UNROLL; u++)
    for (let i = 0; i < PAIRS; i++) {
      body.push(0x20, X + i, 0x20, M, ...simd(F32X4_MUL), 0x22, X + i);   // x = x * m (tee)
      body.push(0x20, ACC + i, ...simd(F32X4_ADD), 0x21, ACC + i);        // acc = x + acc
    }
  body.push(0x20, STEPS, 0x41, 1, 0x6b, 0x22, STEPS, 0x0d, 0);  // steps -= 1; br_if loop
  body.push(0x0b);  // end loop
  body.push(0x20, ACC);
  for (let i = 1; i < PAIRS; i++) body.push(0x20, ACC + i, ...simd(F32X4_ADD));
  body.push(...simd(F32X4_EXTRACT), 0, 0x0b);
  const locals = [1, ...leb(1 + 2 * PAIRS), 0x7b];  // one group of v128 locals
  const func = [...locals, ...body];
  const code = [1, ...leb(func.length), ...func];
  const type = [1, 0x60, 2, 0x7f, 0x7d, 1, 0x7d];
  const name = Array.from(new TextEncoder().encode('run'));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, type),
    ...section(3, [1, 0]),
    ...section(7, [1, name.length, ...name, 0x00, 0]),
    ...section(10, code),
  ]);
}

/** GFLOP/s of the best round within `seconds` (2 flops per lane per multiply-add). */
export async function measureSimdPeak(seconds = 0.5) {
  const { instance } = await WebAssembly.instantiate(peakModuleBytes());
  const run = instance.exports.run;
  // Only rounds of 5 ms or more count, far above a browser's coarse timer
  // (0.1 ms, with jitter): when the optimised tier makes a round shorter,
  // the round doubles instead of being counted.
  const MIN_ROUND_MS = 5;
  let steps = 1 << 12, sink = 0, best = 0;
  const window = seconds * 1000;
  const t0 = performance.now();
  let improved = t0;
  for (;;) {
    const t = performance.now();
    sink += run(steps, 1);
    const end = performance.now();
    if (end - t < MIN_ROUND_MS && steps < 1 << 26) {
      steps *= 2;
    } else {
      const rate = (2 * PAIRS * UNROLL * 4 * steps) / ((end - t) / 1000) / 1e9;
      if (rate > best * 1.02) improved = end;  // a faster tier, not a timer tick
      best = Math.max(best, rate);
    }
    if ((end - t0 >= window && end - improved >= window / 2) || end - t0 >= 10 * window) break;
  }
  if (!Number.isFinite(sink)) throw new Error('peak loop produced a non-finite value');
  return best;
}
