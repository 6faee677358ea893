// Where each TFLite tensor lives in the ONNX graph. A quantized tensor is stored as its integers
// (QuantizeLinear after the producer) and read as its real value (DequantizeLinear before each
// consumer), the QDQ form that onnxruntime fuses into integer kernels. Constants become initializers.
import { DataType } from '../../onnx/data-types.js';
import type { TfliteQuantization, TfliteSubgraph, TfliteTensor } from '../ir.js';
import { elementSize, isQuantizableInt, onnxType } from './dtypes.js';
import type { GraphBuilder } from './graph-builder.js';
import { constNumbers, float16BytesToFloat32, permuteBytes, permuteShape } from './tensor-values.js';
import { UnsupportedOp } from './unsupported.js';

interface Placed {
  /** ONNX value holding what TFLite stores (integers for quantized tensors). */
  stored: string;
  /** ONNX value holding the real value (the DequantizeLinear output), made on first use. */
  real: string | null;
}

/** True when the tensor carries usable scale/zero point (TFLite writes empty or all-zero scales for plain ints). */
/** Stored types DequantizeLinear accepts. */
const DQ_TYPES = new Set(['int8', 'uint8', 'int16', 'int32']);

export function isQuantized(t: TfliteTensor): boolean {
  const q = t.quantization;
  return !!q && q.scale.length > 0 && q.scale.some((s) => s !== 0) && q.blockwise === null;
}

export class TensorMap {
  private readonly placed = new Map<number, Placed>();

  constructor(
    private readonly b: GraphBuilder,
    private readonly graph: TfliteSubgraph,
    /** ONNX names fixed by the caller (graph inputs and outputs). */
    private readonly fixedNames: Map<number, string>,
  ) {}

  tensor(index: number): TfliteTensor {
    const t = this.graph.tensors[index];
    if (!t) throw new UnsupportedOp(`tensor ${index} does not exist`);
    return t;
  }

  /** The ONNX name for a tensor's stored value: the graph I/O name, or its TFLite name made unique. */
  private storedName(t: TfliteTensor): string {
    return this.fixedNames.get(t.index) ?? this.b.unique(t.name || `t${t.index}`);
  }

  /** Declares a graph input (already named by the converter). */
  placeInput(index: number, stored: string): void {
    this.placed.set(index, { stored, real: null });
  }

  isPlaced(index: number): boolean {
    return this.placed.has(index) || this.tensor(index).data !== null;
  }

  /** The ONNX value of the tensor's real (float for quantized tensors) value. */
  real(index: number): string {
    const t = this.tensor(index);
    const p = this.placed.get(index) ?? this.placeConstant(t, null);
    if (p.real) return p.real;
    if (!isQuantized(t)) {
      p.real = p.stored;
      return p.real;
    }
    if (t.data && !DQ_TYPES.has(t.dtype)) {
      // A constant stored in a type DequantizeLinear does not take (int64 biases of int16 models): its real values.
      p.real = this.foldedReal(t);
      return p.real;
    }
    p.real = this.dequantize(p.stored, t, t.quantization!, t.quantization!.quantizedDimension);
    return p.real;
  }

  private foldedReal(t: TfliteTensor): string {
    const values = constNumbers(t) ?? [];
    const q = t.quantization!;
    const shape = t.shape;
    const axis = q.quantizedDimension;
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const real = Float32Array.from(values, (v, i) => {
      const c = q.scale.length > 1 ? Math.floor(i / inner) % shape[axis] : 0;
      return q.scale[c] * (v - (q.zeroPoint[c] ?? 0));
    });
    return this.b.initializer(`${t.name || `t${t.index}`}_real`, DataType.FLOAT, shape, real);
  }

  /**
   * A constant's real value with its stored data permuted (weight layouts): a fresh initializer,
   * dequantized per axis along the permuted quantized dimension.
   */
  weight(index: number, perm: readonly number[] | null): string {
    const t = this.tensor(index);
    if (!t.data) throw new UnsupportedOp(`its weight tensor "${t.name}" is computed at run time, not stored in the file`);
    if (!perm || perm.every((p, i) => p === i)) return this.real(index);
    const p = this.placeConstant(t, perm);
    if (!isQuantized(t)) return p.stored;
    const q = t.quantization!;
    return this.dequantize(p.stored, t, q, q.scale.length > 1 ? perm.indexOf(q.quantizedDimension) : 0);
  }

  /** Records the real value a producer computed for output `index`; quantized outputs get a QuantizeLinear. */
  define(index: number, real: string): void {
    const t = this.tensor(index);
    if (this.placed.has(index)) throw new UnsupportedOp(`tensor "${t.name}" is written twice`);
    if (!isQuantized(t)) {
      const fixed = this.fixedNames.get(index);
      if (fixed && fixed !== real) {
        this.b.node('Identity', [real], [fixed]);
        this.placed.set(index, { stored: fixed, real: fixed });
      } else {
        this.placed.set(index, { stored: real, real });
      }
      return;
    }
    const q = t.quantization!;
    if (q.scale.length > 1) throw new UnsupportedOp(`its output "${t.name}" is quantized per axis, which TFLite allows only for constants`);
    const stored = this.storedName(t);
    if (t.dtype === 'int32') {
      // ONNX QuantizeLinear has no int32 form (TFLite requantizes to int32 for accumulator-scale outputs): round(x / scale) + zero point.
      const steps = this.b.unique(`${t.name || `t${index}`}_steps`);
      this.b.node('Round', [this.b.node('Div', [real, this.b.floats([q.scale[0]], [])], [this.b.unique(`${steps}_div`)]).output![0]], [steps]);
      const shifted = q.zeroPoint[0] ? this.b.node('Add', [steps, this.b.floats([q.zeroPoint[0]], [])], [this.b.unique(`${steps}_zp`)]).output![0] : steps;
      this.b.node('Cast', [shifted], [stored], { to: DataType.INT32 });
      this.placed.set(index, { stored, real: null });
      return;
    }
    if (!isQuantizableInt(t.dtype)) throw new UnsupportedOp(`its output "${t.name}" is a quantized ${t.dtype} tensor, which ONNX QuantizeLinear cannot produce`);
    const [scale, zp] = this.qParams(t, q, null);
    this.b.node('QuantizeLinear', [real, scale, zp], [stored]);
    this.placed.set(index, { stored, real: null });
  }

  /** The name a producer should write output `index`'s real value to, so no Identity is needed. */
  outputName(index: number): string {
    const t = this.tensor(index);
    if (!isQuantized(t)) return this.storedName(t);
    return this.b.unique(`${t.name || `t${index}`}_real`);
  }

  /** The ONNX value of what TFLite stores for the tensor (graph outputs). */
  stored(index: number): string {
    const p = this.placed.get(index);
    if (!p) throw new UnsupportedOp(`tensor "${this.tensor(index).name}" is read before any operator writes it`);
    return p.stored;
  }

  private dequantize(stored: string, t: TfliteTensor, q: TfliteQuantization, axis: number): string {
    const [scale, zp, ax] = this.qParams(t, q, q.scale.length > 1 ? axis : null);
    const out = this.b.unique(`${t.name || `t${t.index}`}_dq`);
    this.b.node('DequantizeLinear', [stored, scale, zp], [out], ax === null ? {} : { axis: ax });
    return out;
  }

  private qParams(t: TfliteTensor, q: TfliteQuantization, axis: number | null): [string, string, number | null] {
    const perAxis = q.scale.length > 1;
    const dims = perAxis ? [q.scale.length] : [];
    const scale = this.b.sharedConst('scale', DataType.FLOAT, dims, Float32Array.from(q.scale));
    const zps = q.zeroPoint.length === q.scale.length ? q.zeroPoint : q.scale.map(() => q.zeroPoint[0] ?? 0);
    const type = onnxType(t.dtype);
    let zpData;
    if (t.dtype === 'int8') zpData = Int8Array.from(zps);
    else if (t.dtype === 'uint8') zpData = Uint8Array.from(zps);
    else if (t.dtype === 'int16') zpData = Int16Array.from(zps);
    else if (t.dtype === 'int32') zpData = Int32Array.from(zps);
    else throw new UnsupportedOp(`tensor "${t.name}" is quantized as ${t.dtype}, which has no ONNX QuantizeLinear form`);
    if (!type) throw new UnsupportedOp(`tensor "${t.name}" has type ${t.dtype}`);
    const zp = this.b.sharedConst('zero_point', type, dims, zpData as never);
    return [scale, zp, perAxis ? axis : null];
  }

  private placeConstant(t: TfliteTensor, perm: readonly number[] | null): Placed {
    if (!t.data) throw new UnsupportedOp(`tensor "${t.name}" is read before any operator writes it`);
    let dtype = t.dtype;
    let data = t.data;
    if (dtype === 'float16') {
      data = float16BytesToFloat32(data);
      dtype = 'float32';
    }
    const type = onnxType(dtype);
    const size = elementSize(dtype);
    if (type === null || size === null) throw new UnsupportedOp(`its constant "${t.name}" has type ${t.dtype}, which ONNX cannot hold here`);
    let shape = t.shape;
    if (perm) {
      data = permuteBytes(data, shape, perm, size);
      shape = permuteShape(shape, perm);
    }
    const stored = this.b.initializer(perm ? `${t.name || `t${t.index}`}_permuted` : this.storedName(t), type, shape, data);
    const placed = { stored, real: null };
    if (!perm) this.placed.set(t.index, placed);
    return placed;
  }
}
