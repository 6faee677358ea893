// Reads a TFLite flatbuffer into the plain IR (ir.ts) with the generated schema code. Every count
// and offset is checked against the file first: a damaged file (a flipped byte can claim 2^31
// tensors) becomes an AppError naming the problem, never a hang or a raw exception.
import * as flatbuffers from 'flatbuffers';
import { AppError } from '../api/errors.js';
import {
  BuiltinOperator,
  BuiltinOptions,
  BuiltinOptions2,
  Model,
  QuantizationDetails,
  TensorType,
  unionToBuiltinOptions,
  unionToBuiltinOptions2,
  BlockwiseQuantization,
  type Operator,
  type SubGraph,
  type Tensor,
} from './generated/schema_generated.js';
import type { TfliteDType, TfliteModel, TfliteOperator, TfliteQuantization, TfliteSignature, TfliteSubgraph, TfliteTensor } from './ir.js';

const dtypeNames: Record<number, TfliteDType> = {
  [TensorType.FLOAT32]: 'float32', [TensorType.FLOAT16]: 'float16', [TensorType.INT32]: 'int32', [TensorType.UINT8]: 'uint8',
  [TensorType.INT64]: 'int64', [TensorType.STRING]: 'string', [TensorType.BOOL]: 'bool', [TensorType.INT16]: 'int16',
  [TensorType.COMPLEX64]: 'complex64', [TensorType.INT8]: 'int8', [TensorType.FLOAT64]: 'float64', [TensorType.COMPLEX128]: 'complex128',
  [TensorType.UINT64]: 'uint64', [TensorType.RESOURCE]: 'resource', [TensorType.VARIANT]: 'variant', [TensorType.UINT32]: 'uint32',
  [TensorType.UINT16]: 'uint16', [TensorType.INT4]: 'int4', [TensorType.BFLOAT16]: 'bfloat16', [TensorType.INT2]: 'int2',
  [TensorType.UINT4]: 'uint4', [TensorType.FLOAT8_E4M3FN]: 'float8e4m3fn', [TensorType.FLOAT8_E5M2]: 'float8e5m2',
};

class Damaged extends Error {}

/**
 * The flatbuffers runtime reads past the end of a cut file as zeros and goes on; this one stops
 * (every other read is built on these three), so a truncated file is reported, not misread.
 */
class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  private check(offset: number, size: number): void {
    if (!(offset >= 0 && offset + size <= this.capacity())) throw new Damaged(`a table or vector points at byte ${offset}, past the end of the ${this.capacity()}-byte file (is it cut short?)`);
  }
  override readUint8(offset: number): number {
    this.check(offset, 1);
    return super.readUint8(offset);
  }
  override readUint16(offset: number): number {
    this.check(offset, 2);
    return super.readUint16(offset);
  }
  override readInt32(offset: number): number {
    this.check(offset, 4);
    return super.readInt32(offset);
  }
  override __string(offset: number, encoding?: flatbuffers.Encoding): string | Uint8Array {
    const start = offset + this.readInt32(offset);
    this.check(start + 4, this.readInt32(start));
    return super.__string(offset, encoding);
  }
}

function damaged(fileName: string, why: string): AppError {
  return new AppError('MODEL_FORMAT', 'Not a model EdgeFleet can read', `${fileName} is damaged: ${why}. Export or download the model again.`);
}

function invalid(fileName: string, why: string, fix = 'Export the model again with the TFLite converter.'): AppError {
  return new AppError('MODEL_INVALID', 'The TFLite model is inconsistent', `${fileName}: ${why}. ${fix}`);
}

/** Plain data from an unpacked options object: arrays of numbers, numbers for bigints, no methods. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => Number(v));
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'function') out[k] = plain(v);
    return out;
  }
  return value;
}

class Reader {
  private readonly notes: string[] = [];
  private readonly bufferData = new Map<number, Uint8Array | null>();
  private readonly bufferCount: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly model: Model,
    private readonly fileName: string,
  ) {
    this.bufferCount = this.count(model.buffersLength(), 4, 'buffers');
  }

  /** A vector length that fits in the file (each element takes at least `minBytes`). */
  private count(n: number, minBytes: number, what: string): number {
    if (!Number.isInteger(n) || n < 0 || n * minBytes > this.bytes.length) throw new Damaged(`it claims ${n} ${what}, more than a ${this.bytes.length}-byte file can hold`);
    return n;
  }

  private ints(length: number, at: (i: number) => number | null, what: string): number[] {
    const n = this.count(length, 4, what);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = at(i) ?? 0;
    return out;
  }

  read(): TfliteModel {
    const m = this.model;
    const codes = this.count(m.operatorCodesLength(), 4, 'operator codes');
    const opcodes: { name: string; custom: string | null; version: number }[] = [];
    for (let i = 0; i < codes; i++) {
      const c = m.operatorCodes(i);
      if (!c) throw new Damaged(`operator code ${i} is missing`);
      const code = Math.max(c.deprecatedBuiltinCode(), c.builtinCode());
      const name = BuiltinOperator[code] ?? `UNKNOWN_${code}`;
      opcodes.push({ name, custom: c.customCode(), version: c.version() });
    }
    const subgraphCount = this.count(m.subgraphsLength(), 4, 'subgraphs');
    const subgraphs: TfliteSubgraph[] = [];
    for (let i = 0; i < subgraphCount; i++) {
      const g = m.subgraphs(i);
      if (!g) throw new Damaged(`subgraph ${i} is missing`);
      subgraphs.push(this.subgraph(g, i, opcodes));
    }
    const signatures: TfliteSignature[] = [];
    for (let i = 0, n = this.count(m.signatureDefsLength(), 4, 'signatures'); i < n; i++) {
      const s = m.signatureDefs(i)!;
      const key = s.signatureKey() ?? `signature_${i}`;
      const subgraphIndex = s.subgraphIndex();
      const graph = subgraphs[subgraphIndex];
      if (!graph) throw invalid(this.fileName, `signature "${key}" names subgraph ${subgraphIndex}, but the file has ${subgraphs.length}`);
      const maps = (len: number, at: (j: number) => { name(): string | null; tensorIndex(): number } | null, what: string) =>
        Array.from({ length: this.count(len, 4, what) }, (_, j) => {
          const e = at(j)!;
          const tensorIndex = e.tensorIndex();
          if (!graph.tensors[tensorIndex]) throw invalid(this.fileName, `signature "${key}" names tensor ${tensorIndex}, which subgraph ${subgraphIndex} does not have`);
          return { name: e.name() ?? `${what}_${j}`, tensorIndex };
        });
      signatures.push({
        key,
        subgraphIndex,
        inputs: maps(s.inputsLength(), (j) => s.inputs(j), 'input'),
        outputs: maps(s.outputsLength(), (j) => s.outputs(j), 'output'),
      });
    }
    const metadata: { name: string; bytes: Uint8Array }[] = [];
    for (let i = 0, n = this.count(m.metadataLength(), 4, 'metadata entries'); i < n; i++) {
      const e = m.metadata(i)!;
      metadata.push({ name: e.name() ?? `metadata_${i}`, bytes: this.buffer(e.buffer(), `metadata "${e.name()}"`) ?? new Uint8Array(0) });
    }
    const runtime = metadata.find((e) => e.name === 'min_runtime_version');
    return {
      schemaVersion: m.version(),
      description: m.description() ?? '',
      subgraphs,
      signatures,
      metadata,
      minRuntimeVersion: runtime ? new TextDecoder().decode(runtime.bytes).replace(/\0+$/, '') || null : null,
      normalisations: this.notes,
      fileBytes: this.bytes.length,
    };
  }

  private subgraph(g: SubGraph, index: number, opcodes: { name: string; custom: string | null; version: number }[]): TfliteSubgraph {
    const tensorCount = this.count(g.tensorsLength(), 4, 'tensors');
    const tensors: TfliteTensor[] = [];
    for (let i = 0; i < tensorCount; i++) tensors.push(this.tensor(g.tensors(i)!, i, index));
    const where = `subgraph ${index}${g.name() ? ` ("${g.name()}")` : ''}`;
    const checkTensor = (t: number, what: string, optional: boolean) => {
      if (optional && t === -1) return;
      if (!Number.isInteger(t) || t < 0 || t >= tensorCount) throw invalid(this.fileName, `${what} in ${where} names tensor ${t}, but the subgraph has ${tensorCount}`);
    };
    const inputs = this.ints(g.inputsLength(), (i) => g.inputs(i), 'subgraph inputs');
    const outputs = this.ints(g.outputsLength(), (i) => g.outputs(i), 'subgraph outputs');
    inputs.forEach((t) => checkTensor(t, 'an input', false));
    outputs.forEach((t) => checkTensor(t, 'an output', false));
    const operators: TfliteOperator[] = [];
    for (let i = 0, n = this.count(g.operatorsLength(), 4, 'operators'); i < n; i++) {
      const op = this.operator(g.operators(i)!, i, opcodes, where);
      op.inputs.forEach((t) => checkTensor(t, `operator ${i} (${op.opcode})`, true));
      op.outputs.forEach((t) => checkTensor(t, `operator ${i} (${op.opcode})`, false));
      op.intermediates.forEach((t) => checkTensor(t, `operator ${i} (${op.opcode})`, true));
      operators.push(op);
    }
    return { index, name: g.name() ?? '', tensors, operators, inputs, outputs };
  }

  private operator(op: Operator, index: number, opcodes: { name: string; custom: string | null; version: number }[], where: string): TfliteOperator {
    const code = opcodes[op.opcodeIndex()];
    if (!code) throw invalid(this.fileName, `operator ${index} in ${where} names operator code ${op.opcodeIndex()}, but the file has ${opcodes.length}`);
    let options: Record<string, unknown> | null = null;
    let optionsType: string | null = null;
    const type = op.builtinOptionsType();
    if (type !== BuiltinOptions.NONE) {
      optionsType = BuiltinOptions[type] ?? null;
      const table = optionsType ? unionToBuiltinOptions(type, (o) => op.builtinOptions(o)) : null;
      if (table) options = plain(table.unpack()) as Record<string, unknown>;
    }
    const type2 = op.builtinOptions2Type();
    if (type2 !== BuiltinOptions2.NONE) {
      optionsType = BuiltinOptions2[type2] ?? optionsType;
      const table = BuiltinOptions2[type2] ? unionToBuiltinOptions2(type2, (o) => op.builtinOptions2(o)) : null;
      if (table) options = { ...(options ?? {}), ...(plain(table.unpack()) as Record<string, unknown>) };
    }
    const customLength = this.count(op.customOptionsLength(), 1, 'custom option bytes');
    return {
      index,
      opcode: code.name,
      customCode: code.name === 'CUSTOM' ? code.custom : null,
      opVersion: code.version,
      inputs: this.ints(op.inputsLength(), (i) => op.inputs(i), 'operator inputs'),
      outputs: this.ints(op.outputsLength(), (i) => op.outputs(i), 'operator outputs'),
      intermediates: this.ints(op.intermediatesLength(), (i) => op.intermediates(i), 'operator intermediates'),
      options,
      optionsType,
      customOptions: customLength > 0 ? new Uint8Array(op.customOptionsArray()!) : null,
    };
  }

  private tensor(t: Tensor, index: number, subgraph: number): TfliteTensor {
    const name = t.name() ?? '';
    const label = `tensor ${index}${name ? ` ("${name}")` : ''} of subgraph ${subgraph}`;
    const shape = this.ints(t.shapeLength(), (i) => t.shape(i), 'shape dims');
    const signature = t.shapeSignatureLength() > 0 ? this.ints(t.shapeSignatureLength(), (i) => t.shapeSignature(i), 'shape dims') : null;
    if (shape.some((d) => d < -1)) throw invalid(this.fileName, `${label} has a negative dimension in its shape [${shape.join(', ')}]`);
    if (shape.includes(-1)) this.notes.push(`${label}: its stored shape [${shape.join(', ')}] has an unknown (-1) dimension; read as dynamic.`);
    const dtype = dtypeNames[t.type()] ?? 'unknown';
    const external = t.externalBuffer() !== 0;
    const bufferIndex = t.buffer();
    let data = external ? null : this.buffer(bufferIndex, label);
    if (data && data.byteLength === 0) data = null;
    const quantization = this.quantization(t, label, shape);
    // Hybrid files keep the shape TFLite ran with and (newer converters) also store the rank: a
    // file without has_rank but with dims clearly has a rank.
    const hasRank = t.hasRank() || shape.length > 0 || data !== null || !t.shapeSignatureLength();
    return { index, name, dtype, shape, shapeSignature: signature, hasRank, data, quantization, isVariable: t.isVariable(), sparse: t.sparsity() !== null, external };
  }

  private quantization(t: Tensor, label: string, shape: number[]): TfliteQuantization | null {
    const q = t.quantization();
    if (!q) return null;
    const scale = Array.from(q.scaleArray() ?? []);
    const zpCount = this.count(q.zeroPointLength(), 8, 'zero points');
    const zeroPoint = Array.from({ length: zpCount }, (_, i) => Number(q.zeroPoint(i) ?? 0n));
    let blockwise: TfliteQuantization['blockwise'] = null;
    if (q.detailsType() === QuantizationDetails.BlockwiseQuantization) {
      const b = q.details(new BlockwiseQuantization()) as BlockwiseQuantization | null;
      if (b) blockwise = { scalesTensor: b.scales(), zeroPointsTensor: b.zeroPoints(), blockSize: b.blockSize() };
    }
    let quantizedDimension = q.quantizedDimension();
    if (scale.length > 1 && shape.length === 1 && quantizedDimension > 0) {
      this.notes.push(`${label}: per-axis quantization names dimension ${quantizedDimension} of a rank-1 tensor; read as dimension 0 (its only one).`);
      quantizedDimension = 0;
    }
    if (scale.length > 1 && shape.length > 0 && shape[quantizedDimension] !== scale.length) {
      throw invalid(this.fileName, `${label} has ${scale.length} scales along dimension ${quantizedDimension}, whose size is ${shape[quantizedDimension] ?? 'absent'}`);
    }
    if (scale.length === 0 && zeroPoint.length === 0 && !blockwise && !q.minLength() && !q.maxLength()) return null;
    return {
      scale,
      zeroPoint: zeroPoint.length === scale.length ? zeroPoint : scale.map((_, i) => zeroPoint[i] ?? zeroPoint[0] ?? 0),
      quantizedDimension,
      min: Array.from(q.minArray() ?? []),
      max: Array.from(q.maxArray() ?? []),
      blockwise,
    };
  }

  /** The bytes of buffer `index` (inside the flatbuffer or, for files over 2 GB, after it), copied and aligned. */
  private buffer(index: number, owner: string): Uint8Array | null {
    if (this.bufferData.has(index)) return this.bufferData.get(index)!;
    if (index >= this.bufferCount) {
      if (index === 0) return null;
      throw invalid(this.fileName, `${owner} points at buffer ${index}, but the file has ${this.bufferCount}`);
    }
    const b = this.model.buffers(index)!;
    let out: Uint8Array | null = null;
    const inside = b.dataLength();
    if (inside > 0) {
      this.count(inside, 1, 'buffer bytes');
      out = new Uint8Array(b.dataArray()!);
    } else {
      const offset = b.offset();
      const size = b.size();
      if (offset > 1n) {
        if (offset + size > BigInt(this.bytes.length)) throw new Damaged(`buffer ${index} lies at bytes ${offset}…${offset + size}, past the end of the ${this.bytes.length}-byte file (is it cut short?)`);
        out = this.bytes.slice(Number(offset), Number(offset + size));
      }
    }
    this.bufferData.set(index, out);
    return out;
  }
}

export function readTflite(bytes: Uint8Array, fileName: string): TfliteModel {
  if (bytes.length < 8) throw damaged(fileName, `it is only ${bytes.length} bytes long`);
  const root = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
  if (root < 8 || root + 4 > bytes.length) throw damaged(fileName, 'its root table offset points outside the file');
  // Its own buffer: typed-array views of a damaged vector must fail, not read a neighbour in a pooled buffer.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  try {
    const model = Model.getRootAsModel(new CheckedByteBuffer(own));
    const version = model.version();
    if (version < 3) {
      throw new AppError(
        'MODEL_FORMAT',
        'This TFLite model is too old',
        `${fileName} uses TFLite schema version ${version}; TFLite itself, and EdgeFleet, read only version 3. Convert the model again with a TFLite converter from 2018 or later.`,
      );
    }
    if (version !== 3) throw damaged(fileName, `its schema version reads ${version}, which no TFLite converter writes (3 is current)`);
    return new Reader(own, model, fileName).read();
  } catch (err) {
    if (err instanceof AppError) throw err;
    const why = err instanceof Damaged ? err.message : `its flatbuffer tables do not decode (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
    throw damaged(fileName, why);
  }
}
