// Removes the Transposes the converter's NHWC↔NCHW wrapping makes redundant. Each layout-sensitive op is
// wrapped as T(NHWC→NCHW) · op · T(NCHW→NHWC); this pass composes consecutive Transposes, folds Transposes
// of constants, and sinks Transposes below ops that commute with them (transpose-commute.ts) until they meet
// their inverse. A sink is tried on a copy and kept only when the graph ends up with fewer Transposes, so a
// fan-out is duplicated only where every copy that must stay is paid for by ones that cancel.
// Graph inputs and outputs keep their names, types and layout.
import type { onnx } from '../../onnx/generated/onnx.js';
import { tensorDims } from '../../onnx/tensor-data.js';
import { commutePlan } from './transpose-commute.js';
import { compose, isIdentity, permOf, TransposeGraph } from './transpose-graph.js';

type Node = onnx.INodeProto;

export interface TransposePassOptions {
  /** The model's default-domain opset; Softmax-like ops move only when it is known to be ≥ 13. */
  opset?: number;
}

function setPerm(node: Node, perm: number[]): void {
  node.attribute = (node.attribute ?? []).map((a) => (a.name === 'perm' ? { ...a, ints: perm } : a));
}

/** Changes that can never add a Transpose: identity perms, Transposes of constants, twins, Transpose of a Transpose. */
function simplify(g: TransposeGraph, t: Node): boolean {
  const perm = permOf(t)!;
  const [x] = t.input ?? [];
  const [y] = t.output ?? [];
  if (!x || !y) return false;
  if (isIdentity(perm)) {
    g.replaceTensor(y, x, t);
    g.remove(t);
    return true;
  }
  const init = g.inits.get(x);
  if (init && tensorDims(init).length === perm.length && g.canPermute(x, perm.length)) {
    g.replaceTensor(y, g.permutedConst(x, perm)!, t);
    g.remove(t);
    return true;
  }
  // The same Transpose of the same tensor, later in the graph (NHWC input wrapped for each of its readers).
  const twin = g.nodes.slice(g.nodes.indexOf(t) + 1).find((n) => n.input?.[0] === x && permOf(n)?.join() === perm.join());
  if (twin?.output?.[0]) {
    g.replaceTensor(twin.output[0], y, twin);
    g.remove(twin);
    return true;
  }
  const p = g.producer(x);
  const pPerm = p ? permOf(p) : null;
  if (p && pPerm && pPerm.length === perm.length) {
    t.input = [p.input![0]];
    setPerm(t, compose(pPerm, perm));
    g.dropIfDead(p);
    return true;
  }
  return false;
}

/** Moves `t` below every consumer it commutes with (a consumer Transpose composes with it); the Transposes now below them. */
function sinkStep(g: TransposeGraph, t: Node, opset: number | null): Node[] {
  const perm = permOf(t)!;
  const x = t.input![0];
  const y = t.output![0];
  const created: Node[] = [];
  for (const c of new Set(g.consumers(y))) {
    const cPerm = permOf(c);
    if (cPerm) {
      if (cPerm.length !== perm.length) continue;
      c.input = [x];
      setPerm(c, compose(perm, cPerm));
      if (isIdentity(compose(perm, cPerm))) {
        g.replaceTensor(c.output![0], x, c);
        g.remove(c);
      } else created.push(c);
      continue;
    }
    const plan = commutePlan({ g, x, y, perm, opset }, c);
    if (!plan) continue;
    plan();
    const outs = c.output!;
    for (let j = outs.length - 1; j >= 0; j--) {
      const inner = g.fresh(`${outs[j]}_inner`);
      const below = g.transpose(inner, outs[j], perm);
      outs[j] = inner;
      g.insertAfter(below, c);
      created.push(below);
    }
  }
  g.dropIfDead(t);
  return created;
}

/**
 * Sinks `t` on a copy, following every Transpose the moves create, and returns the copy as soon as it has
 * fewer Transposes than `g`; null when it never gets there.
 */
function trySink(g: TransposeGraph, t: Node, opset: number | null): TransposeGraph | null {
  const perm = permOf(t)!;
  const ctx = { g, x: t.input![0], y: t.output![0], perm, opset };
  if (!g.consumers(ctx.y).some((c) => commutePlan(ctx, c) !== null)) return null;
  const trial = g.clone();
  const start = g.transposeCount();
  const frontier = [trial.nodes[g.nodes.indexOf(t)]];
  const cap = 4 * trial.nodes.length + 64;
  for (let steps = 0; frontier.length > 0 && steps < cap; steps++) {
    const cur = frontier.shift()!;
    if (!trial.nodes.includes(cur) || !permOf(cur)) continue;
    frontier.push(...sinkStep(trial, cur, opset));
    if (trial.transposeCount() < start) return trial;
  }
  return null;
}

/**
 * Runs the rules to a fixed point, changing `graph` in place (its node list is replaced by rewritten
 * copies; it stays topologically sorted). Initializers the pass left unused are dropped.
 */
export function optimizeTransposes(graph: onnx.IGraphProto, opts: TransposePassOptions = {}): { removed: number; remaining: number } {
  let g = TransposeGraph.from(graph);
  const opset = opts.opset ?? null;
  const before = g.transposeCount();
  const usedBefore = new Set(g.nodes.flatMap((n) => n.input ?? []));
  const maxRounds = 8 * (g.nodes.length + before) + 64;
  for (let round = 0; round < maxRounds; round++) {
    let changed = false;
    // By position, since a kept trial replaces every node object; whatever shifts past is met next round.
    for (let i = 0; i < g.nodes.length; i++) {
      const t = g.nodes[i];
      if (!permOf(t) || !t.input?.[0] || !t.output?.[0]) continue;
      if (simplify(g, t)) {
        changed = true;
        continue;
      }
      const next = trySink(g, t, opset);
      if (next) {
        g = next;
        changed = true;
      }
    }
    if (!changed) break;
  }
  writeBack(graph, g, usedBefore);
  const remaining = g.transposeCount();
  return { removed: before - remaining, remaining };
}

function writeBack(graph: onnx.IGraphProto, g: TransposeGraph, usedBefore: Set<string>): void {
  graph.node = g.nodes;
  const used = new Set(g.nodes.flatMap((n) => n.input ?? []));
  const keep = (name: string) => used.has(name) || g.isPinned(name) || g.shared.graphInputs.has(name);
  const original = graph.initializer ?? [];
  const originalNames = new Set(original.map((t) => t.name ?? ''));
  graph.initializer = [
    ...original.filter((t) => keep(t.name ?? '') || !usedBefore.has(t.name ?? '')),
    ...[...g.inits.values()].filter((t) => !originalNames.has(t.name ?? '') && keep(t.name ?? '')),
  ];
  const live = new Set([...g.nodes.flatMap((n) => n.output ?? []), ...used]);
  if (graph.value_info) graph.value_info = graph.value_info.filter((v) => live.has(v.name ?? ''));
}
