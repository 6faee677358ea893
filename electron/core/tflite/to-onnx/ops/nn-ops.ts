// Softmax, reductions, arg-max, resize, depth/space moves and batched matmul.
import type { OpContext, OpHandlers } from '../op-context.js';

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function reduce(op: string) {
  return (ctx: OpContext) => {
    const rank = ctx.inShape(0).length;
    const axes = ctx.requireConst(1, 'axes').map((a) => norm(a, rank));
    const keepdims = ctx.option('keepDims', false) ? 1 : 0;
    // ReduceSum takes axes as an input from opset 13; the others from opset 18.
    const axesAsInput = op === 'ReduceSum' || ctx.opset >= 18;
    const y = axesAsInput
      ? ctx.node1(op, [ctx.input(0), ctx.b.int64s(axes)], { keepdims })
      : ctx.node1(op, [ctx.input(0)], { axes, keepdims });
    ctx.define(0, y);
  };
}

function argExtreme(op: 'ArgMax' | 'ArgMin') {
  return (ctx: OpContext) => {
    const axis = norm(ctx.requireConst(1, 'axis')[0], ctx.inShape(0).length);
    const y = ctx.node1(op, [ctx.input(0)], { axis, keepdims: 0 });
    ctx.define(0, ctx.outTensor(0).dtype === 'int64' ? y : ctx.node1('Cast', [y], { to: 6 }));
  };
}

function resize(ctx: OpContext, nearest: boolean): void {
  const [h, w] = ctx.requireConst(1, 'size');
  const [n, , , c] = ctx.inShape(0);
  const alignCorners = ctx.option('alignCorners', false);
  const halfPixel = ctx.option('halfPixelCenters', false);
  const mode = alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric';
  // TFLite's nearest with half-pixel centres is floor((out + 0.5) · in/out): ONNX half_pixel rounded half up.
  const attrs: Record<string, string> = nearest
    ? { mode: 'nearest', coordinate_transformation_mode: mode, nearest_mode: alignCorners || halfPixel ? 'round_prefer_ceil' : 'floor' }
    : { mode: 'linear', coordinate_transformation_mode: mode };
  const y = ctx.node1('Resize', [ctx.toNchw(ctx.input(0)), '', '', ctx.b.int64s([n, c, h, w])], attrs);
  ctx.define(0, ctx.fromNchw(y));
}

function batchMatmul(ctx: OpContext): void {
  const swapLast = (x: string, rank: number) => {
    const perm = Array.from({ length: rank }, (_, i) => i);
    [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
    return ctx.node1('Transpose', [x], { perm });
  };
  let a = ctx.input(0);
  let b = ctx.input(1);
  if (ctx.option('adjX', false)) a = swapLast(a, ctx.inShape(0).length);
  if (ctx.option('adjY', false)) b = swapLast(b, ctx.inShape(1).length);
  ctx.define(0, ctx.node1('MatMul', [a, b]));
}

export const nnOps: OpHandlers = {
  SOFTMAX: (ctx) => {
    // TFLite computes softmax(beta · x).
    const beta = ctx.option('beta', 1);
    const x = beta === 1 ? ctx.input(0) : ctx.node1('Mul', [ctx.input(0), ctx.b.floats([beta], [])]);
    ctx.define(0, ctx.node1('Softmax', [x], { axis: -1 }));
  },
  LOG_SOFTMAX: (ctx) => ctx.define(0, ctx.node1('LogSoftmax', [ctx.input(0)], { axis: -1 })),
  MEAN: reduce('ReduceMean'),
  SUM: reduce('ReduceSum'),
  REDUCE_MAX: reduce('ReduceMax'),
  REDUCE_MIN: reduce('ReduceMin'),
  REDUCE_PROD: reduce('ReduceProd'),
  ARG_MAX: argExtreme('ArgMax'),
  ARG_MIN: argExtreme('ArgMin'),
  RESIZE_BILINEAR: (ctx) => resize(ctx, false),
  RESIZE_NEAREST_NEIGHBOR: (ctx) => resize(ctx, true),
  DEPTH_TO_SPACE: (ctx) => ctx.define(0, ctx.fromNchw(ctx.node1('DepthToSpace', [ctx.toNchw(ctx.input(0))], { blocksize: ctx.option('blockSize', 2), mode: 'DCR' }))),
  SPACE_TO_DEPTH: (ctx) => ctx.define(0, ctx.fromNchw(ctx.node1('SpaceToDepth', [ctx.toNchw(ctx.input(0))], { blocksize: ctx.option('blockSize', 2) }))),
  BATCH_MATMUL: batchMatmul,
};
