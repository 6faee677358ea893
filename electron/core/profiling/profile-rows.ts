// Turns per-node timings into the rows, shares and op breakdown of a ProfileResult.
import type { ProfileResult, ProfileRow } from '../api/types.js';
import { mean, percentile } from '../util/stats.js';
import type { NodeCover } from './node-mapping.js';

export interface NodeTiming {
  name: string;
  opType: string;
  provider: string;
  outputShape: string | null;
  /** Summed kernel time of the node in each timed run (µs). */
  perRunUs: number[];
  /** Kernel events seen over all timed runs. */
  events: number;
}

export function buildRows(
  timings: readonly NodeTiming[],
  covers: ReadonlyMap<string, NodeCover>,
  /** Original node name → the source-format operator it was converted from. */
  sources: ReadonlyMap<string, string> = new Map(),
): Pick<ProfileResult, 'rows' | 'opBreakdown' | 'nodeTimeUs'> {
  const rows: ProfileRow[] = timings.map((t) => {
    const cover = covers.get(t.name) ?? { nodes: [], fused: true };
    const runs = Math.max(1, t.perRunUs.length);
    const sourceOps = [...new Set(cover.nodes.map((n) => sources.get(n)).filter((s): s is string => s !== undefined))];
    return {
      ...(sourceOps.length > 0 ? { sourceOps } : {}),
      name: t.name,
      opType: t.opType,
      nodes: cover.nodes,
      fused: cover.fused,
      // Executions per run: more than 1 only inside loops and subgraphs.
      calls: Math.round(t.events / runs),
      meanUs: mean(t.perRunUs),
      p50Us: percentile(t.perRunUs, 50),
      share: 0,
      outputShape: t.outputShape,
      provider: t.provider,
    };
  });
  const nodeTimeUs = rows.reduce((s, r) => s + r.meanUs, 0);
  for (const r of rows) r.share = nodeTimeUs > 0 ? r.meanUs / nodeTimeUs : 0;

  const byOp = new Map<string, { opType: string; us: number; share: number; count: number }>();
  for (const r of rows) {
    const op = byOp.get(r.opType) ?? { opType: r.opType, us: 0, share: 0, count: 0 };
    op.us += r.meanUs;
    op.share += r.share;
    op.count++;
    byOp.set(r.opType, op);
  }
  const opBreakdown = [...byOp.values()].sort((a, b) => b.us - a.us);
  return { rows, opBreakdown, nodeTimeUs };
}
