// One device's local training in a federated round: shuffled mini-batch epochs of Adam on its windows,
// starting from the global model it was handed (which FedProx pulls towards). It yields to the event
// loop after every batch, so the agent keeps serving inference while it trains, and stops at a time
// budget so a slow board still answers before the round's deadline.
import { AppError } from '../../../../electron/core/api/errors.js';
import { seededRandom } from '../../../../electron/core/util/seeded-random.js';
import { AdamOptimizer, clipGradientNorm, type DenseAutoencoder, type ProxTerm } from './dense-autoencoder.js';

export interface TrainLocalOptions {
  /** The global model; trained in place. */
  model: DenseAutoencoder;
  windows: readonly Float32Array[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** FedProx strength; the proximal centre is the model as handed in. */
  proxMu?: number;
  /** Largest L2 norm of a batch's gradient (loss and FedProx term together) before Adam sees it. */
  clipNorm?: number;
  /** Training stops at the first batch boundary after this long (the final loss is measured after). */
  timeBudgetMs?: number;
  /** Seeds the shuffle: the same seed and windows give the same model. */
  seed: number;
  /** Awaited after every batch, after the event loop has had its turn: a hook to wait while serving is busy. */
  shouldYield?: () => Promise<void>;
  now?: () => number;
}

export interface TrainLocalResult {
  /** Mean squared reconstruction error over all windows before and after (no FedProx term). */
  lossBefore: number;
  lossAfter: number;
  /** Distinct windows trained on: the weight of this update in FedAvg. */
  samples: number;
  /** Window passes, counting every epoch. */
  samplesSeen: number;
  steps: number;
  /** Steps whose gradient was longer than clipNorm and scaled down. */
  clippedSteps: number;
  /** Whole epochs finished. */
  epochsRun: number;
  stoppedBy: 'epochs' | 'time-budget';
  elapsedMs: number;
}

const scoreChunk = 256;

export async function trainLocal(opts: TrainLocalOptions): Promise<TrainLocalResult> {
  checkOptions(opts);
  const { model, windows, batchSize } = opts;
  const now = opts.now ?? (() => performance.now());
  const start = now();
  const pause = async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.shouldYield) await opts.shouldYield();
  };
  const d = model.inputSize;
  const initial = model.flatten();
  const prox: ProxTerm | undefined = opts.proxMu ? { mu: opts.proxMu, global: initial } : undefined;
  const lossBefore = await meanLoss(model, windows, pause);

  const optimizer = new AdamOptimizer(model.parameterCount, { learningRate: opts.learningRate });
  const random = seededRandom(opts.seed);
  const order = Uint32Array.from(windows.keys());
  const grad = new Float64Array(model.parameterCount);
  const batch = new Float32Array(batchSize * d);
  let [epochsRun, samplesSeen, steps, clippedSteps] = [0, 0, 0, 0];
  let stoppedBy: TrainLocalResult['stoppedBy'] = 'epochs';
  training: for (let e = 0; e < opts.epochs; e++) {
    shuffle(order, random);
    for (let s = 0; s < order.length; s += batchSize) {
      if (opts.timeBudgetMs !== undefined && now() - start >= opts.timeBudgetMs) {
        stoppedBy = 'time-budget';
        break training;
      }
      const rows = Math.min(batchSize, order.length - s);
      for (let r = 0; r < rows; r++) batch.set(windows[order[s + r]], r * d);
      const loss = model.lossAndGradient(batch, rows, grad, prox);
      if (!Number.isFinite(loss)) diverged(model, initial, steps, opts.learningRate);
      if (opts.clipNorm !== undefined && clipGradientNorm(grad, opts.clipNorm) > opts.clipNorm) clippedSteps++;
      optimizer.step(model.parameters, grad);
      samplesSeen += rows;
      steps++;
      await pause();
    }
    epochsRun++;
  }
  const lossAfter = await meanLoss(model, windows, pause);
  if (!Number.isFinite(lossAfter)) diverged(model, initial, steps, opts.learningRate);
  return {
    lossBefore,
    lossAfter,
    samples: epochsRun > 0 ? windows.length : samplesSeen,
    samplesSeen,
    steps,
    clippedSteps,
    epochsRun,
    stoppedBy,
    elapsedMs: now() - start,
  };
}

async function meanLoss(model: DenseAutoencoder, windows: readonly Float32Array[], pause: () => Promise<void>): Promise<number> {
  const d = model.inputSize;
  const batch = new Float32Array(scoreChunk * d);
  let sum = 0;
  for (let s = 0; s < windows.length; s += scoreChunk) {
    const rows = Math.min(scoreChunk, windows.length - s);
    for (let r = 0; r < rows; r++) batch.set(windows[s + r], r * d);
    sum += model.loss(batch, rows) * rows;
    await pause();
  }
  return sum / windows.length;
}

/** Fisher–Yates, in place. */
function shuffle(order: Uint32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
}

function diverged(model: DenseAutoencoder, initial: Float32Array, steps: number, learningRate: number): never {
  model.setParameters(initial);
  throw new AppError(
    'TRAINING_DIVERGED',
    'Local training diverged',
    `The loss became infinite or NaN after ${steps} steps at learning rate ${learningRate}; the model was put back as it was handed in. Lower the learning rate or set clipNorm.`,
  );
}

function checkOptions(opts: TrainLocalOptions): void {
  const bad = (detail: string): never => {
    throw new AppError('TRAINING_OPTIONS_INVALID', 'Local training cannot start', detail);
  };
  const wholeAtLeast = (v: number, min: number) => Number.isInteger(v) && v >= min;
  const positive = (v: number | undefined) => v === undefined || (Number.isFinite(v) && v > 0);
  if (!wholeAtLeast(opts.epochs, 1)) bad(`epochs must be a whole number ≥ 1; got ${opts.epochs}.`);
  if (!wholeAtLeast(opts.batchSize, 1)) bad(`batchSize must be a whole number ≥ 1; got ${opts.batchSize}.`);
  if (!positive(opts.learningRate)) bad(`learningRate must be a finite number > 0; got ${opts.learningRate}.`);
  if (!positive(opts.clipNorm)) bad(`clipNorm, when given, must be a finite number > 0; got ${opts.clipNorm}.`);
  if (!positive(opts.timeBudgetMs)) bad(`timeBudgetMs, when given, must be a finite number > 0; got ${opts.timeBudgetMs}.`);
  if (opts.proxMu !== undefined && !(Number.isFinite(opts.proxMu) && opts.proxMu >= 0)) bad(`proxMu, when given, must be a finite number ≥ 0; got ${opts.proxMu}.`);
  if (!Number.isInteger(opts.seed)) bad(`seed must be a whole number; got ${opts.seed}.`);
  if (opts.windows.length === 0) bad('There are no windows to train on.');
  const d = opts.model.inputSize;
  opts.windows.forEach((w, i) => {
    if (w.length !== d) bad(`Window ${i} has ${w.length} values; the model takes ${d}.`);
    for (let j = 0; j < w.length; j++) if (!Number.isFinite(w[j])) bad(`Window ${i} holds a value that is not a finite number (${w[j]}) at position ${j}.`);
  });
}
