// Tells whether bytes look like an ONNX ModelProto by walking its top-level fields
// (and those of its graph) without decoding anything.
import { scanMessage, type FieldVisitor, type WireField } from '../../../resources/device-protocol/protobuf-wire-scan.js';

export type OnnxSniff = { ok: true } | { ok: false; truncated: boolean; reason: string };

// ModelProto field number -> wire type (0 varint, 2 length-delimited).
const modelFields: Record<number, number> = { 1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2 };
// GraphProto field number -> wire type.
const graphFields: Record<number, number> = { 1: 2, 2: 2, 5: 2, 10: 2, 11: 2, 12: 2, 13: 2, 14: 2, 15: 2 };
// Fields added after ONNX 1.12 have higher numbers: tolerate those, never unknown low ones,
// except the graph's reserved numbers, which pre-1.0 exporters wrote.
const MODEL_MAX_KNOWN = 25;
const GRAPH_MAX_KNOWN = 15;
const GRAPH_RESERVED = [3, 4, 6, 7, 8, 9];

/** A visitor that accepts the fields a message type has, with the right wire types. */
function fieldChecker(known: Record<number, number>, maxKnown: number, what: string, reserved: number[] = []): FieldVisitor {
  return (f) => {
    const expected = known[f.field];
    if (expected === undefined) return f.field <= maxKnown && !reserved.includes(f.field) ? `${what} has no field ${f.field}` : null;
    return expected === f.wireType ? null : `${what} field ${f.field} has wire type ${f.wireType}, expected ${expected}`;
  };
}

export function sniffOnnx(bytes: Uint8Array): OnnxSniff {
  if (bytes.length === 0) return { ok: false, truncated: false, reason: 'the file is empty' };
  const checkModel = fieldChecker(modelFields, MODEL_MAX_KNOWN, 'an ONNX model');
  const graphs: WireField[] = [];
  let hasHeader = false;
  const top = scanMessage(bytes, 0, bytes.length, (f) => {
    if (f.field === 7) graphs.push(f);
    if (f.field === 1 || f.field === 7) hasHeader = true;
    return checkModel(f);
  });
  if (!top.ok) {
    if (top.truncated) return { ok: false, truncated: true, reason: `the data ends early (${top.reason}): the file is truncated` };
    return { ok: false, truncated: false, reason: `the data is not an ONNX model at byte ${top.at} (${top.reason})` };
  }
  if (!hasHeader) return { ok: false, truncated: false, reason: 'the data has neither an IR version nor a graph' };
  const checkGraph = fieldChecker(graphFields, GRAPH_MAX_KNOWN, 'the graph', GRAPH_RESERVED);
  for (const g of graphs) {
    const scan = scanMessage(bytes, g.offset, g.offset + g.length, checkGraph);
    if (!scan.ok) return { ok: false, truncated: false, reason: `the graph is damaged near byte ${scan.at} (${scan.reason})` };
  }
  return { ok: true };
}
