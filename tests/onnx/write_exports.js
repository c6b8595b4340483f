// Writes the ONNX exports of tests/onnx/export-cases.js into a folder for
// tests/onnx/check_exports.py (run by tests/onnx/run.sh): for each network,
// NAME.onnx (engine.exportOnnx), NAME.py (the page's PyTorch program for it,
// ui/pytorch.js), NAME.input.bin and NAME.output.bin (a batch of 3 seeded
// inputs and the engine's outputs, float32), NAME.layers.bin (every
// layer's output, one after the other), and cases.json listing them with
// their shapes and labels.
//   node tests/onnx/write_exports.js DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadEngine } from '../../web/src/engine/engine.js';
import { pytorchProgram } from '../../web/src/ui/pytorch.js';
import { exportCases, seededInput } from './export-cases.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node tests/onnx/write_exports.js DIR');
mkdirSync(dir, { recursive: true });
const engine = await loadEngine();
const BATCH = 3;
const cases = [];
for (const c of exportCases(engine, BATCH)) {
  try {
    const shape = [BATCH, ...c.input];
    const image = c.name === 'digits' || c.name === 'fashion';
    const x = seededInput(shape.reduce((a, b) => a * b, 1), 11, image ? 0 : -2, image ? 1 : 2);
    c.net.forward(x);
    const y = c.net.output();
    const file = `${c.name}.onnx`;
    writeFileSync(`${dir}/${file}`, await engine.exportOnnx(c.net));
    writeFileSync(`${dir}/${c.name}.py`, pytorchProgram(c.net.specs, { inputShape: c.input, file, labels: c.labels }));
    writeFileSync(`${dir}/${c.name}.input.bin`, Buffer.from(x.buffer));
    writeFileSync(`${dir}/${c.name}.output.bin`, Buffer.from(Float32Array.from(y.data).buffer));
    // every layer's output, one after the other
    const layers = Array.from({ length: c.net.numLayers }, (_, i) => c.net.activation(i));
    const all = new Float32Array(layers.reduce((n, a) => n + a.data.length, 0));
    layers.reduce((at, a) => (all.set(a.data, at), at + a.data.length), 0);
    writeFileSync(`${dir}/${c.name}.layers.bin`, Buffer.from(all.buffer));
    cases.push({ name: c.name, input: shape, output: y.shape, layers: layers.map((a) => a.shape), labels: c.labels ?? null, metadata: c.net.metadata ?? null });
  } finally {
    c.net.destroy();
  }
}
writeFileSync(`${dir}/cases.json`, JSON.stringify(cases, null, 1));
console.log(`onnx export: wrote ${cases.length} networks to ${dir}`);
