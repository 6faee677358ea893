// Reads ORT's Chrome-trace profile: per-node kernel times grouped by model run.
import type { NodeTiming } from './profile-rows.js';

export interface TraceEvent {
  cat?: string;
  name: string;
  ts: number;
  dur: number;
  args?: Record<string, unknown>;
}

export interface TraceSummary {
  /** Nodes in the order they first ran. */
  nodes: NodeTiming[];
  /** Mean `model_run` duration over the runs used (µs). */
  runTimeUs: number;
  runs: number;
}

const KERNEL_SUFFIX = '_kernel_time';

/** Aggregates the node events of the last `runs` model runs (the earlier ones are warm-up). */
export function summarizeTrace(events: readonly TraceEvent[], runs: number): TraceSummary {
  const modelRuns = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .sort((a, b) => a.ts - b.ts)
    .slice(-runs);
  const starts = modelRuns.map((r) => r.ts);
  const byNode = new Map<string, NodeTiming>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith(KERNEL_SUFFIX)) continue;
    const run = runIndex(starts, e.ts);
    if (run < 0 || e.ts > modelRuns[run].ts + modelRuns[run].dur) continue;
    const name = e.name.slice(0, -KERNEL_SUFFIX.length);
    let node = byNode.get(name);
    if (!node) {
      const args = e.args ?? {};
      node = {
        name,
        opType: String(args.op_name ?? 'unknown'),
        provider: String(args.provider ?? 'unknown'),
        outputShape: shapeText(args.output_type_shape),
        perRunUs: new Array<number>(modelRuns.length).fill(0),
        events: 0,
      };
      byNode.set(name, node);
    }
    node.perRunUs[run] += e.dur;
    node.events++;
  }
  const runTimeUs = modelRuns.length ? modelRuns.reduce((s, r) => s + r.dur, 0) / modelRuns.length : 0;
  return { nodes: [...byNode.values()], runTimeUs, runs: modelRuns.length };
}

/** Index of the last run starting at or before ts, -1 if none. */
function runIndex(starts: number[], ts: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= ts) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** `[{"float":[1,16,16,16]}]` → "1x16x16x16"; several outputs are joined with ", ". */
export function shapeText(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const parts = value.map((entry) => {
    const dims = entry && typeof entry === 'object' ? Object.values(entry as Record<string, unknown>)[0] : undefined;
    return Array.isArray(dims) ? (dims.length ? dims.join('x') : 'scalar') : '?';
  });
  return parts.join(', ');
}
