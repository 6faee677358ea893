// Element-wise operators with numpy broadcasting (TFLite and ONNX broadcast alike), unary math and activations.
import { onnxType } from '../dtypes.js';
import type { OpContext, OpHandler, OpHandlers } from '../op-context.js';

const binary = (op: string): OpHandler => (ctx) => ctx.finish(ctx.node1(op, [ctx.input(0), ctx.input(1)]));
const unary = (op: string, attrs: (ctx: OpContext) => Record<string, number | { float: number }> = () => ({})): OpHandler =>
  (ctx) => ctx.define(0, ctx.node1(op, [ctx.input(0)], attrs(ctx)));
const clip = (lo: number, hi: number): OpHandler => (ctx) => ctx.define(0, ctx.node1('Clip', [ctx.input(0), ctx.b.floats([lo], []), ctx.b.floats([hi], [])]));

export const elementwiseOps: OpHandlers = {
  ADD: binary('Add'),
  SUB: binary('Sub'),
  MUL: binary('Mul'),
  DIV: binary('Div'),
  POW: binary('Pow'),
  MAXIMUM: binary('Max'),
  MINIMUM: binary('Min'),
  SQUARED_DIFFERENCE: (ctx) => {
    const d = ctx.node1('Sub', [ctx.input(0), ctx.input(1)]);
    ctx.define(0, ctx.node1('Mul', [d, d]));
  },
  FLOOR_DIV: (ctx) => {
    if (ctx.inTensor(0).dtype !== 'float32') ctx.fail('integer FLOOR_DIV rounds toward −∞, which ONNX Div does not; only float32 converts');
    ctx.define(0, ctx.node1('Floor', [ctx.node1('Div', [ctx.input(0), ctx.input(1)])]));
  },
  EQUAL: binary('Equal'),
  NOT_EQUAL: (ctx) => ctx.define(0, ctx.node1('Not', [ctx.node1('Equal', [ctx.input(0), ctx.input(1)])])),
  LESS: binary('Less'),
  LESS_EQUAL: binary('LessOrEqual'),
  GREATER: binary('Greater'),
  GREATER_EQUAL: binary('GreaterOrEqual'),
  LOGICAL_AND: binary('And'),
  LOGICAL_OR: binary('Or'),
  LOGICAL_NOT: unary('Not'),
  SELECT_V2: (ctx) => ctx.define(0, ctx.node1('Where', [ctx.input(0), ctx.input(1), ctx.input(2)])),
  SELECT: (ctx) => {
    // SELECT's rank-1 condition picks whole rows; SELECT_V2 broadcasts like numpy.
    const cond = ctx.inShape(0);
    const x = ctx.inShape(1);
    if (cond.length === 1 && x.length > 1) {
      const c = ctx.node1('Reshape', [ctx.input(0), ctx.b.int64s([cond[0], ...x.slice(1).map(() => 1)])]);
      ctx.define(0, ctx.node1('Where', [c, ctx.input(1), ctx.input(2)]));
    } else ctx.define(0, ctx.node1('Where', [ctx.input(0), ctx.input(1), ctx.input(2)]));
  },
  ABS: unary('Abs'),
  NEG: unary('Neg'),
  EXP: unary('Exp'),
  LOG: unary('Log'),
  SQRT: unary('Sqrt'),
  RSQRT: (ctx) => ctx.define(0, ctx.node1('Reciprocal', [ctx.node1('Sqrt', [ctx.input(0)])])),
  SQUARE: (ctx) => ctx.define(0, ctx.node1('Mul', [ctx.input(0), ctx.input(0)])),
  SIN: unary('Sin'),
  COS: unary('Cos'),
  FLOOR: unary('Floor'),
  CEIL: unary('Ceil'),
  ROUND: unary('Round'),
  SIGN: unary('Sign'),
  RELU: unary('Relu'),
  RELU6: clip(0, 6),
  RELU_N1_TO_1: clip(-1, 1),
  RELU_0_TO_1: clip(0, 1),
  LOGISTIC: unary('Sigmoid'),
  TANH: unary('Tanh'),
  ELU: unary('Elu'),
  LEAKY_RELU: unary('LeakyRelu', (ctx) => ({ alpha: { float: ctx.option('alpha', 0.2) } })),
  PRELU: (ctx) => ctx.define(0, ctx.node1('PRelu', [ctx.input(0), ctx.input(1)])),
  HARD_SWISH: (ctx) => {
    // x · relu6(x + 3) / 6 (ONNX HardSwish needs opset 14).
    const x = ctx.input(0);
    const r = ctx.node1('Clip', [ctx.node1('Add', [x, ctx.b.floats([3], [])]), ctx.b.floats([0], []), ctx.b.floats([6], [])]);
    ctx.define(0, ctx.node1('Div', [ctx.node1('Mul', [x, r]), ctx.b.floats([6], [])]));
  },
  GELU: (ctx) => {
    const x = ctx.input(0);
    if (ctx.option('approximate', false)) {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      const x3 = ctx.node1('Mul', [ctx.node1('Mul', [x, x]), x]);
      const inner = ctx.node1('Mul', [ctx.node1('Add', [x, ctx.node1('Mul', [x3, ctx.b.floats([0.044715], [])])]), ctx.b.floats([Math.sqrt(2 / Math.PI)], [])]);
      const t = ctx.node1('Add', [ctx.node1('Tanh', [inner]), ctx.b.floats([1], [])]);
      ctx.define(0, ctx.node1('Mul', [ctx.node1('Mul', [x, t]), ctx.b.floats([0.5], [])]));
    } else {
      const e = ctx.node1('Add', [ctx.node1('Erf', [ctx.node1('Div', [x, ctx.b.floats([Math.SQRT2], [])])]), ctx.b.floats([1], [])]);
      ctx.define(0, ctx.node1('Mul', [ctx.node1('Mul', [x, e]), ctx.b.floats([0.5], [])]));
    }
  },
  CAST: (ctx) => {
    const to = onnxType(ctx.outTensor(0).dtype);
    if (to === null) return ctx.fail(`it casts to ${ctx.outTensor(0).dtype}, which ONNX cannot hold here`);
    ctx.define(0, ctx.node1('Cast', [ctx.input(0)], { to }));
  },
};
