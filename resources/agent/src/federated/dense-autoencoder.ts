// A dense autoencoder D → h1 → … → D (ReLU between layers, linear output) that trains on the device with
// no dependency: forward, exact backward of the MSE (plus an optional FedProx term), Adam, clipping.
// All parameters live in one Float32Array, layer by layer (weight [in,out] row-major, then bias), so the
// federated update vector is that array and each layer's weight and bias are views into it.
// Activations and gradients are float64: the sums stay exact enough for a finite-difference check, and
// JavaScript does its arithmetic in doubles anyway.
import { AppError } from '../../../../electron/core/api/errors.js';
import { seededRandom } from '../../../../electron/core/util/seeded-random.js';

export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  /** [inputs, outputs], row-major. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  /** Where weight starts in the parameter vector; bias follows it. */
  readonly offset: number;
}

/** FedProx: (mu/2)·‖w − global‖² joins the loss, mu·(w − global) the gradient. */
export interface ProxTerm {
  mu: number;
  global: Float32Array;
}

interface Workspace {
  /** acts[0] is the input, acts[k] the output of layer k-1 (after its ReLU when hidden). */
  acts: Float64Array[];
  /** deltas[k]: the loss gradient at layer k's output (before its ReLU). */
  deltas: Float64Array[];
}

export class DenseAutoencoder {
  readonly sizes: readonly number[];
  readonly layers: readonly DenseLayer[];
  /** Every parameter, layer by layer: the vector a federated round averages. */
  readonly parameters: Float32Array;
  private readonly workspaces = new Map<number, Workspace>();

  /** A model of zeros; see `DenseAutoencoder.create` for a seeded initialisation. */
  constructor(sizes: readonly number[]) {
    checkSizes(sizes);
    this.sizes = [...sizes];
    let count = 0;
    for (let k = 0; k + 1 < sizes.length; k++) count += sizes[k] * sizes[k + 1] + sizes[k + 1];
    this.parameters = new Float32Array(count);
    const layers: DenseLayer[] = [];
    let offset = 0;
    for (let k = 0; k + 1 < sizes.length; k++) {
      const [inputs, outputs] = [sizes[k], sizes[k + 1]];
      const weight = this.parameters.subarray(offset, offset + inputs * outputs);
      const bias = this.parameters.subarray(offset + inputs * outputs, offset + inputs * outputs + outputs);
      layers.push({ inputs, outputs, weight, bias, offset });
      offset += inputs * outputs + outputs;
    }
    this.layers = layers;
  }

  /** He-normal weights for the layers a ReLU follows, Glorot-normal for the linear output, zero biases. */
  static create(sizes: readonly number[], seed: number): DenseAutoencoder {
    const model = new DenseAutoencoder(sizes);
    const random = seededRandom(seed);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    model.layers.forEach((layer, k) => {
      const last = k === model.layers.length - 1;
      const std = last ? Math.sqrt(2 / (layer.inputs + layer.outputs)) : Math.sqrt(2 / layer.inputs);
      for (let i = 0; i < layer.weight.length; i++) layer.weight[i] = normal() * std;
    });
    return model;
  }

  get inputSize(): number {
    return this.sizes[0];
  }

  get parameterCount(): number {
    return this.parameters.length;
  }

  /** A copy of every parameter: the update vector a device sends. */
  flatten(): Float32Array {
    return this.parameters.slice();
  }

  setParameters(values: ArrayLike<number>): void {
    if (values.length !== this.parameters.length) {
      throw new AppError('AUTOENCODER_SHAPE_MISMATCH', 'Weights do not fit the model', `The model ${this.sizes.join('→')} has ${this.parameters.length} parameters; ${values.length} were given.`);
    }
    this.parameters.set(values);
  }

  clone(): DenseAutoencoder {
    const copy = new DenseAutoencoder(this.sizes);
    copy.parameters.set(this.parameters);
    return copy;
  }

  /** The reconstruction of `rows` windows laid end to end in `batch`. */
  reconstruct(batch: Float32Array, rows: number): Float32Array {
    return Float32Array.from(this.forward(batch, rows));
  }

  /** Per-window mean squared reconstruction error: the anomaly score. */
  scores(windows: readonly Float32Array[]): Float32Array {
    const d = this.inputSize;
    const out = new Float32Array(windows.length);
    const chunk = 256;
    const batch = new Float32Array(chunk * d);
    for (let s = 0; s < windows.length; s += chunk) {
      const rows = Math.min(chunk, windows.length - s);
      for (let r = 0; r < rows; r++) batch.set(checkWindow(windows[s + r], d, s + r), r * d);
      const y = this.forward(batch, rows);
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let j = r * d; j < (r + 1) * d; j++) sum += (y[j] - batch[j]) ** 2;
        out[s + r] = sum / d;
      }
    }
    return out;
  }

  /** Mean squared error over every value of the batch. */
  loss(batch: Float32Array, rows: number): number {
    const y = this.forward(batch, rows);
    const n = rows * this.inputSize;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (y[j] - batch[j]) ** 2;
    return sum / n;
  }

  /**
   * The loss (MSE, plus the FedProx term when given) and its exact gradient, written into `grad`
   * (length `parameterCount`, laid out like `parameters`).
   */
  lossAndGradient(batch: Float32Array, rows: number, grad: Float64Array, prox?: ProxTerm): number {
    const ws = this.workspace(rows);
    const y = this.forward(batch, rows);
    const n = rows * this.inputSize;
    const top = ws.deltas[this.layers.length];
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = y[j] - batch[j];
      sum += e * e;
      top[j] = (2 * e) / n;
    }
    grad.fill(0);
    for (let k = this.layers.length - 1; k >= 0; k--) {
      const layer = this.layers[k];
      backLayer(ws.acts[k], ws.deltas[k + 1], layer, grad, k > 0 ? ws.deltas[k] : null, rows);
    }
    let loss = sum / n;
    if (prox && prox.mu > 0) {
      const w = this.parameters;
      const g = prox.global;
      let dist = 0;
      for (let i = 0; i < w.length; i++) {
        const diff = w[i] - g[i];
        dist += diff * diff;
        grad[i] += prox.mu * diff;
      }
      loss += (prox.mu / 2) * dist;
    }
    return loss;
  }

  /** Runs the batch through every layer; returns the last activation (a workspace buffer). */
  private forward(batch: Float32Array, rows: number): Float64Array {
    if (!Number.isInteger(rows) || rows < 1 || batch.length < rows * this.inputSize) {
      throw new AppError('AUTOENCODER_INPUT_INVALID', 'Batch does not fit the model', `A batch of ${rows} windows of ${this.inputSize} values needs ${rows * this.inputSize} values; it has ${batch.length}.`);
    }
    const ws = this.workspace(rows);
    const input = ws.acts[0];
    for (let j = 0; j < input.length; j++) input[j] = batch[j];
    this.layers.forEach((layer, k) => forwardLayer(ws.acts[k], layer, ws.acts[k + 1], rows, k < this.layers.length - 1));
    return ws.acts[this.layers.length];
  }

  private workspace(rows: number): Workspace {
    let ws = this.workspaces.get(rows);
    if (!ws) {
      ws = { acts: this.sizes.map((s) => new Float64Array(rows * s)), deltas: this.sizes.map((s) => new Float64Array(rows * s)) };
      // Training uses one or two batch sizes; scoring others. Keep the cache from growing without bound.
      if (this.workspaces.size >= 8) this.workspaces.clear();
      this.workspaces.set(rows, ws);
    }
    return ws;
  }
}

function forwardLayer(x: Float64Array, layer: DenseLayer, y: Float64Array, rows: number, relu: boolean): void {
  const { inputs, outputs, weight: w, bias: b } = layer;
  for (let r = 0; r < rows; r++) {
    const xo = r * inputs;
    const yo = r * outputs;
    for (let j = 0; j < outputs; j++) y[yo + j] = b[j];
    for (let i = 0; i < inputs; i++) {
      const xi = x[xo + i];
      if (xi === 0) continue;
      const wo = i * outputs;
      for (let j = 0; j < outputs; j++) y[yo + j] += xi * w[wo + j];
    }
    if (relu) for (let j = 0; j < outputs; j++) if (y[yo + j] < 0) y[yo + j] = 0;
  }
}

/**
 * Adds this layer's weight and bias gradients to `grad` and, for all but the first layer, writes the
 * gradient at its input into `dx`, masked by the ReLU that produced that input: an input of 0 came
 * from a ReLU that was off, so its gradient is 0 (the first layer's raw input has no `dx`).
 */
function backLayer(x: Float64Array, dy: Float64Array, layer: DenseLayer, grad: Float64Array, dx: Float64Array | null, rows: number): void {
  const { inputs, outputs, weight: w, offset } = layer;
  const bo = offset + inputs * outputs;
  for (let r = 0; r < rows; r++) {
    const xo = r * inputs;
    const yo = r * outputs;
    for (let j = 0; j < outputs; j++) grad[bo + j] += dy[yo + j];
    for (let i = 0; i < inputs; i++) {
      const xi = x[xo + i];
      if (xi === 0) {
        if (dx) dx[xo + i] = 0;
        continue;
      }
      const wo = i * outputs;
      const go = offset + wo;
      let s = 0;
      for (let j = 0; j < outputs; j++) {
        const d = dy[yo + j];
        grad[go + j] += xi * d;
        s += w[wo + j] * d;
      }
      if (dx) dx[xo + i] = s;
    }
  }
}

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Adam (Kingma & Ba) with bias correction; one instance per local training run. */
export class AdamOptimizer {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(size: number, opts: AdamOptions) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.lr = opts.learningRate;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
  }

  step(params: Float32Array, grad: Float64Array): void {
    this.t++;
    const { m, v, beta1, beta2, epsilon } = this;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    for (let i = 0; i < params.length; i++) {
      const g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      params[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + epsilon);
    }
  }
}

/** Scales `grad` down to L2 norm `maxNorm` when it is longer; returns the norm it had. */
export function clipGradientNorm(grad: Float64Array, maxNorm: number): number {
  let sum = 0;
  for (let i = 0; i < grad.length; i++) sum += grad[i] * grad[i];
  const norm = Math.sqrt(sum);
  if (norm > maxNorm) {
    const scale = maxNorm / norm;
    for (let i = 0; i < grad.length; i++) grad[i] *= scale;
  }
  return norm;
}

function checkSizes(sizes: readonly number[]): void {
  const shape = sizes.join('→');
  if (sizes.length < 3 || !sizes.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new AppError('AUTOENCODER_SHAPE_INVALID', 'Not an autoencoder shape', `Layer sizes are D, at least one hidden size, then D again, each a whole number ≥ 1; got ${shape || 'none'}.`);
  }
  if (sizes[0] !== sizes[sizes.length - 1]) {
    throw new AppError('AUTOENCODER_SHAPE_INVALID', 'Not an autoencoder shape', `An autoencoder ends with as many values as it starts with; ${shape} does not.`);
  }
}

function checkWindow(w: Float32Array, d: number, index: number): Float32Array {
  if (w.length !== d) throw new AppError('AUTOENCODER_INPUT_INVALID', 'Window does not fit the model', `Window ${index} has ${w.length} values; the model takes ${d}.`);
  return w;
}
