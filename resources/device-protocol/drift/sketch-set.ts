// One window's drift sketches for one model: per statistic a t-digest (plus a histogram over the
// reference profile's edges when the device has them), per categorical output the class counts.
// This is all a device sends about its inputs; sets merge across windows and devices.
import { FixedHistogram, type HistogramData } from './histogram.js';
import { Reader, sketchMismatch } from './sketch-errors.js';
import { defaultCompression, TDigest, type DigestData } from './t-digest.js';
import type { StatGroup, StatValues } from './tensor-stats.js';

export const sketchSetVersion = 1;
const maxStats = 256;
const maxClasses = 100_000;

export type StatData =
  | { group: StatGroup; kind: 'numeric'; digest: DigestData; hist?: HistogramData }
  | { group: StatGroup; kind: 'categorical'; counts: number[] };

export interface SketchSetData {
  v: 1;
  /** The model the window describes (its sha256). */
  model: string;
  /** Window bounds, ms since the epoch. */
  startMs: number;
  endMs: number;
  /** Samples (rows of the first input) seen in the window. */
  samples: number;
  /** Samples whose input held NaN or ±Infinity: counted, not sketched. */
  skipped: number;
  stats: Record<string, StatData>;
}

/** Histogram edges per statistic key, from a reference profile. */
export type DriftEdges = Record<string, readonly number[]>;

type LiveStat =
  | { group: StatGroup; kind: 'numeric'; digest: TDigest; hist: FixedHistogram | null }
  | { group: StatGroup; kind: 'categorical'; counts: number[] };

/** Sketches under construction (one window on the device, or a merge on the console). */
export class SketchSet {
  samples = 0;
  skipped = 0;
  private stats = new Map<string, LiveStat>();

  constructor(
    readonly model: string,
    public startMs: number,
    public endMs: number,
    private readonly opts: { compression?: number; edges?: DriftEdges } = {},
  ) {}

  get size(): number {
    return this.stats.size;
  }

  /** Feeds per-sample statistics from tensor-stats. */
  add(values: readonly StatValues[]): void {
    for (const s of values) {
      let live = this.stats.get(s.key);
      if (!live) {
        if (this.stats.size >= maxStats) continue;
        if (s.kind === 'numeric') {
          const edges = this.opts.edges?.[s.key];
          live = { group: s.group, kind: 'numeric', digest: new TDigest(this.opts.compression ?? defaultCompression), hist: edges ? new FixedHistogram(edges) : null };
        } else {
          live = { group: s.group, kind: 'categorical', counts: new Array<number>(s.classes).fill(0) };
        }
        this.stats.set(s.key, live);
      }
      if (live.kind === 'numeric' && s.kind === 'numeric') {
        for (const v of s.values) {
          live.digest.add(v);
          live.hist?.add(v);
        }
      } else if (live.kind === 'categorical' && s.kind === 'categorical') {
        for (const l of s.labels) if (l >= 0 && l < live.counts.length) live.counts[l]++;
      }
    }
  }

  /** Merges another set of the same model into this one (checked: same model, kinds, edges, classes). */
  merge(other: SketchSet): void {
    if (other.model !== this.model) throw sketchMismatch(`One sketch describes model ${short(this.model)}, the other ${short(other.model)}.`);
    this.samples += other.samples;
    this.skipped += other.skipped;
    this.startMs = Math.min(this.startMs, other.startMs);
    this.endMs = Math.max(this.endMs, other.endMs);
    for (const [key, o] of other.stats) {
      const mine = this.stats.get(key);
      if (!mine) {
        this.stats.set(key, o.kind === 'numeric' ? { ...o, digest: copyDigest(o.digest), hist: o.hist ? FixedHistogram.fromJSON(o.hist.toJSON()) : null } : { ...o, counts: [...o.counts] });
        continue;
      }
      if (mine.kind !== o.kind || mine.group !== o.group) throw sketchMismatch(`Statistic "${key}" is ${mine.group} ${mine.kind} in one sketch and ${o.group} ${o.kind} in the other.`);
      if (mine.kind === 'numeric' && o.kind === 'numeric') {
        mine.digest.merge(o.digest);
        if (mine.hist && o.hist) {
          if (!mine.hist.sameEdges(o.hist.edges)) throw sketchMismatch(`The histograms of "${key}" have different edges (made with different reference profiles).`);
          mine.hist.merge(o.hist);
        } else if (mine.hist || o.hist) {
          // One side binned without edges: the merged counts would miss its values, so keep none.
          mine.hist = null;
        }
      } else if (mine.kind === 'categorical' && o.kind === 'categorical') {
        if (mine.counts.length !== o.counts.length) throw sketchMismatch(`"${key}" counts ${mine.counts.length} classes in one sketch and ${o.counts.length} in the other.`);
        o.counts.forEach((c, i) => (mine.counts[i] += c));
      }
    }
  }

  digest(key: string): TDigest | null {
    const s = this.stats.get(key);
    return s?.kind === 'numeric' ? s.digest : null;
  }

  histogram(key: string): FixedHistogram | null {
    const s = this.stats.get(key);
    return s?.kind === 'numeric' ? s.hist : null;
  }

  classCounts(key: string): number[] | null {
    const s = this.stats.get(key);
    return s?.kind === 'categorical' ? s.counts : null;
  }

  entries(): { key: string; group: StatGroup; kind: 'numeric' | 'categorical' }[] {
    return [...this.stats].map(([key, s]) => ({ key, group: s.group, kind: s.kind }));
  }

  toJSON(): SketchSetData {
    const stats: Record<string, StatData> = {};
    for (const [key, s] of this.stats) {
      stats[key] = s.kind === 'numeric' ? { group: s.group, kind: 'numeric', digest: s.digest.toJSON(), ...(s.hist ? { hist: s.hist.toJSON() } : {}) } : { group: s.group, kind: 'categorical', counts: [...s.counts] };
    }
    return { v: sketchSetVersion, model: this.model, startMs: this.startMs, endMs: this.endMs, samples: this.samples, skipped: this.skipped, stats };
  }

  /** Reads a sketch set from untrusted JSON (a device's report); throws DRIFT_SKETCH_INVALID naming the bad field. */
  static fromJSON(raw: unknown, source = 'drift sketch'): SketchSet {
    const r = new Reader(source, 'sketch', raw);
    r.object();
    if (r.at('v').value !== sketchSetVersion) r.at('v').fail(`must be ${sketchSetVersion} (the sketch format version), not ${String(r.at('v').value)}`);
    const model = r.at('model').string(128);
    const startMs = r.at('startMs').number({ min: 0 });
    const endMs = r.at('endMs').number({ min: startMs });
    const set = new SketchSet(model, startMs, endMs);
    set.samples = r.at('samples').number({ min: 0, integer: true });
    set.skipped = r.at('skipped').number({ min: 0, integer: true });
    const stats = r.at('stats');
    const keys = Object.keys(stats.object());
    if (keys.length > maxStats) stats.fail(`holds ${keys.length} statistics; at most ${maxStats} are allowed`);
    for (const key of keys) {
      const s = stats.at(key);
      s.object();
      const rawGroup = s.at('group').value;
      if (rawGroup !== 'input' && rawGroup !== 'output') s.at('group').fail(`must be "input" or "output", not ${JSON.stringify(rawGroup)}`);
      const group = rawGroup as StatGroup;
      const kind = s.at('kind').value;
      if (kind === 'numeric') {
        const digest = TDigest.fromJSON(s.at('digest').value, source, s.at('digest').path);
        // An input statistic holds one value per sample at most (outputs may hold several rows per sample).
        if (group === 'input' && digest.count > set.samples) s.at('digest').at('n').fail(`is ${digest.count}, more than the window's ${set.samples} samples`);
        const histR = s.at('hist');
        const hist = histR.value === undefined ? null : FixedHistogram.fromJSON(histR.value, source, histR.path);
        if (hist && hist.total !== digest.count) histR.at('counts').fail(`add up to ${hist.total} but the digest holds ${digest.count} values`);
        set.stats.set(key, { group, kind, digest, hist });
      } else if (kind === 'categorical') {
        const counts = s.at('counts').numbers(maxClasses, { min: 0, integer: true });
        if (counts.length < 2) s.at('counts').fail('must count at least 2 classes');
        set.stats.set(key, { group, kind, counts: [...counts] });
      } else {
        s.at('kind').fail(`must be "numeric" or "categorical", not ${JSON.stringify(kind)}`);
      }
    }
    return set;
  }
}

function copyDigest(d: TDigest): TDigest {
  const c = new TDigest(d.compression);
  c.merge(d);
  return c;
}

const short = (model: string) => (model.length > 16 ? `${model.slice(0, 12)}…` : model);
