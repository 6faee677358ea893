import type { ModelGraph } from '../../../electron/core/api/types.js';

/** The graph without Constant nodes (they only hold weights and clutter the picture). */
export function withoutConstants(graph: ModelGraph): { graph: ModelGraph; hidden: number } {
  const keep = graph.nodes.filter((n) => n.opType !== 'Constant');
  const hidden = graph.nodes.length - keep.length;
  if (hidden === 0) return { graph, hidden };
  const ids = new Set(keep.map((n) => n.id));
  return {
    graph: { ...graph, nodes: keep, edges: graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to)) },
    hidden,
  };
}
