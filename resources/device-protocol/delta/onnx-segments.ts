// Where the tensor data of an ONNX model lies in its file, read from the protobuf wire format without
// decoding: decoding and encoding again would not give the same bytes back, and the delta must rebuild
// the file byte for byte. Found: the data fields (raw_data, packed float/int/double data) of graph
// initializers, sparse initializers and tensor attributes (Constant nodes), in subgraphs too. Everything
// else (graph structure, names, shapes, metadata, small tensors) is "rest".

import { readVarint, scanMessage } from '../protobuf-wire-scan.js';

export interface TensorSegment {
  /** Tensor name, with the path of the subgraph or node attribute it sits in; unique within the file. */
  key: string;
  offset: number;
  length: number;
  /** Bytes per element for byte planes (1 where the field is varints or the type is unknown). */
  width: number;
}

/** Data smaller than this stays in the rest, where it compresses along with its neighbours. */
const minSegmentBytes = 64;

// TensorProto.data_type → element bytes (FLOAT, UINT8, INT8, UINT16, INT16, INT32, INT64, STRING, BOOL,
// FLOAT16, DOUBLE, UINT32, UINT64, COMPLEX64, COMPLEX128, BFLOAT16, then the 8- and 4-bit types).
const elementBytes = [1, 4, 1, 1, 2, 2, 4, 8, 1, 1, 2, 8, 4, 8, 4, 8, 2];

interface Field {
  field: number;
  wire: number;
  /** Value offset (after the length for length-delimited fields) and length; varint value for wire 0. */
  offset: number;
  length: number;
  value: number;
}

class WireError extends Error {}

/** One message level's fields (the shared wire scan, ../protobuf-wire-scan.ts); malformed bytes throw WireError. */
function fields(buf: Uint8Array, start: number, end: number): Field[] {
  const out: Field[] = [];
  const scan = scanMessage(buf, start, end, (f) => {
    out.push({ field: f.field, wire: f.wireType, offset: f.offset, length: f.length, value: f.wireType === 0 ? readVarint(buf, f.offset)![0] : 0 });
    return null;
  });
  if (!scan.ok) throw new WireError(scan.reason);
  return out;
}

function text(buf: Uint8Array, f: Field): string {
  return Buffer.from(buf.buffer, buf.byteOffset + f.offset, f.length).toString('utf8');
}

class Walker {
  readonly segments: TensorSegment[] = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly buf: Uint8Array) {}

  private add(key: string, offset: number, length: number, width: number): void {
    if (length < minSegmentBytes) return;
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    this.segments.push({ key: n === 1 ? key : `${key}#${n}`, offset, length, width });
  }

  tensor(f: Field, fallbackName: string): void {
    const fs = fields(this.buf, f.offset, f.offset + f.length);
    const name = fs.find((x) => x.field === 8 && x.wire === 2);
    const type = fs.find((x) => x.field === 2 && x.wire === 0)?.value ?? 0;
    const key = name && name.length > 0 ? text(this.buf, name) : fallbackName;
    for (const x of fs) {
      if (x.wire !== 2) continue;
      // raw_data; packed float_data (fixed32), int32_data, int64_data (varints), double_data (fixed64), uint64_data.
      if (x.field === 9) this.add(key, x.offset, x.length, elementBytes[type] ?? 1);
      else if (x.field === 4) this.add(key, x.offset, x.length, 4);
      else if (x.field === 10) this.add(key, x.offset, x.length, 8);
      else if (x.field === 5 || x.field === 7 || x.field === 11) this.add(key, x.offset, x.length, 1);
    }
  }

  graph(f: Field, path: string): void {
    for (const x of fields(this.buf, f.offset, f.offset + f.length)) {
      if (x.wire !== 2) continue;
      if (x.field === 5) this.tensor(x, `${path}initializer`);
      else if (x.field === 15) this.sparse(x, `${path}sparse`);
      else if (x.field === 1) this.node(x, path);
    }
  }

  private sparse(f: Field, name: string): void {
    for (const x of fields(this.buf, f.offset, f.offset + f.length)) {
      if (x.wire !== 2) continue;
      if (x.field === 1) this.tensor(x, `${name}/values`);
      else if (x.field === 2) this.tensor(x, `${name}/indices`);
    }
  }

  private node(f: Field, path: string): void {
    const fs = fields(this.buf, f.offset, f.offset + f.length);
    const output = fs.find((x) => x.field === 2 && x.wire === 2);
    const name = fs.find((x) => x.field === 3 && x.wire === 2);
    const id = `${path}${output ? text(this.buf, output) : name ? text(this.buf, name) : 'node'}`;
    for (const a of fs) {
      if (a.field !== 5 || a.wire !== 2) continue;
      const afs = fields(this.buf, a.offset, a.offset + a.length);
      const attrName = afs.find((x) => x.field === 1 && x.wire === 2);
      const at = `${id}@${attrName ? text(this.buf, attrName) : 'attr'}`;
      let i = 0;
      for (const x of afs) {
        if (x.wire !== 2) continue;
        if (x.field === 5) this.tensor(x, at);
        else if (x.field === 10) this.tensor(x, `${at}[${i++}]`);
        else if (x.field === 6) this.graph(x, `${at}/`);
        else if (x.field === 11) this.graph(x, `${at}[${i++}]/`);
        else if (x.field === 22 || x.field === 23) this.sparse(x, `${at}[${i++}]`);
      }
    }
  }
}

/**
 * The tensor data segments of an ONNX model in file order, or null when the bytes are not a
 * well-formed ModelProto with a graph (then the builder treats the file as opaque).
 */
export function onnxTensorSegments(buf: Uint8Array): TensorSegment[] | null {
  try {
    const top = fields(buf, 0, buf.byteLength);
    const graph = top.filter((f) => f.field === 7 && f.wire === 2);
    // ir_version (1, varint) and exactly one graph: random bytes or another format fail here.
    if (graph.length !== 1 || !top.some((f) => f.field === 1 && f.wire === 0)) return null;
    const w = new Walker(buf);
    w.graph(graph[0], '');
    return w.segments.sort((a, b) => a.offset - b.offset);
  } catch (err) {
    if (err instanceof WireError) return null;
    throw err;
  }
}
