// What an operator handler sees: its TFLite operator, its inputs as ONNX values carrying real
// numbers, and the means to emit ONNX nodes. Handlers work in TFLite's own semantics (NHWC, TFLite
// axes); layout-sensitive ops wrap themselves in toNchw/fromNchw and the transpose pass removes
// the Transposes that cancel.
import type { TfliteOperator, TfliteTensor } from '../ir.js';
import type { AttrValue, GraphBuilder } from './graph-builder.js';
import type { TensorMap } from './tensor-map.js';
import { constNumbers } from './tensor-values.js';
import { UnsupportedOp } from './unsupported.js';

export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;

/** TFLite's ActivationFunctionType numbers. */
export const FusedActivation = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3, TANH: 4, SIGN_BIT: 5 } as const;

export class OpContext {
  constructor(
    readonly op: TfliteOperator,
    readonly opset: number,
    readonly b: GraphBuilder,
    private readonly map: TensorMap,
  ) {}

  /** Number of input slots (omitted optional inputs count, as -1 entries). */
  get inputCount(): number {
    return this.op.inputs.length;
  }

  get outputCount(): number {
    return this.op.outputs.length;
  }

  /** The option field as stored (enums as numbers); `fallback` when the op has no options or no such field. */
  option<T>(name: string, fallback: T): T {
    const v = this.op.options?.[name];
    return v === undefined || v === null ? fallback : (v as T);
  }

  has(i: number): boolean {
    return i < this.op.inputs.length && this.op.inputs[i] >= 0;
  }

  /** The TFLite tensor of input i; throws when it is omitted. */
  inTensor(i: number): TfliteTensor {
    if (!this.has(i)) throw new UnsupportedOp(`input ${i} is missing`);
    return this.map.tensor(this.op.inputs[i]);
  }

  /** Any tensor of the subgraph by index (an operator's intermediates). */
  tensorAt(index: number): TfliteTensor {
    return this.map.tensor(index);
  }

  /** A conversion choice worth saying once in the conversion's notes. */
  note(text: string): void {
    this.b.note(text);
  }

  outTensor(i: number): TfliteTensor {
    return this.map.tensor(this.op.outputs[i]);
  }

  /** Static shape of input i as the file stores it. */
  inShape(i: number): number[] {
    return this.inTensor(i).shape;
  }

  outShape(i: number): number[] {
    return this.outTensor(i).shape;
  }

  /** The ONNX value with input i's real value (dequantized when TFLite quantizes it; constants as initializers). */
  input(i: number): string {
    return this.map.real(this.op.inputs[i]);
  }

  /** A constant input's real value with its data permuted at conversion time (weight layouts). */
  weight(i: number, perm: readonly number[] | null = null): string {
    const t = this.inTensor(i);
    // A weight computed in the graph (DEQUANTIZE of float16 constants): transposed by a node, which the
    // transpose pass folds into the constant when it is one.
    if (!t.data) return perm ? this.node1('Transpose', [this.input(i)], { perm: [...perm] }) : this.input(i);
    return this.map.weight(t.index, perm);
  }

  /** A constant input's stored values (shapes, axes, paddings), or null when it is computed at run time. */
  constValues(i: number): number[] | null {
    if (!this.has(i)) return null;
    return constNumbers(this.inTensor(i));
  }

  /** Like constValues, but the op cannot be converted without the constant. */
  requireConst(i: number, what: string): number[] {
    const v = this.constValues(i);
    if (!v) throw new UnsupportedOp(`its ${what} (input ${i}) is computed at run time; only a constant ${what} converts`);
    return v;
  }

  /** Where to write output i's real value. */
  output(i = 0): string {
    return this.map.outputName(this.op.outputs[i]);
  }

  /** Declares that output i's real value is the ONNX value `real` (call once per output, after emitting). */
  define(i: number, real: string): void {
    this.map.define(this.op.outputs[i], real);
  }

  tmp(hint: string): string {
    return this.b.unique(`${this.label()}/${hint}`);
  }

  /** Emits one node with fresh outputs and returns their names. */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, (_, k) => this.tmp(outputs === 1 ? opType : `${opType}_${k}`));
    this.b.node(opType, inputs, names, attrs);
    return names;
  }

  /** node() with one output. */
  node1(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.node(opType, inputs, attrs, 1)[0];
  }

  /** Applies a fused activation (TFLite's fused_activation_function) to x; returns the new value. */
  activation(x: string, fused: number): string {
    switch (fused) {
      case FusedActivation.NONE: return x;
      case FusedActivation.RELU: return this.node1('Relu', [x]);
      case FusedActivation.RELU6: return this.node1('Clip', [x, this.b.floats([0], []), this.b.floats([6], [])]);
      case FusedActivation.RELU_N1_TO_1: return this.node1('Clip', [x, this.b.floats([-1], []), this.b.floats([1], [])]);
      // TFLite's kernels clamp only for the three RELUs (CalculateActivationRange): a fused TANH leaves x as it is.
      case FusedActivation.TANH: return x;
      default: throw new UnsupportedOp(`fused activation ${fused === FusedActivation.SIGN_BIT ? 'SIGN_BIT' : fused} has no ONNX equivalent`);
    }
  }

  /** Emits x → the op's fused activation → output i (reads `fusedActivationFunction` from the options). */
  finish(x: string, i = 0): void {
    this.define(i, this.activation(x, this.option('fusedActivationFunction', 0)));
  }

  toNchw(x: string): string {
    return this.node1('Transpose', [x], { perm: [...NHWC_TO_NCHW] });
  }

  fromNchw(x: string): string {
    return this.node1('Transpose', [x], { perm: [...NCHW_TO_NHWC] });
  }

  fail(reason: string): never {
    throw new UnsupportedOp(reason);
  }

  label(): string {
    return this.b.currentOp?.label ?? this.op.opcode;
  }
}

export type OpHandler = (ctx: OpContext) => void;
export type OpHandlers = Record<string, OpHandler>;
