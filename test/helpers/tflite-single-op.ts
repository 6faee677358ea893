// Writes a one-operator .tflite file with the generated flatbuffer object API, for tests that need an
// operator variant no fixture file has (a mask bit, an option value). Inputs without data are graph inputs.
import * as flatbuffers from 'flatbuffers';
import * as S from '../../electron/core/tflite/generated/schema_generated.js';

export type SpecDType = 'float32' | 'int32' | 'int64' | 'bool' | 'int8' | 'uint8' | 'int16';

export interface TensorSpec {
  shape: number[];
  dtype?: SpecDType;
  /** Constant contents (row-major); absent for run-time tensors. */
  data?: number[];
  /** shape_signature, -1 for a dynamic dim. */
  signature?: number[];
  quant?: { scale: number; zeroPoint: number };
  /** A variable tensor (recurrent state): neither a constant nor a graph input. */
  variable?: boolean;
}

export interface OpSpec {
  op: keyof typeof S.BuiltinOperator;
  /** null: an omitted optional input (-1). */
  inputs: (TensorSpec | null)[];
  outputs: TensorSpec[];
  /** Options table name ('StridedSliceOptions') and its fields by their object-API names. */
  options?: { type: keyof typeof S.BuiltinOptions; fields?: Record<string, unknown> };
  version?: number;
}

const types: Record<SpecDType, S.TensorType> = {
  float32: S.TensorType.FLOAT32, int32: S.TensorType.INT32, int64: S.TensorType.INT64, bool: S.TensorType.BOOL,
  int8: S.TensorType.INT8, uint8: S.TensorType.UINT8, int16: S.TensorType.INT16,
};

function bytes(dtype: SpecDType, values: number[]): number[] {
  let arr: ArrayBufferView;
  switch (dtype) {
    case 'float32': arr = Float32Array.from(values); break;
    case 'int32': arr = Int32Array.from(values); break;
    case 'int64': arr = BigInt64Array.from(values.map((v) => BigInt(v))); break;
    case 'int8': arr = Int8Array.from(values); break;
    case 'int16': arr = Int16Array.from(values); break;
    default: arr = Uint8Array.from(values);
  }
  return [...new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength)];
}

export function singleOpModel(spec: OpSpec): Uint8Array {
  const model = new S.ModelT();
  model.version = 3;
  model.description = `single ${spec.op}`;
  const code = S.BuiltinOperator[spec.op];
  if (code === undefined) throw new Error(`no TFLite builtin operator ${spec.op}`);
  model.operatorCodes = [new S.OperatorCodeT(Math.min(code, 127), null, spec.version ?? 1, code)];
  model.buffers = [new S.BufferT()];
  const graph = new S.SubGraphT();
  const addTensor = (t: TensorSpec, name: string): number => {
    const dtype = t.dtype ?? 'float32';
    let buffer = 0;
    if (t.data) {
      model.buffers.push(new S.BufferT(bytes(dtype, t.data)));
      buffer = model.buffers.length - 1;
    }
    const tensor = new S.TensorT(t.shape, types[dtype], buffer, name);
    tensor.hasRank = true;
    if (t.signature) tensor.shapeSignature = t.signature;
    if (t.variable) tensor.isVariable = true;
    if (t.quant) {
      tensor.quantization = new S.QuantizationParametersT();
      tensor.quantization.scale = [t.quant.scale];
      tensor.quantization.zeroPoint = [BigInt(t.quant.zeroPoint)];
    }
    graph.tensors.push(tensor);
    return graph.tensors.length - 1;
  };
  const inputs = spec.inputs.map((t, i) => (t ? addTensor(t, `in${i}`) : -1));
  const outputs = spec.outputs.map((t, i) => addTensor(t, `out${i}`));
  graph.inputs = inputs.filter((i, k) => i >= 0 && !spec.inputs[k]!.data && !spec.inputs[k]!.variable);
  graph.outputs = outputs;
  const op = new S.OperatorT(0, inputs, outputs);
  if (spec.options) {
    op.builtinOptionsType = S.BuiltinOptions[spec.options.type];
    const ctor = (S as unknown as Record<string, new () => object>)[`${spec.options.type}T`];
    op.builtinOptions = Object.assign(new ctor(), spec.options.fields ?? {}) as never;
  }
  graph.operators = [op];
  graph.name = 'main';
  model.subgraphs = [graph];
  const builder = new flatbuffers.Builder(1024);
  builder.finish(model.pack(builder), 'TFL3');
  return builder.asUint8Array().slice();
}
