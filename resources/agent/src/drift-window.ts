// The device side of drift: each inference's input and output tensors go into the current window's
// sketches, windows roll every `windowMs` (and when the model changes: a window describes one model),
// and only the finished windows' sketches leave — never an input value, never an output tensor.
import { SketchSet, type DriftEdges, type SketchSetData } from '../../device-protocol/drift/sketch-set.js';
import { inputStats, outputStats, type TensorLike } from '../../device-protocol/drift/tensor-stats.js';

export interface DriftWindowOptions {
  /** Window length; default 5 minutes. */
  windowMs?: number;
  /** Finished windows kept for consoles that connect later; default 12. */
  historyLimit?: number;
  compression?: number;
  /** Histogram edges from the model's reference profile, when the console sent them. */
  edges?: DriftEdges;
  now?: () => number;
}

export class DriftWindow {
  private current: SketchSet | null = null;
  private finished: SketchSetData[] = [];
  private readonly windowMs: number;
  private readonly historyLimit: number;
  private readonly now: () => number;
  private edges: DriftEdges | undefined;

  constructor(private readonly opts: DriftWindowOptions = {}) {
    this.windowMs = opts.windowMs ?? 5 * 60_000;
    this.historyLimit = opts.historyLimit ?? 12;
    this.now = opts.now ?? Date.now;
    this.edges = opts.edges;
  }

  /** New edges (a new reference profile) apply from the next window. */
  setEdges(edges: DriftEdges | undefined): void {
    this.edges = edges;
  }

  /**
   * One inference: its feeds and outputs by name (as onnxruntime hands them over) and the model's
   * sha256. The first float output is sketched, as telemetry's confidence reads the first output.
   */
  record(inputs: Record<string, TensorLike>, outputs: Record<string, TensorLike>, model: string): void {
    this.roll(model);
    const set = this.current!;
    let first = true;
    for (const [name, t] of Object.entries(inputs)) {
      const s = inputStats(name, t);
      if (first) {
        set.samples += s.rows;
        set.skipped += s.skipped;
        first = false;
      }
      set.add(s.stats);
    }
    for (const [name, t] of Object.entries(outputs)) {
      const s = outputStats(name, t);
      if (s.length) {
        set.add(s);
        break;
      }
    }
    set.endMs = Math.max(set.endMs, this.now());
  }

  /** Finished windows, oldest first (at most `limit`), after closing the current one if its time is up. */
  windows(limit = this.historyLimit): SketchSetData[] {
    this.roll(null);
    return this.finished.slice(-limit);
  }

  /** Closes the current window now (e.g. at shutdown or before a model swap) and returns everything finished. */
  flush(): SketchSetData[] {
    this.close();
    return [...this.finished];
  }

  private roll(model: string | null): void {
    const now = this.now();
    const cur = this.current;
    if (cur && (now >= cur.startMs + this.windowMs || (model !== null && model !== cur.model))) this.close();
    if (!this.current && model !== null) {
      // Windows start on multiples of windowMs, so devices' windows line up for the console's merge.
      const start = Math.floor(now / this.windowMs) * this.windowMs;
      this.current = new SketchSet(model, start, now, { compression: this.opts.compression, edges: this.edges });
    }
  }

  private close(): void {
    const cur = this.current;
    this.current = null;
    if (!cur || cur.samples === 0) return;
    cur.endMs = Math.min(Math.max(cur.endMs, cur.startMs), cur.startMs + this.windowMs);
    this.finished.push(cur.toJSON());
    if (this.finished.length > this.historyLimit) this.finished.splice(0, this.finished.length - this.historyLimit);
  }
}
