// Accumulates the ONNX graph a conversion writes: nodes in order, initializers, unique names.
import type { onnx } from '../../onnx/generated/onnx.js';
import { DataType } from '../../onnx/data-types.js';
import { SOURCE_PREFIX } from '../../profiling/graph-nodes.js';
import { makeNode, type AttrValue } from '../../quantize/graph/nodes.js';
import { makeTensor, type TensorData } from '../../quantize/graph/tensors.js';

export type { AttrValue };

export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly shared = new Map<string, string>();
  /** Choices handlers made that the user should know (each said once). */
  readonly notes: string[] = [];
  /** Set by the converter before each TFLite operator: names its ONNX nodes and tags them for profile mapping. */
  currentOp: { index: number; label: string; opcode: string } | null = null;

  /** Reserves `hint`, or `hint_2`, `hint_3`, ... when taken. */
  unique(hint: string): string {
    const base = hint === '' ? 'tensor' : hint;
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}_${n}`;
    this.used.add(name);
    return name;
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  reserve(name: string): void {
    this.used.add(name);
  }

  node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}, domain = ''): onnx.INodeProto {
    const op = this.currentOp;
    const name = this.unique(op ? `${op.label}/${opType}` : opType);
    const node = makeNode(opType, inputs, outputs, name, attrs, domain);
    if (op) node.doc_string = `${SOURCE_PREFIX}${op.index} ${op.opcode} ${op.label}`;
    this.nodes.push(node);
    return node;
  }

  initializer(hint: string, dataType: number, dims: readonly number[], data: TensorData | Uint8Array): string {
    const name = this.unique(hint);
    if (data instanceof Uint8Array && dataType !== DataType.UINT8 && dataType !== DataType.BOOL) {
      this.initializers.push({ name, data_type: dataType, dims: [...dims], raw_data: data });
    } else {
      this.initializers.push(makeTensor(name, dataType, dims, data as TensorData));
    }
    return name;
  }

  /** A small constant shared by every node that asks for the same values (axes, shapes, Q/DQ parameters). */
  sharedConst(hint: string, dataType: number, dims: readonly number[], data: TensorData): string {
    const key = `${dataType}|${dims.join(',')}|${Array.from(data as ArrayLike<number | bigint>).join(',')}`;
    const found = this.shared.get(key);
    if (found) return found;
    const name = this.initializer(hint, dataType, dims, data);
    this.shared.set(key, name);
    return name;
  }

  int64s(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.sharedConst('const_i64', DataType.INT64, dims, BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  floats(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.sharedConst('const_f32', DataType.FLOAT, dims, Float32Array.from(values));
  }
}
