// Activation operators. Decomposed where the ONNX op needs a newer opset than 13
// (HardSwish from 14, Gelu from 20); the native op is used when the graph's opset has it.
import type { OpContext, OpHandler, OpHandlers } from '../op-context.js';

const unary = (op: string): OpHandler => (ctx) => ctx.define(0, ctx.node1(op, [ctx.input(0)]));

const clip = (lo: number, hi: number): OpHandler => (ctx) =>
  ctx.define(0, ctx.node1('Clip', [ctx.input(0), ctx.b.floats([lo], []), ctx.b.floats([hi], [])]));

const scalar = (ctx: OpContext, v: number) => ctx.b.floats([v], []);

function hardSwish(ctx: OpContext): void {
  const x = ctx.input(0);
  if (ctx.opset >= 14) return ctx.define(0, ctx.node1('HardSwish', [x]));
  // x · relu6(x + 3) / 6
  const r = ctx.node1('Clip', [ctx.node1('Add', [x, scalar(ctx, 3)]), scalar(ctx, 0), scalar(ctx, 6)]);
  ctx.define(0, ctx.node1('Div', [ctx.node1('Mul', [x, r]), scalar(ctx, 6)]));
}

function gelu(ctx: OpContext): void {
  const x = ctx.input(0);
  const approximate = ctx.option('approximate', false);
  if (ctx.opset >= 20) return ctx.define(0, ctx.node1('Gelu', [x], { approximate: approximate ? 'tanh' : 'none' }));
  let t: string;
  if (approximate) {
    // 1 + tanh(√(2/π)·(x + 0.044715·x³))
    const x3 = ctx.node1('Mul', [ctx.node1('Mul', [x, x]), x]);
    const inner = ctx.node1('Add', [x, ctx.node1('Mul', [x3, scalar(ctx, 0.044715)])]);
    t = ctx.node1('Add', [ctx.node1('Tanh', [ctx.node1('Mul', [inner, scalar(ctx, Math.sqrt(2 / Math.PI))])]), scalar(ctx, 1)]);
  } else {
    // 1 + erf(x / √2)
    t = ctx.node1('Add', [ctx.node1('Erf', [ctx.node1('Div', [x, scalar(ctx, Math.SQRT2)])]), scalar(ctx, 1)]);
  }
  ctx.define(0, ctx.node1('Mul', [ctx.node1('Mul', [x, t]), scalar(ctx, 0.5)]));
}

export const activationOps: OpHandlers = {
  RELU: unary('Relu'),
  RELU6: clip(0, 6),
  RELU_N1_TO_1: clip(-1, 1),
  RELU_0_TO_1: clip(0, 1),
  LOGISTIC: unary('Sigmoid'),
  TANH: unary('Tanh'),
  // TFLite's ELU has alpha 1, ONNX Elu's default.
  ELU: unary('Elu'),
  // LeakyReluOptions.alpha defaults to 0 in the schema (ONNX's default is 0.01).
  LEAKY_RELU: (ctx) => ctx.define(0, ctx.node1('LeakyRelu', [ctx.input(0)], { alpha: { float: ctx.option('alpha', 0) } })),
  // The alpha tensor broadcasts against the NHWC input from the right, as ONNX PRelu broadcasts.
  PRELU: (ctx) => ctx.define(0, ctx.node1('PRelu', [ctx.input(0), ctx.input(1)])),
  HARD_SWISH: hardSwish,
  GELU: gelu,
};
