// Element-wise operators: binary arithmetic with numpy broadcasting (TFLite and ONNX broadcast alike),
// comparisons and logic, SELECT, unary math and CAST. Activations live in activation-ops.ts.
import { onnxType } from '../dtypes.js';
import type { OpContext, OpHandler, OpHandlers } from '../op-context.js';
import { isQuantized } from '../tensor-map.js';

/** A value's type is float once real (quantized tensors are read as their real values). */
function isFloat(ctx: OpContext, i: number): boolean {
  const t = ctx.inTensor(i);
  return t.dtype === 'float32' || t.dtype === 'float16' || t.dtype === 'float64' || isQuantized(t);
}

/** Emits x with the op's fused activation; an activation on integer tensors has no float Clip to use. */
export function finishArith(ctx: OpContext, x: string): void {
  if (ctx.option('fusedActivationFunction', 0) !== 0 && !isFloat(ctx, 0)) {
    ctx.fail(`a fused activation on a ${ctx.inTensor(0).dtype} result has no ONNX form here`);
  }
  ctx.finish(x);
}

const binary = (op: string): OpHandler => (ctx) => finishArith(ctx, ctx.node1(op, [ctx.input(0), ctx.input(1)]));
// Ops with no fused activation option.
const plain = (op: string): OpHandler => (ctx) => ctx.define(0, ctx.node1(op, [ctx.input(0), ctx.input(1)]));
const unary = (op: string): OpHandler => (ctx) => ctx.define(0, ctx.node1(op, [ctx.input(0)]));

function floorDiv(ctx: OpContext): void {
  const [a, b] = [ctx.input(0), ctx.input(1)];
  if (isFloat(ctx, 0)) return ctx.define(0, ctx.node1('Floor', [ctx.node1('Div', [a, b])]));
  // Integers: a − floor_mod(a, b) is an exact multiple of b, so the truncating Div is exact.
  const mod = ctx.node1('Mod', [a, b], { fmod: 0 });
  ctx.define(0, ctx.node1('Div', [ctx.node1('Sub', [a, mod]), b]));
}

function floorMod(ctx: OpContext): void {
  const [a, b] = [ctx.input(0), ctx.input(1)];
  // Integer Mod with fmod=0 takes the divisor's sign, as TFLite's FLOOR_MOD does.
  if (!isFloat(ctx, 0)) return ctx.define(0, ctx.node1('Mod', [a, b], { fmod: 0 }));
  // Floats: TFLite's fmod, moved by one divisor when the signs differ.
  const r = ctx.node1('Mod', [a, b], { fmod: 1 });
  const zero = ctx.b.floats([0], []);
  const signsDiffer = ctx.node1('Xor', [ctx.node1('Less', [r, zero]), ctx.node1('Less', [b, zero])]);
  const move = ctx.node1('And', [ctx.node1('Not', [ctx.node1('Equal', [r, zero])]), signsDiffer]);
  ctx.define(0, ctx.node1('Where', [move, ctx.node1('Add', [r, b]), r]));
}

function select(ctx: OpContext): void {
  // SELECT (v1) with a rank-1 condition and higher-rank x picks whole rows (along axis 0);
  // SELECT_V2 broadcasts like numpy, which ONNX Where does.
  let cond = ctx.input(0);
  const xRank = ctx.inShape(1).length;
  if (ctx.inShape(0).length === 1 && xRank > 1) {
    cond = ctx.node1('Reshape', [cond, ctx.b.int64s([-1, ...Array.from({ length: xRank - 1 }, () => 1)])]);
  }
  ctx.define(0, ctx.node1('Where', [cond, ctx.input(1), ctx.input(2)]));
}

function cast(ctx: OpContext): void {
  const [src, dst] = [ctx.inTensor(0), ctx.outTensor(0)];
  if (isQuantized(src) || isQuantized(dst)) ctx.fail('CAST of a quantized tensor converts its stored integers, not its real values; only unquantized CAST converts');
  const to = onnxType(dst.dtype);
  if (to === null) ctx.fail(`it casts to ${dst.dtype}, which ONNX cannot hold here`);
  ctx.define(0, ctx.node1('Cast', [ctx.input(0)], { to }));
}

export const elementwiseOps: OpHandlers = {
  ADD: binary('Add'),
  SUB: binary('Sub'),
  MUL: binary('Mul'),
  DIV: binary('Div'),
  POW: plain('Pow'),
  MAXIMUM: plain('Max'),
  MINIMUM: plain('Min'),
  SQUARED_DIFFERENCE: (ctx) => {
    const d = ctx.node1('Sub', [ctx.input(0), ctx.input(1)]);
    ctx.define(0, ctx.node1('Mul', [d, d]));
  },
  FLOOR_DIV: floorDiv,
  FLOOR_MOD: floorMod,
  EQUAL: plain('Equal'),
  NOT_EQUAL: (ctx) => ctx.define(0, ctx.node1('Not', [ctx.node1('Equal', [ctx.input(0), ctx.input(1)])])),
  LESS: plain('Less'),
  LESS_EQUAL: plain('LessOrEqual'),
  GREATER: plain('Greater'),
  GREATER_EQUAL: plain('GreaterOrEqual'),
  LOGICAL_AND: plain('And'),
  LOGICAL_OR: plain('Or'),
  LOGICAL_NOT: unary('Not'),
  SELECT: select,
  SELECT_V2: (ctx) => ctx.define(0, ctx.node1('Where', [ctx.input(0), ctx.input(1), ctx.input(2)])),
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
  // ONNX Round rounds half to even, as TFLite's ROUND does.
  ROUND: unary('Round'),
  SIGN: unary('Sign'),
  CAST: cast,
};
