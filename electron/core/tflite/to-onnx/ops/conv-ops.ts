// Convolutions and fully connected layers. TFLite weights: CONV_2D OHWI, DEPTHWISE_CONV_2D [1,H,W,C·M],
// TRANSPOSE_CONV OHWI, FULLY_CONNECTED [out, in]; ONNX wants OIHW, [C·M,1,H,W], IOHW, and Gemm transB.
import type { OpContext, OpHandlers } from '../op-context.js';
import { spatialPads } from './padding.js';

function conv(ctx: OpContext, depthwise: boolean): void {
  const [, inH, inW, inC] = ctx.inShape(0);
  const w = ctx.inShape(1);
  const [kh, kw] = [w[1], w[2]];
  const strides: [number, number] = [ctx.option('strideH', 1), ctx.option('strideW', 1)];
  const dilations: [number, number] = [ctx.option('dilationHFactor', 1), ctx.option('dilationWFactor', 1)];
  const weight = ctx.weight(1, depthwise ? [3, 0, 1, 2] : [0, 3, 1, 2]);
  const group = depthwise ? inC : inC / w[3];
  if (!Number.isInteger(group) || group < 1) ctx.fail(`its input has ${inC} channels, which the weight's ${w[3]} input channels do not divide`);
  const inputs = [ctx.toNchw(ctx.input(0)), weight, ...(ctx.has(2) ? [ctx.input(2)] : [])];
  const y = ctx.node1('Conv', inputs, {
    kernel_shape: [kh, kw],
    strides,
    dilations,
    pads: spatialPads(ctx.option('padding', 0), inH, inW, [kh, kw], strides, dilations),
    group,
  });
  ctx.finish(ctx.fromNchw(y));
}

function transposeConv(ctx: OpContext): void {
  const outShape = ctx.requireConst(0, 'output shape');
  const [, inH, inW] = ctx.inShape(2);
  const [, kh, kw] = ctx.inShape(1);
  const s = [ctx.option('strideH', 1), ctx.option('strideW', 1)];
  const pads = [0, 0, 0, 0];
  const outputPadding = [0, 0];
  [[inH, kh, s[0], outShape[1]], [inW, kw, s[1], outShape[2]]].forEach(([input, k, stride, out], i) => {
    const total = (input - 1) * stride + k - out;
    if (total >= 0) {
      pads[i] = Math.floor(total / 2);
      pads[i + 2] = total - pads[i];
    } else outputPadding[i] = -total;
  });
  const inputs = [ctx.toNchw(ctx.input(2)), ctx.weight(1, [3, 0, 1, 2]), ...(ctx.has(3) ? [ctx.input(3)] : [])];
  const y = ctx.node1('ConvTranspose', inputs, { kernel_shape: [kh, kw], strides: s, pads, output_padding: outputPadding });
  ctx.finish(ctx.fromNchw(y));
}

function fullyConnected(ctx: OpContext): void {
  if (ctx.option('weightsFormat', 0) !== 0) ctx.fail('its weights use the shuffled 4x16 int8 format, which only TFLite kernels read');
  const [units, depth] = ctx.inShape(1);
  const x = ctx.inShape(0).length === 2 ? ctx.input(0) : ctx.node1('Reshape', [ctx.input(0), ctx.b.int64s([-1, depth])]);
  const inputs = [x, ctx.has(1) && ctx.inTensor(1).data ? ctx.weight(1) : ctx.input(1), ...(ctx.has(2) ? [ctx.input(2)] : [])];
  let y = ctx.node1('Gemm', inputs, { transB: 1 });
  const out = ctx.outShape(0);
  const sig = ctx.outTensor(0).shapeSignature ?? out;
  if (out.length !== 2 || ctx.option('keepNumDims', false)) {
    const target = sig.length === out.length && sig.filter((d) => d < 0).length <= 1 ? sig : out;
    y = ctx.node1('Reshape', [y, ctx.b.int64s(target.length ? target : [-1, units])]);
  }
  ctx.finish(y);
}

export const convOps: OpHandlers = {
  CONV_2D: (ctx) => conv(ctx, false),
  DEPTHWISE_CONV_2D: (ctx) => conv(ctx, true),
  TRANSPOSE_CONV: transposeConv,
  FULLY_CONNECTED: fullyConnected,
};
