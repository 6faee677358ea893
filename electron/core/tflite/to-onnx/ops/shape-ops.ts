// Shape and layout operators: the reshape family, transpose, concat, padding, broadcast, shape,
// fill / zeros_like, cumsum and WHERE (coordinates of true elements).
import { DataType } from '../../../onnx/data-types.js';
import type { TfliteTensor } from '../../ir.js';
import type { OpContext, OpHandlers } from '../op-context.js';
import { isQuantized } from '../tensor-map.js';
import { finishArith } from './elementwise-ops.js';

const BIG = 2 ** 62;
const INT64 = 7;

export const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** The file's shape with dynamic dims as -1 (its shape_signature when it has one). */
export function signature(t: TfliteTensor): number[] {
  return t.shapeSignature && t.shapeSignature.length === t.shape.length ? t.shapeSignature : t.shape;
}

/** Input i as int64: its constant values, or the run-time tensor through Cast. */
export function int64Input(ctx: OpContext, i: number): string {
  const v = ctx.constValues(i);
  return v ? ctx.b.int64s(v) : ctx.node1('Cast', [ctx.input(i)], { to: INT64 });
}

function reshape(ctx: OpContext): void {
  const x = ctx.input(0);
  const out = ctx.outTensor(0);
  const sig = signature(out);
  const dynamic = out.hasRank && sig.filter((d) => d < 0).length === 1;
  // Legacy files say "scalar" with a shape tensor of shape [0] (no values at all).
  const empty = ctx.has(1) && ctx.inShape(1).length === 1 && ctx.inShape(1)[0] === 0;
  let given = empty ? [] : ctx.constValues(1);
  if (!given && ctx.option<number[]>('newShape', []).length > 0) given = ctx.option<number[]>('newShape', []);
  if (given) {
    // A fixed shape baked from a dynamic batch: the output's signature keeps the batch dynamic.
    const target = dynamic && !given.includes(-1) && sig.length === given.length ? sig : given;
    return ctx.define(0, ctx.node1('Reshape', [x, ctx.b.int64s(target)]));
  }
  if (ctx.has(1)) return ctx.define(0, ctx.node1('Reshape', [x, int64Input(ctx, 1)]));
  if (out.hasRank && sig.filter((d) => d < 0).length <= 1) return ctx.define(0, ctx.node1('Reshape', [x, ctx.b.int64s(sig)]));
  ctx.fail('it names no target shape (no shape input, no new_shape option, no output rank)');
}

function squeeze(ctx: OpContext): void {
  const sig = signature(ctx.inTensor(0));
  const dims = ctx.option<number[]>('squeezeDims', []);
  // Empty squeeze_dims: every dim that is 1 in the file (a dynamic dim, stored as 1, stays).
  const axes = dims.length > 0 ? dims.map((d) => normAxis(d, sig.length)) : sig.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
  ctx.define(0, axes.length === 0 ? ctx.node1('Identity', [ctx.input(0)]) : ctx.node1('Squeeze', [ctx.input(0), ctx.b.int64s(axes)]));
}

/** TFLite paddings [rank, 2] (before, after per dim) as ONNX pads [begins..., ends...]. */
function pads(ctx: OpContext, i: number): string {
  const p = ctx.constValues(i);
  if (!p) {
    const t = ctx.node1('Transpose', [ctx.input(i)], { perm: [1, 0] });
    return ctx.node1('Cast', [ctx.node1('Reshape', [t, ctx.b.int64s([-1])])], { to: INT64 });
  }
  const rank = p.length / 2;
  return ctx.b.int64s([...Array.from({ length: rank }, (_, d) => p[2 * d]), ...Array.from({ length: rank }, (_, d) => p[2 * d + 1])]);
}

const REFLECT = 0;

/** SYMMETRIC mirror padding (the edge repeated), which ONNX Pad has no mode for: reversed slices either side, per axis. */
function symmetricPad(ctx: OpContext): string {
  const p = ctx.requireConst(1, 'paddings');
  let y = ctx.input(0);
  for (let axis = 0; axis < p.length / 2; axis++) {
    const [before, after] = [p[2 * axis], p[2 * axis + 1]];
    if (before === 0 && after === 0) continue;
    const rev = (start: number, end: number) =>
      ctx.node1('Slice', [y, ctx.b.int64s([start]), ctx.b.int64s([end]), ctx.b.int64s([axis]), ctx.b.int64s([-1])]);
    const parts = [...(before > 0 ? [rev(before - 1, -BIG)] : []), y, ...(after > 0 ? [rev(-1, -1 - after)] : [])];
    y = ctx.node1('Concat', parts, { axis });
  }
  return y === ctx.input(0) ? ctx.node1('Identity', [y]) : y;
}

/** A scalar of tensor t's type. */
function typedScalar(ctx: OpContext, t: TfliteTensor, v: number): string {
  if (t.dtype === 'float32') return ctx.b.floats([v], []);
  switch (t.dtype) {
    case 'int32': return ctx.b.sharedConst('const_i32', DataType.INT32, [], Int32Array.from([v]));
    case 'int64': return ctx.b.int64s([v], []);
    case 'bool': return ctx.b.sharedConst('const_bool', DataType.BOOL, [], Uint8Array.from([v]));
    default: return ctx.fail(`it makes a ${t.dtype} tensor, which this converter only handles as float32, int32, int64 or bool`);
  }
}


export const shapeOps: OpHandlers = {
  RESHAPE: reshape,
  SQUEEZE: squeeze,
  EXPAND_DIMS: (ctx) => {
    const axis = ctx.requireConst(1, 'axis')[0];
    ctx.define(0, ctx.node1('Unsqueeze', [ctx.input(0), ctx.b.int64s([normAxis(axis, ctx.inShape(0).length + 1)])]));
  },
  TRANSPOSE: (ctx) => ctx.define(0, ctx.node1('Transpose', [ctx.input(0)], { perm: ctx.requireConst(1, 'permutation') })),
  CONCATENATION: (ctx) => {
    const inputs = ctx.op.inputs.map((_, i) => ctx.input(i));
    finishArith(ctx, ctx.node1('Concat', inputs, { axis: normAxis(ctx.option('axis', 0), ctx.inShape(0).length) }));
  },
  // Quantized inputs pad with their zero point, which is the real value 0.
  PAD: (ctx) => ctx.define(0, ctx.node1('Pad', [ctx.input(0), pads(ctx, 1)], { mode: 'constant' })),
  PADV2: (ctx) => {
    const value = ctx.has(2) ? [ctx.node1('Reshape', [ctx.input(2), ctx.b.int64s([], [0])])] : [];
    ctx.define(0, ctx.node1('Pad', [ctx.input(0), pads(ctx, 1), ...value], { mode: 'constant' }));
  },
  MIRROR_PAD: (ctx) => {
    // TFLite REFLECT leaves the edge out, as ONNX 'reflect' does; SYMMETRIC repeats it.
    if (ctx.option('mode', REFLECT) === REFLECT) return ctx.define(0, ctx.node1('Pad', [ctx.input(0), pads(ctx, 1)], { mode: 'reflect' }));
    ctx.define(0, symmetricPad(ctx));
  },
  BROADCAST_TO: (ctx) => ctx.define(0, ctx.node1('Expand', [ctx.input(0), int64Input(ctx, 1)])),
  SHAPE: (ctx) => {
    const s = ctx.node1('Shape', [ctx.input(0)]);
    ctx.define(0, ctx.outTensor(0).dtype === 'int64' ? s : ctx.node1('Cast', [s], { to: DataType.INT32 }));
  },
  FILL: (ctx) => {
    const value = ctx.node1('Reshape', [ctx.input(1), ctx.b.int64s([], [0])]);
    ctx.define(0, ctx.node1('Expand', [value, int64Input(ctx, 0)]));
  },
  // (TFLite has no ONES_LIKE builtin: its converter writes FILL.)
  ZEROS_LIKE: (ctx) => {
    if (isQuantized(ctx.inTensor(0))) ctx.fail('on a quantized tensor it writes the raw integer 0, not the real value 0; only unquantized tensors convert');
    ctx.define(0, ctx.node1('Expand', [typedScalar(ctx, ctx.inTensor(0), 0), ctx.node1('Shape', [ctx.input(0)])]));
  },
  CUMSUM: (ctx) => {
    const axis = ctx.constValues(1);
    const axisValue = axis ? ctx.b.int64s([normAxis(axis[0], ctx.inShape(0).length)], []) : ctx.node1('Reshape', [ctx.input(1), ctx.b.int64s([], [0])]);
    const attrs = { exclusive: ctx.option('exclusive', false) ? 1 : 0, reverse: ctx.option('reverse', false) ? 1 : 0 };
    ctx.define(0, ctx.node1('CumSum', [ctx.input(0), axisValue], attrs));
  },
  // The int64 coordinates [n, rank] of the true (non-zero) elements.
  WHERE: (ctx) => ctx.define(0, ctx.node1('Transpose', [ctx.node1('NonZero', [ctx.input(0)])], { perm: [1, 0] })),
};
