// Multiply-accumulate counts of the operators that dominate compute. Symbolic (batch-like)
// dims count as 1; a dim that is unknown where the count needs it makes the node unresolved.
import type { Dim } from '../api/types.js';
import type { onnx } from '../onnx/generated/onnx.js';
import { attrInt } from '../onnx/attributes.js';
import { qualifiedOpType } from '../onnx/walk.js';
import { convLike, matMulLike } from './op-roles.js';
import { isKnown, type Shape } from './shape-math.js';

type ShapeOf = (name: string | undefined) => Shape | null;

const product = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
/** A dim that scales with the input (batch, rows): symbolic counts as 1. */
const scaling = (d: Dim | undefined): number | null => (typeof d === 'number' ? d : typeof d === 'string' ? 1 : null);
const fixed = (d: Dim | undefined): number | null => (typeof d === 'number' ? d : null);

function convMacs(x: Shape | null, w: Shape | null, y: Shape | null): number | null {
  if (!w || !isKnown(w) || w.length < 3 || !y || y.length !== w.length) return null;
  const spatial = y.slice(2);
  if (!isKnown(spatial)) return null;
  const n = scaling(x?.[0] ?? y[0]);
  if (n === null) return null;
  // Each output element takes (C/group) * kernel products; W is [M, C/group, k...].
  return n * w[0] * product(spatial) * w[1] * product(w.slice(2));
}

function convTransposeMacs(x: Shape | null, w: Shape | null): number | null {
  if (!x || !w || !isKnown(w) || w.length < 3 || x.length !== w.length) return null;
  const spatial = x.slice(2);
  if (!isKnown(spatial)) return null;
  const n = scaling(x[0]);
  if (n === null) return null;
  // Each input element scatters into (M/group) * kernel outputs; W is [C, M/group, k...].
  return n * w[0] * product(spatial) * w[1] * product(w.slice(2));
}

function gemmMacs(node: onnx.INodeProto, a: Shape | null, b: Shape | null): number | null {
  if (!a || !b || a.length !== 2 || b.length !== 2) return null;
  const transA = attrInt(node, 'transA', 0) === 1;
  const transB = attrInt(node, 'transB', 0) === 1;
  const m = scaling(transA ? a[1] : a[0]);
  const k = fixed(transB ? b[1] : b[0]) ?? fixed(transA ? a[0] : a[1]);
  const n = fixed(transB ? b[0] : b[1]);
  return m === null || k === null || n === null ? null : m * k * n;
}

function matMulMacs(a: Shape | null, b: Shape | null): number | null {
  if (!a || !b || a.length === 0 || b.length === 0) return null;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const m = scaling(a2[a2.length - 2]);
  const k = fixed(a2[a2.length - 1]) ?? fixed(b2[b2.length - 2]);
  const n = fixed(b2[b2.length - 1]);
  if (m === null || k === null || n === null) return null;
  const batchA = a2.slice(0, -2);
  const batchB = b2.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  let batch = 1;
  for (let i = 0; i < rank; i++) {
    const da = scaling(batchA[batchA.length - rank + i] ?? 1);
    const db = scaling(batchB[batchB.length - rank + i] ?? 1);
    if (da === null || db === null) return null;
    batch *= Math.max(da, db);
  }
  return batch * m * k * n;
}

/** MACs of one node, null when its shapes are not known well enough, undefined for other ops. */
export function nodeMacs(node: onnx.INodeProto, shapeOf: ShapeOf): number | null | undefined {
  const op = qualifiedOpType(node);
  const input = node.input ?? [];
  if (convLike[op]) return convMacs(shapeOf(input[convLike[op].x]), shapeOf(input[convLike[op].w]), shapeOf(node.output?.[0]));
  if (op === 'ConvTranspose') return convTransposeMacs(shapeOf(input[0]), shapeOf(input[1]));
  if (op === 'Gemm') return gemmMacs(node, shapeOf(input[0]), shapeOf(input[1]));
  if (matMulLike[op]) return matMulMacs(shapeOf(input[matMulLike[op].a]), shapeOf(input[matMulLike[op].b]));
  return undefined;
}
