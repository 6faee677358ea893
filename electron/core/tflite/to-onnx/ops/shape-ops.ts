// Shape, layout and gather/scatter-free data movement: reshape family, transpose, concat, pad, split, pack.
import type { OpContext, OpHandlers } from '../op-context.js';

const BIG = 2 ** 62;

/** The static target shape of output 0 with dynamic dims as -1 (at most one), or null. */
function staticTarget(ctx: OpContext): number[] | null {
  const t = ctx.outTensor(0);
  const sig = t.shapeSignature && t.shapeSignature.length === t.shape.length ? t.shapeSignature : t.shape;
  return sig.filter((d) => d < 0).length <= 1 && !sig.includes(0) ? sig : null;
}

function reshape(ctx: OpContext): void {
  const x = ctx.input(0);
  const target = staticTarget(ctx);
  if (target) return ctx.define(0, ctx.node1('Reshape', [x, ctx.b.int64s(target)]));
  const given = ctx.constValues(1) ?? (ctx.option<number[]>('newShape', []).length ? ctx.option<number[]>('newShape', []) : null);
  if (given) return ctx.define(0, ctx.node1('Reshape', [x, ctx.b.int64s(given)]));
  if (!ctx.has(1)) ctx.fail('it names no target shape');
  ctx.define(0, ctx.node1('Reshape', [x, ctx.node1('Cast', [ctx.input(1)], { to: 7 })]));
}

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function pads(ctx: OpContext, i: number): string {
  const p = ctx.requireConst(i, 'paddings');
  const rank = p.length / 2;
  return ctx.b.int64s([...Array.from({ length: rank }, (_, d) => p[2 * d]), ...Array.from({ length: rank }, (_, d) => p[2 * d + 1])]);
}

function stridedSlice(ctx: OpContext): void {
  const begin = ctx.requireConst(1, 'begin');
  const end = ctx.requireConst(2, 'end');
  const strides = ctx.constValues(3) ?? begin.map(() => 1);
  const rank = ctx.inShape(0).length;
  const bit = (mask: number, i: number) => (mask & (1 << i)) !== 0;
  const beginMask = ctx.option('beginMask', 0);
  const endMask = ctx.option('endMask', 0);
  const ellipsisMask = ctx.option('ellipsisMask', 0);
  const newAxisMask = ctx.option('newAxisMask', 0);
  const shrinkMask = ctx.option('shrinkAxisMask', 0);
  const offset = ctx.option('offset', false);
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  const squeeze: number[] = [];
  const newAxes: number[] = [];
  let dim = 0;
  let outPos = 0;
  for (let i = 0; i < begin.length; i++) {
    if (bit(ellipsisMask, i)) {
      // The ellipsis spans every input dim the entries after it do not name.
      const span = Math.max(0, rank - dim - begin.slice(i + 1).filter((_, k) => !bit(newAxisMask, i + 1 + k)).length);
      dim += span;
      outPos += span;
      continue;
    }
    if (bit(newAxisMask, i)) {
      newAxes.push(outPos++);
      continue;
    }
    const step = strides[i] || 1;
    let s = bit(beginMask, i) ? (step > 0 ? 0 : BIG) : begin[i];
    let e = bit(endMask, i) ? (step > 0 ? BIG : -BIG) : offset ? begin[i] + end[i] : end[i];
    if (bit(shrinkMask, i)) {
      s = begin[i];
      e = s === -1 ? BIG : s + 1;
      squeeze.push(dim);
      starts.push(s);
      ends.push(e);
      axes.push(dim);
      steps.push(1);
      dim++;
      continue;
    }
    starts.push(s);
    ends.push(e);
    axes.push(dim);
    steps.push(step);
    dim++;
    outPos++;
  }
  let y = ctx.input(0);
  if (axes.length > 0) y = ctx.node1('Slice', [y, ctx.b.int64s(starts), ctx.b.int64s(ends), ctx.b.int64s(axes), ctx.b.int64s(steps)]);
  if (squeeze.length > 0) y = ctx.node1('Squeeze', [y, ctx.b.int64s(squeeze)]);
  if (newAxes.length > 0) y = ctx.node1('Unsqueeze', [y, ctx.b.int64s(newAxes)]);
  if (y === ctx.input(0)) y = ctx.node1('Identity', [y]);
  ctx.define(0, y);
}

function split(ctx: OpContext, x: number, axis: number, sizes: number[] | null): void {
  const inputs = [ctx.input(x), ...(sizes ? [ctx.b.int64s(sizes)] : [])];
  const outs = ctx.node('Split', inputs, { axis }, ctx.outputCount);
  outs.forEach((o, k) => ctx.define(k, o));
}

export const shapeOps: OpHandlers = {
  RESHAPE: reshape,
  SQUEEZE: (ctx) => {
    const shape = ctx.inShape(0);
    const dims = ctx.option<number[]>('squeezeDims', []);
    const axes = dims.length ? dims.map((d) => norm(d, shape.length)) : shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
    ctx.define(0, ctx.node1('Squeeze', [ctx.input(0), ctx.b.int64s(axes)]));
  },
  EXPAND_DIMS: (ctx) => {
    const axis = ctx.requireConst(1, 'axis')[0];
    ctx.define(0, ctx.node1('Unsqueeze', [ctx.input(0), ctx.b.int64s([norm(axis, ctx.inShape(0).length + 1)])]));
  },
  TRANSPOSE: (ctx) => ctx.define(0, ctx.node1('Transpose', [ctx.input(0)], { perm: ctx.requireConst(1, 'permutation') })),
  CONCATENATION: (ctx) => {
    const inputs = ctx.op.inputs.map((_, i) => ctx.input(i));
    ctx.finish(ctx.node1('Concat', inputs, { axis: norm(ctx.option('axis', 0), ctx.outShape(0).length) }));
  },
  PAD: (ctx) => ctx.define(0, ctx.node1('Pad', [ctx.input(0), pads(ctx, 1)], { mode: 'constant' })),
  PADV2: (ctx) => ctx.define(0, ctx.node1('Pad', [ctx.input(0), pads(ctx, 1), ...(ctx.has(2) ? [ctx.input(2)] : [])], { mode: 'constant' })),
  MIRROR_PAD: (ctx) => {
    if (ctx.option('mode', 0) !== 0) ctx.fail('SYMMETRIC mirror padding (edges repeated) has no ONNX Pad mode; only REFLECT converts');
    ctx.define(0, ctx.node1('Pad', [ctx.input(0), pads(ctx, 1)], { mode: 'reflect' }));
  },
  STRIDED_SLICE: stridedSlice,
  SLICE: (ctx) => {
    const begin = ctx.requireConst(1, 'begin');
    const size = ctx.requireConst(2, 'size');
    const ends = begin.map((b, i) => (size[i] === -1 ? BIG : b + size[i]));
    ctx.define(0, ctx.node1('Slice', [ctx.input(0), ctx.b.int64s(begin), ctx.b.int64s(ends), ctx.b.int64s(begin.map((_, i) => i))]));
  },
  SPLIT: (ctx) => split(ctx, 1, norm(ctx.requireConst(0, 'axis')[0], ctx.inShape(1).length), null),
  SPLIT_V: (ctx) => {
    const shape = ctx.inShape(0);
    const axis = norm(ctx.requireConst(2, 'axis')[0], shape.length);
    const sizes = ctx.requireConst(1, 'split sizes');
    const known = sizes.filter((s) => s >= 0).reduce((a, b) => a + b, 0);
    split(ctx, 0, axis, sizes.map((s) => (s < 0 ? shape[axis] - known : s)));
  },
  PACK: (ctx) => {
    const rank = ctx.outShape(0).length;
    const axis = norm(ctx.option('axis', 0), rank);
    const parts = ctx.op.inputs.map((_, i) => ctx.node1('Unsqueeze', [ctx.input(i), ctx.b.int64s([axis])]));
    ctx.define(0, parts.length === 1 ? parts[0] : ctx.node1('Concat', parts, { axis }));
  },
  UNPACK: (ctx) => {
    const axis = norm(ctx.option('axis', 0), ctx.inShape(0).length);
    const parts = ctx.outputCount === 1 ? [ctx.input(0)] : ctx.node('Split', [ctx.input(0)], { axis }, ctx.outputCount);
    parts.forEach((p, k) => ctx.define(k, ctx.node1('Squeeze', [p, ctx.b.int64s([axis])])));
  },
  GATHER: (ctx) => {
    if (ctx.option('batchDims', 0) !== 0) ctx.fail('GATHER with batch_dims has no ONNX Gather form');
    ctx.define(0, ctx.node1('Gather', [ctx.input(0), ctx.input(1)], { axis: norm(ctx.option('axis', 0), ctx.inShape(0).length) }));
  },
  GATHER_ND: (ctx) => ctx.define(0, ctx.node1('GatherND', [ctx.input(0), ctx.node1('Cast', [ctx.input(1)], { to: 7 })])),
  TILE: (ctx) => ctx.define(0, ctx.node1('Tile', [ctx.input(0), ctx.b.int64s(ctx.requireConst(1, 'multiples'))])),
  BROADCAST_TO: (ctx) => ctx.define(0, ctx.node1('Expand', [ctx.input(0), ctx.b.int64s(ctx.requireConst(1, 'shape'))])),
  SHAPE: (ctx) => {
    const s = ctx.node1('Shape', [ctx.input(0)]);
    ctx.define(0, ctx.outTensor(0).dtype === 'int64' ? s : ctx.node1('Cast', [s], { to: 6 }));
  },
};
