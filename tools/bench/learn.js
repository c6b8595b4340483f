// Time to a held-out accuracy, the rows (e) of the bench page: the page's
// default network (the LeNet-style preset, the same layers as LENET_SPECS)
// trained on the page's MNIST split (web/build/data/mnist.cnndz: MNIST's
// 60,000 training digits, accuracy on all 10,000 test digits) by our engine's
// training run (web/src/engine/training.js, the code the page's Worker runs,
// here on the bench page's own thread) and by ConvNetJS, from the same
// initial weights, on the same batches in the same order (the batches of a
// second training run with the same seed, augmentation included), with the
// same optimiser and schedule as near as ConvNetJS allows: it has SGD with
// momentum but no Adam and no schedule, so both run SGD, momentum 0.9, and
// ConvNetJS's learning rate is set before every step to the cosine schedule
// our trainer follows. The clock runs only while training: the evaluations
// on the held-out digits are outside it.
//
// ConvNetJS trains about 100 images/s, so reaching 98% would take it many
// minutes: it trains for a budget (`convnetjsSeconds`), and is evaluated at
// its end. When it has not reached the target by then, its time is
// projected: the images our run needed, at ConvNetJS's images/s. The
// projection holds because the two learn alike per image (same weights,
// batches and updates): the row's note gives both accuracies at ConvNetJS's
// last step, which should agree to a few tenths of a percent.
// No DOM and no Node APIs here.
import { TrainingRun } from '../../web/src/engine/training.js';
import { PRESETS, layersFromText, defaultTrainState } from '../../web/src/ui/train/state.js';
import { convnetjsModel, exportWeights, CLASSES } from './lenet.js';

// The comparison's recipe: what both engines can run.
export const COMPARE_RECIPE = Object.freeze({
  optimizer: 'sgd', lr: 0.05, momentum: 0.9, batchSize: 32, epochs: 8, augment: true, seed: 1, schedule: 'cosine',
});

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
const now = () => performance.now();

/** The page's default settings (state.js) as training-run options. */
export function pageRecipe() {
  const { layers, dataset, ...hyper } = defaultTrainState();
  return hyper;
}

/** A training run of the page's default network on `data`. */
export function makeRun(engine, data, hyper) {
  const run = new TrainingRun(engine, { layers: layersFromText(PRESETS.lenet), inputShape: [1, 28, 28], classes: CLASSES, ...hyper });
  run.setData(data);
  return run;
}

/**
 * Trains `run` until every target is reached, the run ends, or `maxMs` of
 * training; evaluates on all the held-out digits every `everyMs` of training
 * (and at `alsoAtStep`). Returns { reached: { target: { ms, images } },
 * imagesPerSecond, trainMs, best, last, atStep }.
 */
export async function trainToTargets(run, { targets, everyMs = 500, maxMs = Infinity, alsoAtStep = null }) {
  const reached = {};
  let trainMs = 0;
  let best = 0;
  let last = 0;
  let atStep = null;
  while (!run.done && trainMs < maxMs && targets.some((t) => !reached[t])) {
    const t0 = now();
    while (!run.done && now() - t0 < everyMs) {
      run.steps(1);
      if (run.step === alsoAtStep) break;
    }
    trainMs += now() - t0;
    last = run.evaluate({ confusion: false }).accuracy;
    best = Math.max(best, last);
    if (run.step === alsoAtStep) atStep = last;
    for (const t of targets) if (!reached[t] && last >= t) reached[t] = { ms: trainMs, images: run.imagesSeen };
    await pause();
  }
  return { reached, imagesPerSecond: (run.imagesSeen * 1000) / trainMs, trainMs, best, last, atStep, images: run.imagesSeen };
}

/**
 * ConvNetJS learning as our run `feeder` does (SGD with momentum, the cosine
 * schedule over the run's steps), on the batches of `feeder`, which serves
 * only for its batch order: { model (lenet.js's), step() } takes the next batch.
 */
export function convnetjsLearner(convnetjs, W, feeder) {
  const { lr, batchSize, momentum } = feeder.hyper;
  const model = convnetjsModel(convnetjs, W);
  const train = model.makeTrainer(lr, batchSize, momentum);
  const total = feeder.totalSteps;
  let steps = 0;
  return {
    model,
    get steps() { return steps; },
    step() {
      feeder.nextBatch();
      train.trainer.learning_rate = lr * 0.5 * (1 + Math.cos((Math.PI * steps) / total));
      steps++;
      return train(feeder.batchInput, feeder.batchLabels, batchSize);
    },
  };
}

/** ConvNetJS on the batches of `feeder`, for `seconds` of training, then its held-out accuracy. */
async function trainConvnetjs(convnetjs, W, feeder, hyper, seconds) {
  const learner = convnetjsLearner(convnetjs, W, feeder);
  const { model } = learner;
  const total = feeder.totalSteps;
  let trainMs = 0;
  while (trainMs < seconds * 1000 && learner.steps < total) {
    const t0 = now();
    do learner.step(); while (now() - t0 < 200 && learner.steps < total);
    trainMs += now() - t0;
    await pause();
  }
  const steps = learner.steps;
  const { trainCount, count, labels, pixels } = feeder.data;
  const size = 28 * 28;
  const x = new Float32Array(size);
  let correct = 0;
  for (let i = trainCount; i < count; i++) {
    for (let k = 0; k < size; k++) x[k] = pixels[i * size + k] / 255;
    const p = model.predict(x, 1);
    let top = 0;
    for (let c = 1; c < CLASSES; c++) if (p[c] > p[top]) top = c;
    if (top === labels[i]) correct++;
  }
  return { steps, images: steps * hyper.batchSize, trainMs, imagesPerSecond: (steps * hyper.batchSize * 1000) / trainMs, accuracy: correct / (count - trainCount) };
}

/**
 * The rows (e), in the format of suite.js. ctx: { engine, convnetjs, data
 * (readDataset's object of the page's mnist.cnndz), quick, log }.
 */
export async function learnRows({ engine, convnetjs, data, quick, log = () => {} }) {
  const target = 0.98;
  const hyper = COMPARE_RECIPE;
  const ours = makeRun(engine, data, hyper);
  const W = exportWeights(ours.net);
  const feeder = makeRun(engine, data, hyper);
  const seconds = quick ? 10 : 60;
  log(`(e) ConvNetJS trains for ${seconds} s`);
  const cnj = await trainConvnetjs(convnetjs, W, feeder, hyper, seconds);
  feeder.destroy();
  log(`(e) ours, the same recipe, to ${100 * target}%`);
  const o = await trainToTargets(ours, { targets: [target], alsoAtStep: cnj.steps });
  ours.destroy();
  const mine = o.reached[target];
  const rows = [];
  const agreement = `at ConvNetJS's last step (${cnj.images.toLocaleString('en-US')} images) held-out accuracy ` +
    `ours ${(100 * o.atStep).toFixed(2)}%, ConvNetJS ${(100 * cnj.accuracy).toFixed(2)}%`;
  let theirs = NaN;
  let note = `ours did not reach ${100 * target}% (best ${(100 * o.best).toFixed(2)}%)`;
  if (mine) {
    if (cnj.accuracy >= target) {
      theirs = cnj.trainMs / 1000;
      note = `ConvNetJS reached ${100 * target}% within its ${seconds} s (time to it: at most its whole run); ${agreement}`;
    } else {
      theirs = mine.images / cnj.imagesPerSecond;
      note = `ConvNetJS's time projected: not reached in its ${seconds} s, so the images ours needed ` +
        `(${mine.images.toLocaleString('en-US')}) at its images/s; ${agreement}`;
    }
  }
  rows.push({
    name: `(e) time to ${100 * target}% held-out vs ConvNetJS`, unit: 's', better: 'lower',
    ours: mine ? mine.ms / 1000 : NaN, theirs, ratio: NaN, ref: NaN, note,
  });
  rows.push({
    name: '(e) training images/s on the way vs ConvNetJS', unit: 'img/s', better: 'higher',
    ours: o.imagesPerSecond, theirs: cnj.imagesPerSecond, ratio: NaN, ref: NaN,
  });
  // The page's own recipe (Adam; ConvNetJS has none): ours alone.
  log('(e) ours, the page\'s recipe, to 98.5%');
  const page = makeRun(engine, data, pageRecipe());
  const p = await trainToTargets(page, { targets: [0.98, 0.985] });
  page.destroy();
  for (const t of [0.98, 0.985]) {
    rows.push({
      name: `(e) time to ${100 * t}% held-out, the page's recipe`, unit: 's', better: 'lower',
      ours: p.reached[t] ? p.reached[t].ms / 1000 : NaN, theirs: NaN, ratio: NaN, ref: NaN,
      note: p.reached[t] ? undefined : `the page's recipe ends at ${(100 * p.last).toFixed(2)}% (best ${(100 * p.best).toFixed(2)}%)`,
    });
  }
  return rows;
}
