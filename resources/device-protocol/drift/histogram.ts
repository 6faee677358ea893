// A histogram over fixed edges taken from the reference profile: every device bins its values at the
// same cut points, so device histograms add up bin by bin and PSI needs no interpolation.
// Bins: (-∞, e0), [e0, e1), …, [e_last, +∞): one more count than edges.
import { Reader } from './sketch-errors.js';

export const maxEdges = 256;

export interface HistogramData {
  edges: number[];
  counts: number[];
}

export class FixedHistogram {
  readonly counts: number[];

  constructor(readonly edges: readonly number[]) {
    for (let i = 1; i < edges.length; i++) if (!(edges[i] > edges[i - 1])) throw new RangeError('histogram edges must ascend strictly');
    this.counts = new Array<number>(edges.length + 1).fill(0);
  }

  add(x: number): void {
    let lo = 0;
    let hi = this.edges.length;
    // The first edge above x is the bin index.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.edges[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    this.counts[lo]++;
  }

  get total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  sameEdges(edges: readonly number[]): boolean {
    return edges.length === this.edges.length && edges.every((e, i) => e === this.edges[i]);
  }

  merge(other: FixedHistogram): void {
    if (!this.sameEdges(other.edges)) throw new RangeError('histograms with different edges cannot be merged');
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
  }

  toJSON(): HistogramData {
    return { edges: [...this.edges], counts: [...this.counts] };
  }

  static fromJSON(raw: unknown, source = 'drift sketch', path = 'hist'): FixedHistogram {
    const r = new Reader(source, path, raw);
    r.object();
    const edges = r.at('edges').numbers(maxEdges);
    for (let i = 1; i < edges.length; i++) if (!(edges[i] > edges[i - 1])) r.at('edges').at(i).fail(`is ${edges[i]}, not above the edge before it (${edges[i - 1]}); edges must ascend strictly`);
    const counts = r.at('counts').numbers(maxEdges + 1, { min: 0, integer: true });
    if (counts.length !== edges.length + 1) r.at('counts').fail(`holds ${counts.length} counts for ${edges.length} edges; there must be one more count than edges`);
    const h = new FixedHistogram(edges);
    counts.forEach((c, i) => (h.counts[i] = c));
    return h;
  }
}
