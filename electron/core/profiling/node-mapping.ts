// Maps the nodes ORT really runs (its optimized graph) back to the nodes of the original graph.
//
// ORT's optimizers fuse nodes (Conv+Clip → FusedConv, Conv+Add+activation → nchwc Conv), rename them
// (`<tensor>_nchwc`, `..._token_N`), rename the tensors between them (`reorder_token_N`) and insert
// layout nodes (ReorderInput/ReorderOutput) that have no original counterpart. Names alone are not
// enough, so the mapping goes through tensors:
//  1. Tensor equivalence: an optimized tensor is the original tensor of the same name; the output of a
//     node named `<T>_nchwc` (the NCHWc transformer's naming) is original tensor T; a Reorder node's
//     input and output carry the same values, so the equivalence flows through it both ways.
//  2. For each optimized node, walk the original graph backwards from the original tensors its
//     outputs are equivalent to, collecting nodes, and stop at tensors that exist in the optimized
//     graph (they are produced by another optimized node, or are inputs/initializers) and at
//     Constant nodes (folded into initializers, never run). The collected nodes are what it covers.
//  3. A fused Add keeps the Conv's name, so an optimized node with an activation input it did not reach
//     in step 2 (the Sum input of a fused residual Add) extends forward through the original consumer
//     of its output that takes that input. Its output is then equivalent to that consumer's output,
//     and the walks run again with the corrected equivalence until it settles, so every node is covered once.
// Reorder nodes cover nothing (nodes: []).
import type { GraphNodeInfo, GraphNodes } from './graph-nodes.js';

export interface NodeCover {
  /** Original node names, in graph order. */
  nodes: string[];
  /** True when the node is not a plain original node: fused, renamed, re-laid-out or inserted. */
  fused: boolean;
}

const REORDER_OPS = new Set(['ReorderInput', 'ReorderOutput']);

export function isLayoutNode(node: Pick<GraphNodeInfo, 'opType'>): boolean {
  return REORDER_OPS.has(node.opType);
}

export function mapOptimizedNodes(original: GraphNodes, optimized: GraphNodes): Map<string, NodeCover> {
  const producer = new Map<string, GraphNodeInfo>();
  const consumers = new Map<string, GraphNodeInfo[]>();
  const order = new Map<string, number>();
  original.nodes.forEach((n, i) => {
    order.set(n.name, i);
    for (const t of n.outputs) producer.set(t, n);
    for (const t of n.inputs) if (t) consumers.set(t, [...(consumers.get(t) ?? []), n]);
  });
  const isOriginalTensor = (t: string) => producer.has(t) || original.sources.has(t);

  const equiv = tensorEquivalence(optimized, isOriginalTensor);
  followRenamedNodes(original.nodes, optimized, consumers, equiv);
  // Each pass may correct the equivalence of fused-Add outputs; chained residual blocks need a few.
  for (let pass = 0; ; pass++) {
    const { covers, corrected } = coverPass(original.nodes, optimized, producer, consumers, order, equiv, isOriginalTensor);
    const fresh = [...corrected].filter(([t, orig]) => equiv.get(t) !== orig);
    if (fresh.length === 0 || pass >= 8) return covers;
    for (const [t, orig] of fresh) equiv.set(t, orig);
  }
}

function coverPass(
  originalNodes: GraphNodeInfo[],
  optimized: GraphNodes,
  producer: Map<string, GraphNodeInfo>,
  consumers: Map<string, GraphNodeInfo[]>,
  order: Map<string, number>,
  equiv: Map<string, string>,
  isOriginalTensor: (t: string) => boolean,
): { covers: Map<string, NodeCover>; corrected: Map<string, string> } {
  const corrected = new Map<string, string>();
  const materialized = new Set<string>([...equiv.values()]);
  for (const t of optimized.sources) if (isOriginalTensor(t)) materialized.add(t);

  const covers = new Map<string, NodeCover>();
  for (const node of optimized.nodes) {
    if (isLayoutNode(node)) {
      covers.set(node.name, { nodes: [], fused: true });
      continue;
    }
    const anchors = node.outputs.map((t) => equiv.get(t)).filter((t): t is string => !!t);
    if (anchors.length === 0) {
      const same = originalNodes.find((n) => n.name === node.name);
      if (same) anchors.push(...same.outputs);
    }
    const covered = new Set<string>();
    const reachedInputs = new Set<string>();
    const walk = (tensor: string, isAnchor: boolean) => {
      if (!isAnchor && materialized.has(tensor)) {
        reachedInputs.add(tensor);
        return;
      }
      const p = producer.get(tensor);
      if (!p || p.opType === 'Constant' || covered.has(p.name)) return;
      covered.add(p.name);
      for (const t of p.inputs) if (t) walk(t, false);
    };
    for (const a of anchors) walk(a, true);

    // Step 3: activation inputs (produced by an original node) the walk did not reach.
    const pending = node.inputs
      .map((t) => equiv.get(t))
      .filter((t): t is string => !!t && producer.has(t) && producer.get(t)!.opType !== 'Constant' && !reachedInputs.has(t));
    let tip = anchors.length === 1 ? anchors[0] : undefined;
    while (tip && pending.length > 0) {
      const next = (consumers.get(tip) ?? []).find((c) => c.inputs.some((t) => pending.includes(t)));
      if (!next || covered.has(next.name)) break;
      covered.add(next.name);
      for (const t of next.inputs) {
        const i = pending.indexOf(t);
        if (i >= 0) pending.splice(i, 1);
      }
      tip = next.outputs.length === 1 ? next.outputs[0] : undefined;
      if (tip && node.outputs.length === 1) corrected.set(node.outputs[0], tip);
    }

    const nodes = [...covered].sort((a, b) => order.get(a)! - order.get(b)!);
    const plain = nodes.length === 1 && nodes[0] === node.name && node.domain === '' && originalNodes[order.get(nodes[0])!].opType === node.opType;
    covers.set(node.name, { nodes, fused: !plain });
  }
  return { covers, corrected };
}

/**
 * ORT's layout transformer renames a node X to `X_token_N` and names its output X, a tensor the original graph
 * does not have. That output holds X's values; in a QDQ model the fused integer node (QLinearConv for
 * DequantizeLinear → Conv → QuantizeLinear) outputs the quantized values, i.e. those of the QuantizeLinear after X.
 */
function followRenamedNodes(
  originalNodes: GraphNodeInfo[],
  optimized: GraphNodes,
  consumers: Map<string, GraphNodeInfo[]>,
  equiv: Map<string, string>,
): void {
  const byName = new Map(originalNodes.map((n) => [n.name, n]));
  for (const n of optimized.nodes) {
    if (n.outputs.length !== 1 || equiv.has(n.outputs[0])) continue;
    const orig = byName.get(n.name.replace(/_token_\d+$/, ''));
    if (!orig || orig.outputs.length !== 1) continue;
    let tensor = orig.outputs[0];
    const users = consumers.get(tensor) ?? [];
    if (n.opType !== orig.opType && users.length === 1 && users[0].opType === 'QuantizeLinear') tensor = users[0].outputs[0];
    equiv.set(n.outputs[0], tensor);
  }
}

/**
 * Optimized tensor name → the original tensor holding the same values (step 1 above). Reorder nodes
 * whose other side has an original name are stronger evidence than the `_nchwc` naming, so they
 * are followed first.
 */
function tensorEquivalence(optimized: GraphNodes, isOriginalTensor: (t: string) => boolean): Map<string, string> {
  const equiv = new Map<string, string>();
  for (const n of optimized.nodes) {
    for (const t of n.inputs) if (t && isOriginalTensor(t)) equiv.set(t, t);
    for (const t of n.outputs) if (isOriginalTensor(t)) equiv.set(t, t);
  }
  followReorders(optimized, equiv);
  for (const n of optimized.nodes) {
    const m = /^(.*)_nchwc$/.exec(n.name);
    if (m && isOriginalTensor(m[1]) && n.outputs.length === 1 && !equiv.has(n.outputs[0])) equiv.set(n.outputs[0], m[1]);
  }
  followReorders(optimized, equiv);
  return equiv;
}

function followReorders(optimized: GraphNodes, equiv: Map<string, string>): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of optimized.nodes) {
      if (!isLayoutNode(n) || !n.inputs[0] || n.outputs.length !== 1) continue;
      const [i, o] = [n.inputs[0], n.outputs[0]];
      if (equiv.has(i) && !equiv.has(o)) {
        equiv.set(o, equiv.get(i)!);
        changed = true;
      } else if (equiv.has(o) && !equiv.has(i)) {
        equiv.set(i, equiv.get(o)!);
        changed = true;
      }
    }
  }
}
