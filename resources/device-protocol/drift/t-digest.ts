// A merging t-digest (Dunning & Ertl, "Computing extremely accurate quantiles using t-digests", 2019):
// values are buffered, then sorted together with the centroids and merged in one pass under the k1
// scale function k(q) = δ/(2π)·asin(2q − 1), so centroids stay small (often single values) in the
// tails and at most ~δ/2 wide in the middle. Digests of parts merge into a digest of the whole.
// Written here rather than taken from npm: the `tdigest` package is the older clustering variant over
// an AVL tree (a bintrees dependency, no types), and its centroid objects are not a wire format.
import { Reader } from './sketch-errors.js';

export const digestFormatVersion = 1;
export const defaultCompression = 100;
const minCompression = 10;
const maxCompression = 1000;

/** The wire form: centroid means (ascending) and weights as plain number arrays. */
export interface DigestData {
  v: 1;
  /** Compression δ. */
  c: number;
  /** Total weight (values added). */
  n: number;
  /** null when empty. */
  min: number | null;
  max: number | null;
  m: number[];
  w: number[];
}

/** Seven significant digits: float32's precision, about half the JSON of a full double. */
const round7 = (x: number) => (x === 0 ? 0 : Number(x.toPrecision(7)));

export class TDigest {
  private means: number[] = [];
  private weights: number[] = [];
  private bufMeans: number[] = [];
  private bufWeights: number[] = [];
  private total = 0;
  private lo = Infinity;
  private hi = -Infinity;

  constructor(readonly compression = defaultCompression) {
    if (!(compression >= minCompression && compression <= maxCompression)) throw new RangeError(`t-digest compression must be ${minCompression}…${maxCompression}, not ${compression}`);
  }

  get count(): number {
    return this.total;
  }

  get min(): number {
    return this.total ? this.lo : NaN;
  }

  get max(): number {
    return this.total ? this.hi : NaN;
  }

  /** Adds one value; non-finite values are refused (callers count them separately). */
  add(x: number, w = 1): void {
    if (!Number.isFinite(x)) throw new RangeError(`t-digest values must be finite, not ${x}`);
    if (!(w > 0)) return;
    this.bufMeans.push(x);
    this.bufWeights.push(w);
    this.total += w;
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
    if (this.bufMeans.length >= 5 * this.compression) this.compress();
  }

  merge(other: TDigest): void {
    other.compress();
    for (let i = 0; i < other.means.length; i++) {
      this.bufMeans.push(other.means[i]);
      this.bufWeights.push(other.weights[i]);
    }
    this.total += other.total;
    if (other.total) {
      this.lo = Math.min(this.lo, other.lo);
      this.hi = Math.max(this.hi, other.hi);
    }
    if (this.bufMeans.length >= 5 * this.compression) this.compress();
  }

  /** Folds the buffer into the centroids. */
  compress(): void {
    if (!this.bufMeans.length) return;
    const n = this.means.length + this.bufMeans.length;
    const ms = this.means.concat(this.bufMeans);
    const ws = this.weights.concat(this.bufWeights);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ms[a] - ms[b]);
    const outM: number[] = [];
    const outW: number[] = [];
    const total = this.total;
    const d = this.compression;
    const k = (q: number) => (d / (2 * Math.PI)) * Math.asin(2 * q - 1);
    const kInv = (kk: number) => (kk >= d / 4 ? 1 : (Math.sin((kk * 2 * Math.PI) / d) + 1) / 2);
    let curM = ms[order[0]];
    let curW = ws[order[0]];
    let before = 0;
    let qLimit = kInv(k(0) + 1);
    for (let j = 1; j < n; j++) {
      const i = order[j];
      if ((before + curW + ws[i]) / total <= qLimit) {
        curW += ws[i];
        curM += ((ms[i] - curM) * ws[i]) / curW;
      } else {
        outM.push(curM);
        outW.push(curW);
        before += curW;
        qLimit = kInv(k(before / total) + 1);
        curM = ms[i];
        curW = ws[i];
      }
    }
    outM.push(curM);
    outW.push(curW);
    this.means = outM;
    this.weights = outW;
    this.bufMeans = [];
    this.bufWeights = [];
  }

  /**
   * Breakpoints of the piecewise-linear CDF the digest stands for: (min, 0), each centroid's mean at
   * the weight before it plus half its own, (max, n). KS distances are exact on these points.
   */
  breakpoints(): { x: number[]; F: number[] } {
    this.compress();
    const x = [this.lo];
    const F = [0];
    let before = 0;
    for (let i = 0; i < this.means.length; i++) {
      x.push(this.means[i]);
      F.push((before + this.weights[i] / 2) / this.total);
      before += this.weights[i];
    }
    x.push(this.hi);
    F.push(1);
    return { x, F };
  }

  /** Estimated share of values ≤ x. NaN when empty. */
  cdf(x: number): number {
    if (!this.total) return NaN;
    if (x < this.lo) return 0;
    if (x >= this.hi) return 1;
    const b = this.breakpoints();
    return interpolate(b.x, b.F, x);
  }

  /** cdf at many points, with the breakpoints computed once. */
  cdfMany(xs: readonly number[]): number[] {
    if (!this.total) return xs.map(() => NaN);
    const b = this.breakpoints();
    return xs.map((x) => (x < this.lo ? 0 : x >= this.hi ? 1 : interpolate(b.x, b.F, x)));
  }

  /** Estimated q-quantile (0 ≤ q ≤ 1). NaN when empty. */
  quantile(q: number): number {
    if (!this.total) return NaN;
    if (q <= 0) return this.lo;
    if (q >= 1) return this.hi;
    const b = this.breakpoints();
    return interpolate(b.F, b.x, q);
  }

  toJSON(): DigestData {
    this.compress();
    const empty = this.total === 0;
    return {
      v: digestFormatVersion,
      c: this.compression,
      n: this.total,
      min: empty ? null : round7(this.lo),
      max: empty ? null : round7(this.hi),
      m: this.means.map(round7),
      w: [...this.weights],
    };
  }

  /** Reads a digest from untrusted JSON; any inconsistency throws DRIFT_SKETCH_INVALID naming the field. */
  static fromJSON(raw: unknown, source = 'drift sketch', path = 'digest'): TDigest {
    const r = new Reader(source, path, raw);
    r.object();
    if (r.at('v').value !== digestFormatVersion) r.at('v').fail(`must be ${digestFormatVersion} (the digest format version), not ${String(r.at('v').value)}`);
    const c = r.at('c').number({ min: minCompression, max: maxCompression });
    const n = r.at('n').number({ min: 0 });
    // The merging pass keeps fewer than δ centroids; twice that leaves room for a compress not yet run.
    const maxCentroids = Math.ceil(2 * c) + 10;
    const m = r.at('m').numbers(maxCentroids);
    const w = r.at('w').numbers(maxCentroids);
    if (m.length !== w.length) r.at('w').fail(`holds ${w.length} weights for ${m.length} means; there must be one weight per mean`);
    const d = new TDigest(c);
    if (n === 0) {
      if (m.length) r.at('m').fail('must be empty when n is 0');
      if (r.at('min').value !== null || r.at('max').value !== null) r.at('min').fail('must be null when n is 0');
      return d;
    }
    if (!m.length) r.at('m').fail(`is empty but n is ${n}`);
    const min = r.at('min').number();
    const max = r.at('max').number({ min });
    let sum = 0;
    for (let i = 0; i < m.length; i++) {
      if (m[i] < min || m[i] > max) r.at('m').at(i).fail(`is ${m[i]}, outside [min, max] = [${min}, ${max}]`);
      if (i > 0 && m[i] < m[i - 1]) r.at('m').at(i).fail(`is ${m[i]}, below the mean before it (${m[i - 1]}); means must ascend`);
      if (!(w[i] > 0)) r.at('w').at(i).fail(`must be positive, not ${w[i]}`);
      sum += w[i];
    }
    if (Math.abs(sum - n) > 1e-9 * Math.max(1, n)) r.at('n').fail(`is ${n} but the weights add up to ${sum}`);
    d.means = [...m];
    d.weights = [...w];
    d.total = n;
    d.lo = min;
    d.hi = max;
    return d;
  }
}

/** y at x on the polyline (xs ascending, ys non-decreasing); flat steps resolve to their start. */
function interpolate(xs: number[], ys: number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[hi]) return ys[hi];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  const span = xs[hi] - xs[lo];
  return span > 0 ? ys[lo] + ((ys[hi] - ys[lo]) * (x - xs[lo])) / span : ys[hi];
}
