// Output shapes of the common operators, plus the integer values of small constant
// tensors (the Shape -> Gather -> Concat -> Reshape chains that exporters write).
import type { Dim } from '../api/types.js';
import type { onnx } from '../onnx/generated/onnx.js';
import { attrInt, attrInts, attrString, attribute } from '../onnx/attributes.js';
import { tensorDims, tensorIntValues } from '../onnx/tensor-data.js';
import { qualifiedOpType } from '../onnx/walk.js';
import { broadcastOps, convLike, globalPoolOps, matMulLike, poolOps, unaryOps } from './op-roles.js';
import { broadcast, dimProduct, isKnown, normAxis, type Shape } from './shape-math.js';

export interface OpContext {
  node: onnx.INodeProto;
  shape(i: number): Shape | null;
  /** Integer values of input i when they are a known constant. */
  value(i: number): number[] | null;
}

export interface OpResult {
  shapes: (Shape | null)[];
  values?: (number[] | null)[];
}

type Rule = (c: OpContext) => OpResult | null;

const one = (shape: Shape | null, values?: number[] | null): OpResult => ({ shapes: [shape], values: [values ?? null] });

/** Output size of one spatial axis of a convolution or pool. */
function windowOut(input: Dim, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number, autoPad: string, ceil: boolean): Dim {
  if (typeof input !== 'number') return null;
  const span = (kernel - 1) * dilation + 1;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(input / stride);
  if (autoPad === 'VALID') return Math.floor((input - span) / stride) + 1;
  const room = input + padBegin + padEnd - span;
  if (!ceil) return Math.floor(room / stride) + 1;
  let out = Math.ceil(room / stride) + 1;
  // The last window must start inside the input or its leading padding.
  if ((out - 1) * stride >= input + padBegin) out--;
  return out;
}

function spatialOut(c: OpContext, x: Shape, kernel: number[], ceil: boolean): Dim[] {
  const n = kernel.length;
  const strides = attrInts(c.node, 'strides') ?? [];
  const dilations = attrInts(c.node, 'dilations') ?? [];
  const pads = attrInts(c.node, 'pads') ?? [];
  const autoPad = attrString(c.node, 'auto_pad', 'NOTSET');
  return kernel.map((k, i) =>
    windowOut(x[2 + i], k, strides[i] ?? 1, dilations[i] ?? 1, pads[i] ?? 0, pads[i + n] ?? 0, autoPad, ceil),
  );
}

function conv(c: OpContext, xi: number, wi: number): OpResult | null {
  const x = c.shape(xi);
  const w = c.shape(wi);
  if (!x || x.length < 3) return null;
  const kernel = attrInts(c.node, 'kernel_shape') ?? (w && isKnown(w.slice(2)) ? (w.slice(2) as number[]) : null);
  if (!kernel) return one([x[0], w ? w[0] : null, ...x.slice(2).map(() => null)]);
  return one([x[0], w ? w[0] : null, ...spatialOut(c, x, kernel, false)]);
}

function convTranspose(c: OpContext): OpResult | null {
  const x = c.shape(0);
  const w = c.shape(1);
  if (!x || x.length < 3 || !w) return null;
  const group = attrInt(c.node, 'group', 1);
  const channels = typeof w[1] === 'number' ? w[1] * group : null;
  const outputShape = attrInts(c.node, 'output_shape');
  if (outputShape && outputShape.length === x.length - 2) return one([x[0], channels, ...outputShape]);
  const kernel = attrInts(c.node, 'kernel_shape') ?? (isKnown(w.slice(2)) ? (w.slice(2) as number[]) : null);
  if (!kernel) return one([x[0], channels, ...x.slice(2).map(() => null)]);
  const n = kernel.length;
  const strides = attrInts(c.node, 'strides') ?? [];
  const dilations = attrInts(c.node, 'dilations') ?? [];
  const pads = attrInts(c.node, 'pads') ?? [];
  const outPad = attrInts(c.node, 'output_padding') ?? [];
  const autoPad = attrString(c.node, 'auto_pad', 'NOTSET');
  const spatial = kernel.map((k, i): Dim => {
    const d = x[2 + i];
    if (typeof d !== 'number') return null;
    const s = strides[i] ?? 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return d * s;
    return s * (d - 1) + (outPad[i] ?? 0) + (k - 1) * (dilations[i] ?? 1) + 1 - (pads[i] ?? 0) - (pads[i + n] ?? 0);
  });
  return one([x[0], channels, ...spatial]);
}

function pool(c: OpContext): OpResult | null {
  const x = c.shape(0);
  const kernel = attrInts(c.node, 'kernel_shape');
  if (!x || x.length < 3 || !kernel) return null;
  const shape = [x[0], x[1], ...spatialOut(c, x, kernel, attrInt(c.node, 'ceil_mode', 0) === 1)];
  return { shapes: [shape, shape] };
}

function gemm(c: OpContext): OpResult | null {
  const a = c.shape(0);
  const b = c.shape(1);
  if (!a || !b || a.length !== 2 || b.length !== 2) return null;
  const m = attrInt(c.node, 'transA', 0) ? a[1] : a[0];
  const n = attrInt(c.node, 'transB', 0) ? b[0] : b[1];
  return one([m, n]);
}

function matMul(c: OpContext, ai: number, bi: number): OpResult | null {
  const a = c.shape(ai);
  const b = c.shape(bi);
  if (!a || !b || a.length === 0 || b.length === 0) return null;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)]);
  if (!batch) return null;
  const out: Dim[] = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]);
  if (b.length > 1) out.push(b2[b2.length - 1]);
  return one(out);
}

function flatten(c: OpContext): OpResult | null {
  const x = c.shape(0);
  if (!x) return null;
  const axis = attrInt(c.node, 'axis', 1);
  const a = axis < 0 ? axis + x.length : axis;
  if (a < 0 || a > x.length) return null;
  return one([dimProduct(x.slice(0, a)), dimProduct(x.slice(a))]);
}

function reshape(c: OpContext): OpResult | null {
  const x = c.shape(0);
  const target = c.value(1);
  if (!target) return null;
  const allowZero = attrInt(c.node, 'allowzero', 0) === 1;
  const out: Dim[] = target.map((v, i) => (v === 0 && !allowZero ? (x ? (x[i] ?? null) : null) : v === -1 ? -1 : v));
  const hole = out.indexOf(-1);
  if (hole >= 0) {
    out[hole] = null;
    if (x) {
      // Known factors divide out; symbolic ones must appear on both sides (copied by a 0).
      const inSyms = x.filter((d) => typeof d === 'string').sort();
      const outSyms = out.filter((d, i) => i !== hole && typeof d === 'string').sort();
      const numeric = (dims: Dim[]) => dims.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
      const others = out.filter((_, i) => i !== hole);
      if (!x.includes(null) && !others.includes(null) && inSyms.join('\u0000') === outSyms.join('\u0000')) {
        const rest = numeric(others);
        if (rest > 0) out[hole] = numeric(x) / rest;
      }
    }
  }
  return one(out);
}

function transpose(c: OpContext): OpResult | null {
  const x = c.shape(0);
  if (!x) return null;
  const perm = attrInts(c.node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
  if (perm.length !== x.length) return null;
  return one(perm.map((p) => x[p] ?? null));
}

function concat(c: OpContext): OpResult | null {
  const inputs = (c.node.input ?? []).map((_, i) => c.shape(i));
  if (inputs.length === 0 || inputs.some((s) => !s)) return null;
  const rank = inputs[0]!.length;
  const axis = normAxis(attrInt(c.node, 'axis', 0), rank);
  if (axis === null) return null;
  const out = [...inputs[0]!];
  let sum: number | null = 0;
  for (const s of inputs) sum = sum !== null && typeof s![axis] === 'number' ? sum + (s![axis] as number) : null;
  out[axis] = sum;
  const parts = (c.node.input ?? []).map((_, i) => c.value(i));
  const values = rank === 1 && parts.every((p) => p) ? parts.flat() as number[] : null;
  return one(out, values);
}

function axesOf(c: OpContext): number[] | null {
  return attrInts(c.node, 'axes') ?? ((c.node.input?.length ?? 0) > 1 ? c.value(1) : null);
}

function squeeze(c: OpContext): OpResult | null {
  const x = c.shape(0);
  if (!x) return null;
  const axes = axesOf(c);
  if (!axes) return isKnown(x) ? one(x.filter((d) => d !== 1), c.value(0)) : null;
  const drop = new Set(axes.map((a) => (a < 0 ? a + x.length : a)));
  return one(x.filter((_, i) => !drop.has(i)), c.value(0));
}

function unsqueeze(c: OpContext): OpResult | null {
  const x = c.shape(0);
  const axes = axesOf(c);
  if (!x || !axes) return null;
  const rank = x.length + axes.length;
  const add = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const out: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(add.has(i) ? 1 : (x[j++] ?? null));
  return one(out, c.value(0));
}

function shapeOp(c: OpContext): OpResult | null {
  const x = c.shape(0);
  if (!x) return one([null]);
  const start = attrInt(c.node, 'start', 0);
  const end = attrInt(c.node, 'end', x.length);
  const dims = x.slice(start, end);
  return one([dims.length], isKnown(dims) ? dims : null);
}

function gather(c: OpContext): OpResult | null {
  const data = c.shape(0);
  const indices = c.shape(1);
  if (!data || !indices) return null;
  const axis = normAxis(attrInt(c.node, 'axis', 0), data.length);
  if (axis === null) return null;
  const out = [...data.slice(0, axis), ...indices, ...data.slice(axis + 1)];
  const values = c.value(0);
  const idx = c.value(1);
  const picked = values && idx && data.length === 1 ? idx.map((i) => values[i < 0 ? i + values.length : i]) : null;
  return one(out, picked && picked.every((v) => v !== undefined) ? picked : null);
}

function constant(c: OpContext): OpResult | null {
  const value = attribute(c.node, 'value');
  if (value?.t) return one(tensorDims(value.t), tensorIntValues(value.t));
  const int = attribute(c.node, 'value_int');
  if (int) return one([], [attrInt(c.node, 'value_int', 0)]);
  const ints = attrInts(c.node, 'value_ints');
  if (ints) return one([ints.length], ints);
  const floats = attribute(c.node, 'value_floats');
  if (floats) return one([floats.floats?.length ?? 0]);
  if (attribute(c.node, 'value_float')) return one([]);
  return null;
}

function reduce(c: OpContext, argAxis: boolean): OpResult | null {
  const x = c.shape(0);
  if (!x) return null;
  const keep = attrInt(c.node, 'keepdims', 1) === 1;
  const axes = argAxis ? [attrInt(c.node, 'axis', 0)] : axesOf(c);
  if (!axes || axes.length === 0) {
    if (attrInt(c.node, 'noop_with_empty_axes', 0) === 1) return one(x);
    return one(keep ? x.map(() => 1) : []);
  }
  const set = new Set(axes.map((a) => (a < 0 ? a + x.length : a)));
  const out: Dim[] = [];
  x.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return one(out);
}

function pad(c: OpContext): OpResult | null {
  const x = c.shape(0);
  const pads = attrInts(c.node, 'pads') ?? c.value(1);
  if (!x || !pads || pads.length !== 2 * x.length) return null;
  return one(x.map((d, i) => (typeof d === 'number' ? d + pads[i] + pads[i + x.length] : null)));
}

function expand(c: OpContext): OpResult | null {
  const target = c.value(1);
  return target ? one(broadcast([c.shape(0), target])) : null;
}

const rules: Record<string, Rule> = {
  ConvTranspose: convTranspose,
  Gemm: gemm,
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Concat: concat,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Shape: shapeOp,
  Gather: gather,
  Constant: constant,
  Pad: pad,
  Expand: expand,
  ConstantOfShape: (c) => {
    const v = c.value(0);
    return v ? one(v) : null;
  },
};

/** Infers the node's output shapes (and small integer values); null when it cannot. */
export function inferOp(c: OpContext): OpResult | null {
  const op = qualifiedOpType(c.node);
  const rule = rules[op];
  if (rule) return rule(c);
  if (convLike[op]) return conv(c, convLike[op].x, convLike[op].w);
  if (matMulLike[op]) return matMul(c, matMulLike[op].a, matMulLike[op].b);
  if (poolOps.has(op)) return pool(c);
  if (globalPoolOps.has(op)) {
    const x = c.shape(0);
    return x && x.length >= 2 ? one([x[0], x[1], ...x.slice(2).map(() => 1)]) : null;
  }
  if (unaryOps.has(op)) {
    const passValues = op === 'Identity' || op === 'Cast';
    const x = c.shape(0);
    // Dropout's mask has the data's shape; other extra outputs (BatchNormalization's running stats) do not.
    return { shapes: op === 'Dropout' ? [x, x] : [x], values: [passValues ? c.value(0) : null] };
  }
  if (broadcastOps.has(op)) return one(broadcast((c.node.input ?? []).map((_, i) => c.shape(i))));
  if (op.startsWith('Reduce')) return reduce(c, false);
  if (op === 'ArgMax' || op === 'ArgMin') return reduce(c, true);
  return null;
}
