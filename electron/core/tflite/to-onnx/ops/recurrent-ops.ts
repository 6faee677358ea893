// LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM and SVDF, unrolled over their (static) time steps into plain
// ONNX ops, so layer norm, peepholes, CIFG, projection and clipping all convert the same way.
// TFLite keeps their state in variable tensors from one call to the next; the ONNX graph starts
// every call from the zero state, which is TFLite's state after AllocateTensors or ResetVariableTensors.
// Integer kernels round at fixed points inside the cell; a fake quantization (QuantizeLinear then
// DequantizeLinear) at each of those points makes the float graph round where TFLite does.
import { DataType } from '../../../onnx/data-types.js';
import type { TfliteTensor } from '../../ir.js';
import { isQuantizableInt, onnxType } from '../dtypes.js';
import { FusedActivation, type OpContext, type OpHandlers } from '../op-context.js';
import { isQuantized } from '../tensor-map.js';

const STATE_NOTE = 'Recurrent state (LSTM, SVDF) starts from zero on every run; TFLite carries it from one call to the next until the state is reset.';

type Scale = { scale: number; zeroPoint: number; dtype: 'int8' | 'uint8' | 'int16' };

const Q0_15: Scale = { scale: 2 ** -15, zeroPoint: 0, dtype: 'int16' };
const Q3_12: Scale = { scale: 2 ** -12, zeroPoint: 0, dtype: 'int16' };

function scaleOf(t: TfliteTensor | null): Scale | null {
  if (!t || !isQuantized(t) || !isQuantizableInt(t.dtype) || t.quantization!.scale.length !== 1) return null;
  return { scale: t.quantization!.scale[0], zeroPoint: t.quantization!.zeroPoint[0] ?? 0, dtype: t.dtype };
}

/** Rounds x to the grid TFLite's integer kernel stores it on (int16 needs opset 21). */
function fakeQuant(ctx: OpContext, x: string, s: Scale | null): string {
  if (!s || (s.dtype === 'int16' && ctx.opset < 21)) return x;
  const type = onnxType(s.dtype)!;
  const zpData = s.dtype === 'int8' ? Int8Array.of(s.zeroPoint) : s.dtype === 'uint8' ? Uint8Array.of(s.zeroPoint) : Int16Array.of(s.zeroPoint);
  const scale = ctx.b.sharedConst('scale', DataType.FLOAT, [], Float32Array.of(s.scale));
  const zp = ctx.b.sharedConst('zero_point', type, [], zpData as never);
  return ctx.node1('DequantizeLinear', [ctx.node1('QuantizeLinear', [x, scale, zp]), scale, zp]);
}

/** The real-valued initial state: the variable tensor's zeros (its stored values when the file has them). */
function initialState(ctx: OpContext, slot: number, shape: number[]): string {
  if (ctx.has(slot) && ctx.inTensor(slot).data) return ctx.input(slot);
  return ctx.b.floats(new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0), shape);
}

/** The activation TFLite applies to the cell input and the cell output (its TANH is a real tanh here). */
function cellActivation(ctx: OpContext, x: string, fused: number): string {
  switch (fused) {
    case FusedActivation.TANH: return ctx.node1('Tanh', [x]);
    case FusedActivation.NONE: return x;
    case FusedActivation.RELU: return ctx.node1('Relu', [x]);
    case FusedActivation.RELU6: return ctx.node1('Clip', [x, ctx.b.floats([0], []), ctx.b.floats([6], [])]);
    default: return ctx.fail(`its cell activation ${fused} is not one TFLite's LSTM kernels apply`);
  }
}

function clipBoth(ctx: OpContext, x: string, limit: number): string {
  return limit > 0 ? ctx.node1('Clip', [x, ctx.b.floats([-limit], []), ctx.b.floats([limit], [])]) : x;
}

function reduceLast(ctx: OpContext, op: 'ReduceMean' | 'ReduceSum', x: string): string {
  return op === 'ReduceSum' || ctx.opset >= 18
    ? ctx.node1(op, [x, ctx.b.int64s([-1])], { keepdims: 1 })
    : ctx.node1(op, [x], { axes: [-1], keepdims: 1 });
}

/** TFLite's MeanStddevNormalization over the units: (x − mean) / √(variance + 1e-8). */
function layerNorm(ctx: OpContext, x: string): string {
  const centred = ctx.node1('Sub', [x, reduceLast(ctx, 'ReduceMean', x)]);
  const variance = reduceLast(ctx, 'ReduceMean', ctx.node1('Mul', [centred, centred]));
  return ctx.node1('Div', [centred, ctx.node1('Sqrt', [ctx.node1('Add', [variance, ctx.b.floats([1e-8], [])])])]);
}

const LSTM_IN = {
  input: 0, inputW: [1, 2, 3, 4], recurrentW: [5, 6, 7, 8], peephole: [9, 10, 11], bias: [12, 13, 14, 15],
  projW: 16, projB: 17, outputState: 18, cellState: 19, layerNorm: [20, 21, 22, 23],
} as const;
const GATE = { input: 0, forget: 1, cell: 2, output: 3 } as const;
type Gate = (typeof GATE)[keyof typeof GATE];

function lstm(ctx: OpContext, sequence: boolean): void {
  if (ctx.inputCount !== 20 && ctx.inputCount !== 24) ctx.fail(`it has ${ctx.inputCount} inputs; TFLite's full LSTM kernel takes 20 or 24`);
  if (ctx.option('kernelType', 0) !== 0) ctx.fail('it uses the basic LSTM kernel (4 inputs, 4 outputs), which the converter does not handle');
  if (ctx.outputCount !== 1) ctx.fail(`it has ${ctx.outputCount} outputs; only the output sequence is converted, not the state outputs`);
  if (ctx.option('diagonalRecurrentTensors', false)) ctx.fail('its recurrent weights are diagonal (a vector per gate), which the converter does not handle');
  const inShape = ctx.inShape(LSTM_IN.input);
  const timeMajor = ctx.option('timeMajor', false);
  if (sequence && inShape.length !== 3) ctx.fail(`its input has rank ${inShape.length}; a sequence LSTM takes [batch, time, features]`);
  if (!sequence && inShape.length !== 2) ctx.fail(`its input has rank ${inShape.length}; an LSTM step takes [batch, features]`);
  const [batch, steps] = sequence ? (timeMajor ? [inShape[1], inShape[0]] : [inShape[0], inShape[1]]) : [inShape[0], 1];
  const cifg = !ctx.has(LSTM_IN.inputW[0]);
  const gates: Gate[] = cifg ? [GATE.forget, GATE.cell, GATE.output] : [GATE.input, GATE.forget, GATE.cell, GATE.output];
  const units = ctx.inShape(LSTM_IN.inputW[GATE.forget])[0];
  const hasProj = ctx.has(LSTM_IN.projW);
  const outUnits = hasProj ? ctx.inShape(LSTM_IN.projW)[0] : units;
  const hasLayerNorm = ctx.inputCount === 24 && ctx.has(LSTM_IN.layerNorm[GATE.forget]);
  const fused = ctx.option('fusedActivationFunction', FusedActivation.TANH);

  // Integer kernels (int8 input, int16 cell): where they round, by TFLite's PopulateQuantizedLstmParams8x8_16.
  const cellScale = scaleOf(ctx.has(LSTM_IN.cellState) ? ctx.inTensor(LSTM_IN.cellState) : null);
  const integer = scaleOf(ctx.inTensor(LSTM_IN.input)) !== null && cellScale?.dtype === 'int16';
  const intermediate = (k: number) => (k < ctx.op.intermediates.length ? ctx.op.intermediates[k] : -1);
  const intermediateScale = (k: number) => (intermediate(k) >= 0 ? scaleOf(ctx.tensorAt(intermediate(k))) : null);
  const gateInputScale = (g: Gate): Scale | null => {
    if (!integer) return null;
    if (!hasLayerNorm) return Q3_12;
    const s = intermediateScale(g);
    return s?.dtype === 'int16' ? s : null;
  };
  const outputScale = integer ? scaleOf(ctx.outTensor(0)) : null;
  const hiddenScale = integer && hasProj ? intermediateScale(4) : null;
  const gateOut = integer ? Q0_15 : null;

  // All time steps' input contributions at once: x · [W_i W_f W_c W_o]ᵀ → [.., gates·units].
  const stacked = (slots: readonly number[]) => ctx.node1('Concat', gates.map((g) => ctx.input(slots[g])), { axis: 0 });
  const wx = ctx.node1('MatMul', [ctx.input(LSTM_IN.input), ctx.node1('Transpose', [stacked(LSTM_IN.inputW)], { perm: [1, 0] })]);
  const recurrent = stacked(LSTM_IN.recurrentW);
  const split = ctx.b.int64s(gates.map(() => units));
  const peephole = (g: Gate) => {
    const slot = LSTM_IN.peephole[g === GATE.output ? 2 : g === GATE.forget ? 1 : 0];
    return g !== GATE.cell && ctx.has(slot) ? ctx.input(slot) : null;
  };

  let h = initialState(ctx, LSTM_IN.outputState, [batch, outUnits]);
  let c = initialState(ctx, LSTM_IN.cellState, [batch, units]);
  const outputs: string[] = [];
  const timeAxis = timeMajor ? 0 : 1;
  for (let t = 0; t < steps; t++) {
    const xt = sequence ? ctx.node1('Gather', [wx, ctx.b.int64s([t], [])], { axis: timeAxis }) : wx;
    const pre = ctx.node1('Add', [xt, ctx.node1('Gemm', [h, recurrent], { transB: 1 })]);
    const parts = ctx.node('Split', [pre, split], { axis: 1 }, gates.length);
    const byGate = new Map(gates.map((g, k) => [g, parts[k]]));
    const gate = (g: Gate, cell: string | null, activate: (x: string) => string) => {
      let x = byGate.get(g)!;
      const p = peephole(g);
      if (p && cell) x = ctx.node1('Add', [x, ctx.node1('Mul', [p, cell])]);
      x = fakeQuant(ctx, x, gateInputScale(g));
      if (hasLayerNorm) x = ctx.node1('Mul', [layerNorm(ctx, x), ctx.input(LSTM_IN.layerNorm[g])]);
      if (ctx.has(LSTM_IN.bias[g])) x = ctx.node1('Add', [x, ctx.input(LSTM_IN.bias[g])]);
      return fakeQuant(ctx, activate(x), gateOut);
    };
    const sigmoid = (x: string) => ctx.node1('Sigmoid', [x]);
    const f = gate(GATE.forget, c, sigmoid);
    const i = cifg ? ctx.node1('Sub', [ctx.b.floats([1], []), f]) : gate(GATE.input, c, sigmoid);
    const g = gate(GATE.cell, null, (x) => cellActivation(ctx, x, fused));
    c = clipBoth(ctx, ctx.node1('Add', [ctx.node1('Mul', [f, c]), ctx.node1('Mul', [i, g])]), ctx.option('cellClip', 0));
    c = fakeQuant(ctx, c, integer ? cellScale : null);
    const o = gate(GATE.output, c, sigmoid);
    let m = ctx.node1('Mul', [o, fakeQuant(ctx, cellActivation(ctx, c, fused), gateOut)]);
    if (hasProj) {
      m = fakeQuant(ctx, m, hiddenScale);
      m = ctx.node1('Gemm', [m, ctx.input(LSTM_IN.projW), ...(ctx.has(LSTM_IN.projB) ? [ctx.input(LSTM_IN.projB)] : [])], { transB: 1 });
      m = clipBoth(ctx, m, ctx.option('projClip', 0));
    }
    h = fakeQuant(ctx, m, outputScale);
    // The sequence output is quantized to the same grid by its own QuantizeLinear: stacking the unrounded
    // values gives the same integers, and keeps a DQ → Unsqueeze → Concat → Q chain out of the graph
    // (onnxruntime 1.30's QDQ propagation writes a QuantizeLinear with mismatched types from it).
    outputs.push(m);
  }
  const y = sequence
    ? ctx.node1('Concat', outputs.map((o) => ctx.node1('Unsqueeze', [o, ctx.b.int64s([timeAxis])])), { axis: timeAxis })
    : h;
  ctx.note(STATE_NOTE);
  ctx.define(0, y);
}

const SVDF_IN = { input: 0, featureW: 1, timeW: 2, bias: 3, state: 4 } as const;

/**
 * SVDF: each filter keeps the last `memory` feature activations; a step shifts them left, appends
 * input · featureWᵀ, weights them by timeW, and sums each unit's `rank` filters.
 */
function svdf(ctx: OpContext): void {
  const [batch, inputSize] = ctx.inShape(SVDF_IN.input);
  const [filters, featureSize] = ctx.inShape(SVDF_IN.featureW);
  const [timeFilters, memory] = ctx.inShape(SVDF_IN.timeW);
  const rank = ctx.option('rank', 1);
  if (ctx.inShape(SVDF_IN.input).length !== 2) ctx.fail(`its input has rank ${ctx.inShape(SVDF_IN.input).length}; SVDF takes [batch, features]`);
  if (featureSize !== inputSize || timeFilters !== filters) ctx.fail(`its weights do not fit together (feature ${filters}×${featureSize}, time ${timeFilters}×${memory}, input ${inputSize})`);
  if (rank < 1 || filters % rank !== 0) ctx.fail(`its rank ${rank} does not divide its ${filters} filters`);
  const stateShape = ctx.inShape(SVDF_IN.state);
  if (stateShape.length !== 2 || stateShape[0] !== batch || stateShape[1] !== filters * memory) {
    ctx.fail(`its state tensor is [${stateShape.join(', ')}] but ${filters} filters × memory ${memory} need [${batch}, ${filters * memory}] (TFLite refuses it too)`);
  }
  const units = filters / rank;
  const state3 = ctx.node1('Reshape', [initialState(ctx, SVDF_IN.state, [batch, filters * memory]), ctx.b.int64s([batch, filters, memory])]);
  const kept = ctx.node1('Slice', [state3, ctx.b.int64s([1]), ctx.b.int64s([memory]), ctx.b.int64s([2])]);
  const feature = ctx.node1('Gemm', [ctx.input(SVDF_IN.input), ctx.input(SVDF_IN.featureW)], { transB: 1 });
  // The integer kernel stores the new activations in the state's own type and scale before using them
  // (rounded after the Unsqueeze: onnxruntime 1.30's QDQ propagation breaks a DQ → Unsqueeze chain).
  const column = fakeQuant(ctx, ctx.node1('Unsqueeze', [feature, ctx.b.int64s([2])]), scaleOf(ctx.inTensor(SVDF_IN.state)));
  const state = ctx.node1('Concat', [kept, column], { axis: 2 });
  const perFilter = ctx.node1('ReduceSum', [ctx.node1('Mul', [state, ctx.input(SVDF_IN.timeW)]), ctx.b.int64s([2])], { keepdims: 0 });
  let y = rank === 1 ? perFilter : ctx.node1('ReduceSum', [ctx.node1('Reshape', [perFilter, ctx.b.int64s([batch, units, rank])]), ctx.b.int64s([2])], { keepdims: 0 });
  if (ctx.has(SVDF_IN.bias)) y = ctx.node1('Add', [y, ctx.input(SVDF_IN.bias)]);
  ctx.note(STATE_NOTE);
  if (scaleOf(ctx.inTensor(SVDF_IN.input)) && scaleOf(ctx.outTensor(0))) {
    // TFLite's integer SVDF kernels require RELU but only clamp to the output type's range (the same thing
    // when the output's zero point is its minimum, as converters write it): the graph does what they do.
    ctx.note('Integer SVDF: TFLite clamps its output to the integer range and does not apply the RELU it declares; so does the conversion.');
    return ctx.define(0, y);
  }
  ctx.finish(y);
}

export const recurrentOps: OpHandlers = {
  LSTM: (ctx) => lstm(ctx, false),
  UNIDIRECTIONAL_SEQUENCE_LSTM: (ctx) => lstm(ctx, true),
  SVDF: svdf,
};
