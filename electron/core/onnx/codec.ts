// Decoding and encoding of ONNX ModelProto with the generated protobufjs code.
// This module loads the generated code: import it lazily from code that may not need it.
import protobuf from 'protobufjs/minimal.js';
import { onnx } from './generated/onnx.js';

// Without the "long" package protobufjs decodes int64 to JS numbers, which lose
// precision above 2^53 and would make dims or int64_data round-trip inexactly.
if (!protobuf.util.Long) {
  throw new Error('protobufjs found no Long implementation: int64 fields would not decode exactly');
}

export { onnx };

/**
 * Decodes a whole model. bytes fields (raw_data) are views into `bytes`, not copies:
 * keep `bytes` alive as long as the model and do not mutate it.
 * Throws what protobufjs throws (Error or RangeError) on malformed input; see onnx-open.ts.
 */
export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** A plain-JSON view of a model (longs as strings, bytes as base64), for comparisons and dumps. */
export function modelToObject(model: onnx.ModelProto): Record<string, unknown> {
  return onnx.ModelProto.toObject(model, { longs: String, bytes: String, enums: String });
}
