// Layered layout of a model graph with dagre, turned into plain drawing data (no React here).
import dagre from '@dagrejs/dagre';
import type { ModelGraph } from '../../../electron/core/api/types.js';

export interface LaidOutNode {
  id: string;
  /** 'op' for graph nodes, 'input'/'output' for the model's own tensors. */
  kind: 'op' | 'input' | 'output';
  label: string;
  name: string;
  opType: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  id: string;
  path: string;
  tensor: string;
}

export interface GraphLayout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
}

const charWidth = 7;
const nodeHeight = 26;

const boxWidth = (label: string) => Math.max(64, Math.min(220, label.length * charWidth + 20));

function pathOf(points: { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  if (rest.length === 0) return `M${first!.x},${first!.y}`;
  // A smooth curve through dagre's bend points (quadratic segments between midpoints).
  let d = `M${first!.x.toFixed(1)},${first!.y.toFixed(1)}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i]!;
    const n = rest[i + 1]!;
    d += ` Q${p.x.toFixed(1)},${p.y.toFixed(1)} ${((p.x + n.x) / 2).toFixed(1)},${((p.y + n.y) / 2).toFixed(1)}`;
  }
  const last = rest[rest.length - 1]!;
  d += ` L${last.x.toFixed(1)},${last.y.toFixed(1)}`;
  return d;
}

/** Lays the graph out top to bottom, with the model's inputs and outputs as their own small nodes. */
export function layoutGraph(graph: ModelGraph): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 28, edgesep: 8, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));

  const meta = new Map<string, Omit<LaidOutNode, 'x' | 'y'>>();
  const add = (n: Omit<LaidOutNode, 'x' | 'y'>) => {
    meta.set(n.id, n);
    g.setNode(n.id, { width: n.width, height: n.height });
  };

  for (const n of graph.nodes) add({ id: n.id, kind: 'op', label: n.opType, name: n.name, opType: n.opType, width: boxWidth(n.opType), height: nodeHeight });

  const edges: { from: string; to: string; tensor: string }[] = [...graph.edges];
  const inputSet = new Set(graph.inputs);
  const outputSet = new Set(graph.outputs);
  for (const t of graph.inputs) add({ id: `in:${t}`, kind: 'input', label: t, name: t, opType: 'input', width: boxWidth(t), height: nodeHeight - 4 });
  for (const t of graph.outputs) add({ id: `out:${t}`, kind: 'output', label: t, name: t, opType: 'output', width: boxWidth(t), height: nodeHeight - 4 });
  for (const n of graph.nodes) {
    for (const t of n.inputs) if (inputSet.has(t)) edges.push({ from: `in:${t}`, to: n.id, tensor: t });
    for (const t of n.outputs) if (outputSet.has(t)) edges.push({ from: n.id, to: `out:${t}`, tensor: t });
  }

  edges.forEach((e, i) => {
    if (meta.has(e.from) && meta.has(e.to)) g.setEdge(e.from, e.to, {}, `e${i}`);
  });

  dagre.layout(g);

  const nodes: LaidOutNode[] = [];
  for (const id of g.nodes()) {
    const m = meta.get(id);
    const pos = g.node(id);
    if (!m || !pos) continue;
    nodes.push({ ...m, x: pos.x ?? 0, y: pos.y ?? 0 });
  }
  const laidEdges: LaidOutEdge[] = [];
  for (const e of g.edges()) {
    const label = g.edge(e) as { points?: { x: number; y: number }[] } | undefined;
    const i = Number(e.name?.slice(1));
    laidEdges.push({ id: e.name ?? `${e.v}->${e.w}`, path: pathOf(label?.points ?? []), tensor: edges[i]?.tensor ?? '' });
  }
  const size = g.graph();
  return { nodes, edges: laidEdges, width: size.width ?? 0, height: size.height ?? 0 };
}
