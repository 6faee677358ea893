// The privacy accountant of federated rounds: Rényi differential privacy (Mironov 2017) of the Gaussian
// mechanism, composed over the rounds of one model lineage and converted to (ε, δ). Pure and small.
//
// What a DP round does (round-engine.ts): each participant's update Δᵢ = w_local − w_global is clipped to
// L2 norm C, the clipped updates are averaged with equal weights (n = participants), and N(0, (z·C/n)²) is
// added to every coordinate of the mean. One device added or removed moves the sum by at most C, so with
// the mean's noise z·C/n the round is the Gaussian mechanism with noise multiplier z, whose RDP is
// ε(α) = α / (2z²) at every order α > 1 (Mironov 2017, proposition 7). Rounds compose by adding their RDP
// curves; the (ε, δ) guarantee is ε = min over α of Σ ε_t(α) + log(1/δ)/(α − 1) (Mironov, proposition 3).
//
// No subsampling amplification: the engine picks participants by a seeded order and keeps the first to
// answer, which is not Poisson sampling, so claiming q = selected/eligible would overstate the privacy.
// Flower's accounted mode makes the same choice ("requires no-amplification accounting and uniform FedAvg
// aggregation").

/** The orders α the minimum is taken over: dense near 1, then up to 10,000 (as in Google's dp-accounting). */
export const rdpOrders: readonly number[] = (() => {
  const out: number[] = [];
  for (let a = 1.05; a < 11; a += 0.05) out.push(Math.round(a * 100) / 100);
  for (let a = 11; a <= 64; a++) out.push(a);
  for (let a = 72; a <= 256; a += 8) out.push(a);
  for (const a of [320, 384, 512, 768, 1024, 1536, 2048, 4096, 8192, 10000]) out.push(a);
  return out;
})();

/** One DP round as the accountant sees it: the Gaussian mechanism with this noise multiplier. */
export interface DpEvent {
  noiseMultiplier: number;
}

/** RDP of the (non-subsampled) Gaussian mechanism with noise multiplier z at order α: α / (2z²). */
export function gaussianRdp(noiseMultiplier: number, alpha: number): number {
  if (!(noiseMultiplier > 0) || !Number.isFinite(noiseMultiplier)) throw new RangeError(`noise multiplier must be > 0, got ${noiseMultiplier}`);
  if (!(alpha > 1)) throw new RangeError(`RDP order must be > 1, got ${alpha}`);
  return alpha / (2 * noiseMultiplier * noiseMultiplier);
}

/** The composed RDP of the events at order α. */
export function composedRdp(events: readonly DpEvent[], alpha: number): number {
  let s = 0;
  for (const e of events) s += gaussianRdp(e.noiseMultiplier, alpha);
  return s;
}

/** (ε, δ) from an RDP curve: min over the orders of rdp(α) + log(1/δ)/(α − 1), and the α that gives it. */
export function rdpToEpsilon(rdp: (alpha: number) => number, delta: number, orders: readonly number[] = rdpOrders): { epsilon: number; alpha: number } {
  if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
  let best = { epsilon: Infinity, alpha: NaN };
  for (const a of orders) {
    const eps = rdp(a) + Math.log(1 / delta) / (a - 1);
    if (eps < best.epsilon) best = { epsilon: eps, alpha: a };
  }
  return best;
}

/** ε at δ of the composition of the events; 0 for no events. */
export function epsilonOf(events: readonly DpEvent[], delta: number, orders: readonly number[] = rdpOrders): number {
  if (events.length === 0) return 0;
  return rdpToEpsilon((a) => composedRdp(events, a), delta, orders).epsilon;
}

/** What a new round would cost its lineage: ε before, of the round alone, and of all of them together. */
export interface BudgetCheck {
  spentBefore: number;
  roundEpsilon: number;
  total: number;
  exceeds: boolean;
}

export function checkBudget(previous: readonly DpEvent[], next: DpEvent, delta: number, maxEpsilon: number): BudgetCheck {
  const spentBefore = epsilonOf(previous, delta);
  const roundEpsilon = epsilonOf([next], delta);
  const total = epsilonOf([...previous, next], delta);
  return { spentBefore, roundEpsilon, total, exceeds: total > maxEpsilon };
}

/** The L2 norm of a vector, in float64. */
export function l2Norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** v scaled to norm at most c (v itself when it already is), and whether it was clipped. */
export function clipToNorm(v: Float64Array, c: number): { clipped: boolean; norm: number } {
  const norm = l2Norm(v);
  if (norm <= c || norm === 0) return { clipped: false, norm };
  const s = c / norm;
  for (let i = 0; i < v.length; i++) v[i] *= s;
  return { clipped: true, norm };
}

/** A standard normal sample from a uniform source (Box–Muller); the source defaults to crypto-strength. */
export function gaussian(uniform: () => number): number {
  let u = 0;
  while (u <= Number.EPSILON) u = uniform();
  const v = uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface DpAggregate {
  /** The new global parameters: w_global + mean(clipped Δ) + noise. */
  parameters: Float32Array;
  clippedFraction: number;
  /** The noise's standard deviation per coordinate: z·C/n. */
  noiseStd: number;
  /** Update norms before clipping, by device, for the timeline. */
  norms: { deviceId: string; norm: number; clipped: boolean }[];
}

/**
 * DP-FedAvg's server step: clip each device's update to `clipNorm`, average with equal weights, add
 * N(0, (z·C/n)²) per coordinate. `uniform` is a source of uniforms in [0, 1) (tests pass a seeded one).
 */
export function dpAggregate(global: ArrayLike<number>, locals: readonly { deviceId: string; parameters: ArrayLike<number> }[], o: { clipNorm: number; noiseMultiplier: number; uniform: () => number }): DpAggregate {
  const n = locals.length;
  if (n === 0) throw new RangeError('no updates to aggregate');
  const d = global.length;
  const acc = new Float64Array(d);
  const norms: DpAggregate['norms'] = [];
  for (const l of locals) {
    if (l.parameters.length !== d) throw new RangeError(`${l.deviceId} sent ${l.parameters.length} parameters, the model has ${d}`);
    const { delta, clipped, norm } = clippedDelta(global, l.parameters, o.clipNorm);
    norms.push({ deviceId: l.deviceId, norm, clipped });
    for (let i = 0; i < d; i++) acc[i] += delta[i];
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < d; i++) mean[i] = global[i] + acc[i] / n;
  const { parameters, noiseStd } = addDpNoise(mean, n, o);
  return { parameters, clippedFraction: norms.filter((x) => x.clipped).length / n, noiseStd, norms };
}

/** local − global, scaled to L2 norm at most c: DP-FedAvg's per-device clip (the server's, or the device's before SecAgg+). */
export function clippedDelta(global: ArrayLike<number>, local: ArrayLike<number>, c: number): { delta: Float64Array; clipped: boolean; norm: number } {
  const delta = Float64Array.from(local, (v, i) => v - global[i]);
  return { delta, ...clipToNorm(delta, c) };
}

/** The device side of DP with SecAgg+: its trained parameters with the update clipped, global + clip(local − global). */
export function clipUpdate(global: ArrayLike<number>, local: ArrayLike<number>, c: number): { parameters: Float32Array; clipped: boolean; norm: number } {
  const { delta, clipped, norm } = clippedDelta(global, local, c);
  return { parameters: Float32Array.from(delta, (v, i) => global[i] + v), clipped, norm };
}

/** The mean of n clipped updates with N(0, (z·C/n)²) added per coordinate. */
export function addDpNoise(mean: ArrayLike<number>, n: number, o: { clipNorm: number; noiseMultiplier: number; uniform: () => number }): { parameters: Float32Array; noiseStd: number } {
  const noiseStd = (o.noiseMultiplier * o.clipNorm) / n;
  return { parameters: Float32Array.from(mean, (v) => v + noiseStd * gaussian(o.uniform)), noiseStd };
}

/** Uniforms in [0, 1) from node:crypto, drawn 48 bits at a time from a pooled buffer. */
export function cryptoUniform(randomBytes: (n: number) => Buffer): () => number {
  let pool: Buffer = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at + 6 > pool.length) {
      pool = randomBytes(6 * 4096);
      at = 0;
    }
    const x = pool.readUIntBE(at, 6);
    at += 6;
    return x / 2 ** 48;
  };
}
