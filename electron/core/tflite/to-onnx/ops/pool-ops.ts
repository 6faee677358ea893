// Pooling. TFLite averages over the valid cells only (count_include_pad 0).
import type { OpContext, OpHandlers } from '../op-context.js';
import { spatialPads } from './padding.js';

function pool(ctx: OpContext, op: 'AveragePool' | 'MaxPool'): void {
  const [, inH, inW] = ctx.inShape(0);
  const k: [number, number] = [ctx.option('filterHeight', 1), ctx.option('filterWidth', 1)];
  const s: [number, number] = [ctx.option('strideH', 1), ctx.option('strideW', 1)];
  const attrs = { kernel_shape: k, strides: s, pads: spatialPads(ctx.option('padding', 0), inH, inW, k, s), ...(op === 'AveragePool' ? { count_include_pad: 0 } : {}) };
  ctx.finish(ctx.fromNchw(ctx.node1(op, [ctx.toNchw(ctx.input(0))], attrs)));
}

export const poolOps: OpHandlers = {
  AVERAGE_POOL_2D: (ctx) => pool(ctx, 'AveragePool'),
  MAX_POOL_2D: (ctx) => pool(ctx, 'MaxPool'),
};
