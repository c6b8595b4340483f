// Our engine's side of the training rows: the benchmark model with the given
// weights (PyTorch layouts, as exportWeights returns them), trained by the
// engine's trainer (softmax cross-entropy, plain SGD at rate lr, no
// momentum), batch `batch`. `ref` is the same on the scalar reference kernels.
import { LENET_SPECS, PARAM_LAYERS } from './lenet.js';

function makeOne(engine, W, lr, batch, variant) {
  const net = engine.createNetwork(LENET_SPECS);
  for (const [name, i] of Object.entries(PARAM_LAYERS)) {
    const p = net.layerParams(i);
    p.weight.set(W[name].w);
    p.bias.set(W[name].b);
  }
  net.paramsChanged();
  if (variant === 'ref') net.setVariant('ref');
  net.plan([batch, 1, 28, 28]);
  const trainer = engine.createTrainer(net, { optimizer: 'sgd', lr, momentum: 0, weightDecay: 0 });
  return {
    step: (x, labels) => trainer.step(x, labels, [1, 28, 28]),
    conv1Weight: () => Float32Array.from(net.layerParams(PARAM_LAYERS.conv1).weight),
    dispose() {
      trainer.destroy();
      net.destroy();
    },
  };
}

/** null when the engine's client has no training API. */
export async function oursTrainer(engine, W, lr, batch) {
  if (typeof engine.createTrainer !== 'function') return null;
  const simd = makeOne(engine, W, lr, batch, 'simd');
  const ref = makeOne(engine, W, lr, batch, 'ref');
  return { ...simd, ref, dispose() { simd.dispose(); ref.dispose(); } };
}
