// Slicing and gathering: STRIDED_SLICE (every mask bit), SLICE, GATHER, GATHER_ND, SPLIT, SPLIT_V,
// PACK, UNPACK and TILE.
import type { OpContext, OpHandlers } from '../op-context.js';
import { int64Input, normAxis, signature } from './shape-ops.js';

const BIG = 2 ** 62;
const INT64 = 7;

export interface SlicePlan {
  /** One ONNX Slice over these input axes (empty: nothing to slice). */
  starts: number[];
  ends: number[];
  axes: number[];
  steps: number[];
  /** Input axes removed after the slice (shrink_axis_mask). */
  squeeze: number[];
  /** Output positions of the new length-1 axes (new_axis_mask), inserted last. */
  unsqueeze: number[];
}

export interface StridedSliceSpec {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
  /** end is relative to begin. */
  offset: boolean;
}

/**
 * TFLite's StridedSlice as Slice → Squeeze → Unsqueeze. Entry i of begin/end/strides is a slice spec
 * like numpy's: the ellipsis bit spans the input dims the other entries do not name, a new-axis bit
 * adds a length-1 output dim, a shrink bit takes one element and drops the dim; input dims after the
 * last entry are taken whole.
 */
export function planStridedSlice(spec: StridedSliceSpec, rank: number): SlicePlan {
  const bit = (mask: number, i: number) => (mask & (1 << i)) !== 0;
  const n = spec.begin.length;
  const plan: SlicePlan = { starts: [], ends: [], axes: [], steps: [], squeeze: [], unsqueeze: [] };
  const ellipsisAt = Array.from({ length: n }, (_, i) => i).find((i) => bit(spec.ellipsisMask, i)) ?? -1;
  // Entries after the ellipsis that name an input dim (the ellipsis leaves those dims to them).
  const namedAfter = ellipsisAt < 0 ? 0 : Array.from({ length: n - ellipsisAt - 1 }, (_, k) => ellipsisAt + 1 + k).filter((i) => !bit(spec.newAxisMask, i)).length;
  let dim = 0;
  let outPos = 0;
  for (let i = 0; i < n; i++) {
    if (i === ellipsisAt) {
      const span = Math.max(0, rank - dim - namedAfter);
      dim += span;
      outPos += span;
      continue;
    }
    if (bit(spec.newAxisMask, i)) {
      plan.unsqueeze.push(outPos++);
      continue;
    }
    if (dim >= rank) throw new RangeError(`it slices ${n} dims of a rank-${rank} tensor`);
    const step = spec.strides[i];
    if (step === 0) throw new RangeError(`its stride ${i} is 0`);
    // TFLite honours begin_mask on a shrunk axis too; the element taken is then the first.
    let start = bit(spec.beginMask, i) ? (step > 0 ? 0 : BIG) : spec.begin[i];
    if (bit(spec.shrinkAxisMask, i)) {
      if (bit(spec.beginMask, i)) start = 0;
      plan.starts.push(start);
      plan.ends.push(start === -1 ? BIG : start + 1);
      plan.steps.push(1);
      plan.axes.push(dim);
      plan.squeeze.push(dim++);
      continue;
    }
    const end = bit(spec.endMask, i) ? (step > 0 ? BIG : -BIG) : spec.offset ? spec.begin[i] + spec.end[i] : spec.end[i];
    plan.starts.push(start);
    plan.ends.push(end);
    plan.steps.push(step);
    plan.axes.push(dim++);
    outPos++;
  }
  return plan;
}

function stridedSlice(ctx: OpContext): void {
  const begin = ctx.requireConst(1, 'begin');
  const spec: StridedSliceSpec = {
    begin,
    end: ctx.requireConst(2, 'end'),
    strides: ctx.has(3) ? ctx.requireConst(3, 'strides') : begin.map(() => 1),
    beginMask: ctx.option('beginMask', 0),
    endMask: ctx.option('endMask', 0),
    ellipsisMask: ctx.option('ellipsisMask', 0),
    newAxisMask: ctx.option('newAxisMask', 0),
    shrinkAxisMask: ctx.option('shrinkAxisMask', 0),
    offset: ctx.option('offset', false),
  };
  let plan: SlicePlan;
  try {
    plan = planStridedSlice(spec, ctx.inShape(0).length);
  } catch (err) {
    return ctx.fail(err instanceof Error ? err.message : String(err));
  }
  let y = ctx.input(0);
  if (plan.axes.length > 0) {
    const b = ctx.b;
    y = ctx.node1('Slice', [y, b.int64s(plan.starts), b.int64s(plan.ends), b.int64s(plan.axes), b.int64s(plan.steps)]);
  }
  if (plan.squeeze.length > 0) y = ctx.node1('Squeeze', [y, ctx.b.int64s(plan.squeeze)]);
  if (plan.unsqueeze.length > 0) y = ctx.node1('Unsqueeze', [y, ctx.b.int64s(plan.unsqueeze)]);
  ctx.define(0, y === ctx.input(0) ? ctx.node1('Identity', [y]) : y);
}

/** Split along axis into the op's outputs, equal parts unless sizes are given. */
function split(ctx: OpContext, input: number, axis: number, sizes: number[] | null): string[] {
  const count = ctx.outputCount;
  if (count === 1) return [ctx.node1('Identity', [ctx.input(input)])];
  const inputs = [ctx.input(input), ...(sizes ? [ctx.b.int64s(sizes)] : [])];
  // From opset 18 an equal Split names its number of outputs.
  const attrs: Record<string, number> = ctx.opset >= 18 && !sizes ? { axis, num_outputs: count } : { axis };
  return ctx.node('Split', inputs, attrs, count);
}

function splitV(ctx: OpContext): void {
  const shape = ctx.inShape(0);
  const axis = normAxis(ctx.requireConst(2, 'axis')[0], shape.length);
  const sizes = ctx.requireConst(1, 'split sizes');
  if (sizes.some((s) => s < 0) && signature(ctx.inTensor(0))[axis] < 0) ctx.fail('a -1 split size along a dynamic dim cannot be resolved when converting');
  const known = sizes.filter((s) => s >= 0).reduce((a, b) => a + b, 0);
  split(ctx, 0, axis, sizes.map((s) => (s < 0 ? shape[axis] - known : s))).forEach((o, k) => ctx.define(k, o));
}

export const sliceOps: OpHandlers = {
  STRIDED_SLICE: stridedSlice,
  SLICE: (ctx) => {
    const begin = ctx.requireConst(1, 'begin');
    const size = ctx.requireConst(2, 'size');
    const ends = begin.map((b, i) => (size[i] === -1 ? BIG : b + size[i]));
    ctx.define(0, ctx.node1('Slice', [ctx.input(0), ctx.b.int64s(begin), ctx.b.int64s(ends), ctx.b.int64s(begin.map((_, i) => i))]));
  },
  GATHER: (ctx) => {
    if (ctx.option('batchDims', 0) !== 0) ctx.fail('GATHER with batch_dims ≠ 0 has no ONNX Gather form');
    ctx.define(0, ctx.node1('Gather', [ctx.input(0), ctx.input(1)], { axis: normAxis(ctx.option('axis', 0), ctx.inShape(0).length) }));
  },
  GATHER_ND: (ctx) => ctx.define(0, ctx.node1('GatherND', [ctx.input(0), ctx.node1('Cast', [ctx.input(1)], { to: INT64 })])),
  // SPLIT's axis is input 0 and its data input 1.
  SPLIT: (ctx) => {
    const axis = normAxis(ctx.requireConst(0, 'axis')[0], ctx.inShape(1).length);
    split(ctx, 1, axis, null).forEach((o, k) => ctx.define(k, o));
  },
  SPLIT_V: splitV,
  PACK: (ctx) => {
    const axis = normAxis(ctx.option('axis', 0), ctx.inShape(0).length + 1);
    const parts = ctx.op.inputs.map((_, i) => ctx.node1('Unsqueeze', [ctx.input(i), ctx.b.int64s([axis])]));
    ctx.define(0, parts.length === 1 ? parts[0] : ctx.node1('Concat', parts, { axis }));
  },
  UNPACK: (ctx) => {
    const axis = normAxis(ctx.option('axis', 0), ctx.inShape(0).length);
    split(ctx, 0, axis, null).forEach((p, k) => ctx.define(k, ctx.node1('Squeeze', [p, ctx.b.int64s([axis])])));
  },
  TILE: (ctx) => ctx.define(0, ctx.node1('Tile', [ctx.input(0), int64Input(ctx, 1)])),
};
