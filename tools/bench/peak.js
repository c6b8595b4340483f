// The most f32x4 arithmetic the core can issue, measured in the running
// engine (Node or a browser), as GFLOP/s: the bound every "% of peak" figure
// of the bench is read against.
//
// wasm SIMD128 has no fused multiply-add, so a kernel's multiply-add is one
// f32x4.mul and one f32x4.add (4 flops each), and its GFLOP/s can never
// exceed 4 x (muls + adds the core issues per second). The probe issues
// nothing but those: tiny hand-assembled wasm functions whose loop body is
// 12 independent streams, with no memory traffic and no dependence between
// one stream and another:
//   x_i = x_i * m   (MUL streams; m is 1 at run time, so x stays finite)
//   a_i = a_i + c   (ADD streams; c is 0 at run time)
// A stream is a chain (each op waits for the previous one of its stream), so
// it needs latency x pipes streams in flight to keep every pipe busy: 6 per
// kind on a core with two 3-cycle multipliers and two 3-cycle adders (AMD Zen),
// 8 for two 4-cycle pipes (Intel). V8 on x86-64 allocates 15 vector registers
// (xmm15 is its scratch), so a function holds at most 13 streams beside m and c
// before it spills. Cores split their pipes between multiply and add in
// different ways, so several mixes are measured and the fastest counts:
// 12 muls, 12 adds, 6 + 6, 8 + 4, 4 + 8 streams. A kernel's mix of muls and
// adds is one of the mixes the core can issue, so it cannot go faster than the
// fastest mix at its own balance, nor than the fastest of all: no kernel row
// can exceed 100% (the conv kernels compute every tap, padding included, and
// are counted by their nominal 2 x multiply-adds, never more than they issue).
//
// The body is the 12 streams once, not unrolled further: unrolled 2, 4, 8 or
// 16 times, V8's code for the 6 + 6 mix issued 10-15% less here (AMD EPYC,
// Node 20: 58.7 GFLOP/s once, 49-54 unrolled, while 12 muls alone gave 29.3
// either way; a native loop of the same 6 + 6 streams gives 58). The loop's
// counter and V8's interrupt check are a few scalar ops beside 12 vector ones.
//
// V8 compiles wasm in tiers and a call in progress never switches tier, so
// each function is called many times and its best round counts. The optimised
// tier is compiled in the background, and on a busy machine a one-second
// window can end before it arrives, so the measuring goes on until no mix's
// best round has improved for half the window.

export const PEAK_MIXES = [
  { muls: 12, adds: 0 },
  { muls: 0, adds: 12 },
  { muls: 6, adds: 6 },
  { muls: 8, adds: 4 },
  { muls: 4, adds: 8 },
];
const UNROLL = 1;

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

// One function (param $steps i32) (param $m f32) (param $c f32) (result f32)
// per mix; the result sums every stream so none is dead.
function mixBody({ muls, adds }) {
  const STEPS = 0, MP = 1, CP = 2;
  const M = 3, C = 4, S = 5;  // v128 locals: m, c, then the streams
  const streams = muls + adds;
  const body = [];
  body.push(0x20, MP, ...simd(F32X4_SPLAT), 0x21, M);
  body.push(0x20, CP, ...simd(F32X4_SPLAT), 0x21, C);
  for (let i = 0; i < streams; i++) body.push(0x43, ...f32bytes((i + 1) * 1e-3), ...simd(F32X4_SPLAT), 0x21, S + i);
  body.push(0x03, 0x40);  // loop
  for (let u = 0; u < UNROLL; u++) {
    // interleaved, so the muls and adds of one step sit side by side in the code
    for (let i = 0; i < Math.max(muls, adds); i++) {
      if (i < muls) body.push(0x20, S + i, 0x20, M, ...simd(F32X4_MUL), 0x21, S + i);
      if (i < adds) body.push(0x20, S + muls + i, 0x20, C, ...simd(F32X4_ADD), 0x21, S + muls + i);
    }
  }
  body.push(0x20, STEPS, 0x41, 1, 0x6b, 0x22, STEPS, 0x0d, 0);  // steps -= 1; br_if loop
  body.push(0x0b);  // end loop
  body.push(0x20, S);
  for (let i = 1; i < streams; i++) body.push(0x20, S + i, ...simd(F32X4_ADD));
  body.push(...simd(F32X4_EXTRACT), 0, 0x0b);
  const locals = [1, ...leb(2 + streams), 0x7b];  // one group of v128 locals
  return [...locals, ...body];
}

function peakModuleBytes() {
  const funcs = PEAK_MIXES.map(mixBody);
  const code = [funcs.length, ...funcs.flatMap((f) => [...leb(f.length), ...f])];
  const type = [1, 0x60, 3, 0x7f, 0x7d, 0x7d, 1, 0x7d];
  const exports = [funcs.length];
  funcs.forEach((_, i) => {
    const name = Array.from(new TextEncoder().encode(`mix${i}`));
    exports.push(name.length, ...name, 0x00, i);
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, type),
    ...section(3, [funcs.length, ...funcs.map(() => 0)]),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

/**
 * The peak: { gflops (the fastest mix), mixes: [{ muls, adds, gflops }],
 * probe: { call, flops } (the fastest mix, about 1 ms a call) },
 * each mix's best round within about `seconds` (more when the optimised tier
 * is late). 4 flops per f32x4 multiply or add.
 */
export async function measureSimdPeak(seconds = 0.5) {
  const { instance } = await WebAssembly.instantiate(peakModuleBytes());
  // Only rounds of 5 ms or more count, far above a browser's coarse timer
  // (0.1 ms, with jitter): when the optimised tier makes a round shorter,
  // the round doubles instead of being counted.
  const MIN_ROUND_MS = 5;
  const state = PEAK_MIXES.map((mix, i) => ({ ...mix, run: instance.exports[`mix${i}`], steps: 1 << 10, best: 0 }));
  let sink = 0;
  const window = seconds * 1000;
  const t0 = performance.now();
  let improved = t0;
  for (;;) {
    let end = t0;
    for (const s of state) {
      const t = performance.now();
      sink += s.run(s.steps, 1, 0);
      end = performance.now();
      if (end - t < MIN_ROUND_MS && s.steps < 1 << 26) {
        s.steps *= 2;
      } else {
        const rate = (4 * (s.muls + s.adds) * UNROLL * s.steps) / ((end - t) / 1000) / 1e9;  // 4 flops per f32x4 op
        if (rate > s.best * 1.02) improved = end;  // a faster tier, not a timer tick
        s.best = Math.max(s.best, rate);
      }
    }
    if ((end - t0 >= window && end - improved >= window / 2) || end - t0 >= 10 * window) break;
  }
  if (!Number.isFinite(sink)) throw new Error('peak loop produced a non-finite value');
  const mixes = state.map(({ muls, adds, best }) => ({ muls, adds, gflops: best }));
  const fastest = state.reduce((a, b) => (b.best > a.best ? b : a));
  // The fastest mix as a call of about a millisecond, to time beside a kernel
  // in the same rounds (on a busy machine both then lose alike).
  const flopsPerStep = 4 * (fastest.muls + fastest.adds) * UNROLL;
  const steps = Math.max(1, Math.round((fastest.best * 1e6) / flopsPerStep));
  const probe = { call: () => fastest.run(steps, 1, 0), flops: flopsPerStep * steps };
  return { gflops: Math.max(...mixes.map((m) => m.gflops)), mixes, probe };
}
