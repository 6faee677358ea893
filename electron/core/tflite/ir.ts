// A TFLite model as plain data: what the reader makes of the flatbuffer (quirks normalised),
// and what inspect and the ONNX converter read. Nothing here refers to the generated schema code.

/** TFLite's TensorType names, lower-case ('float32', 'int8', ...). */
export type TfliteDType =
  | 'float32' | 'float16' | 'int32' | 'uint8' | 'int64' | 'string' | 'bool' | 'int16' | 'complex64' | 'int8'
  | 'float64' | 'complex128' | 'uint64' | 'resource' | 'variant' | 'uint32' | 'uint16' | 'int4' | 'bfloat16'
  | 'int2' | 'uint4' | 'float8e4m3fn' | 'float8e5m2' | 'unknown';

export interface TfliteQuantization {
  /** One scale per tensor, or one per slice along `quantizedDimension`. */
  scale: number[];
  /** Same length as `scale` (filled with 0 when the file has none). */
  zeroPoint: number[];
  quantizedDimension: number;
  min: number[];
  max: number[];
  /** Set for BlockwiseQuantization (scales and zero points are tensors of their own). */
  blockwise: { scalesTensor: number; zeroPointsTensor: number; blockSize: number } | null;
}

export interface TfliteTensor {
  index: number;
  name: string;
  dtype: TfliteDType;
  /** Static shape as stored (a dynamic dim is stored as 1, see shapeSignature). */
  shape: number[];
  /** The file's shape_signature, -1 for a dynamic dim; null when the file has none. */
  shapeSignature: number[] | null;
  /** False when the file says the rank is unknown (shape [] then means "unknown", not scalar). */
  hasRank: boolean;
  /**
   * Constant contents (little-endian, row-major), copied to a fresh 16-byte aligned buffer so
   * typed-array views are safe; null for tensors computed at run time.
   */
  data: Uint8Array | null;
  quantization: TfliteQuantization | null;
  isVariable: boolean;
  /** The file stores the tensor sparse (TACO format). */
  sparse: boolean;
  /** The file points at data in another file (external_buffer): not readable from this file alone. */
  external: boolean;
}

export interface TfliteOperator {
  index: number;
  /** BuiltinOperator name ('CONV_2D', 'FULLY_CONNECTED', 'CUSTOM', ...); `UNKNOWN_<code>` for codes this schema does not know. */
  opcode: string;
  /** For CUSTOM ops: the custom_code ('edgetpu-custom-op', 'TFLite_Detection_PostProcess', ...). */
  customCode: string | null;
  opVersion: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  intermediates: number[];
  /**
   * builtin_options unpacked to a plain object with the schema's camelCase field names
   * (enums as their numbers, vectors as number arrays); null when the op has none.
   */
  options: Record<string, unknown> | null;
  /** The options table's name ('Conv2DOptions', ...), or null. */
  optionsType: string | null;
  /** Raw custom_options bytes (flexbuffers for most custom ops), or null. */
  customOptions: Uint8Array | null;
}

export interface TfliteSubgraph {
  index: number;
  name: string;
  tensors: TfliteTensor[];
  /** In execution order, as the file stores them. */
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
}

export interface TfliteSignature {
  key: string;
  subgraphIndex: number;
  /** In the signature's own order, which may differ from the subgraph's. */
  inputs: { name: string; tensorIndex: number }[];
  outputs: { name: string; tensorIndex: number }[];
}

export interface TfliteModel {
  schemaVersion: number;
  description: string;
  /** Index 0 is the main graph. */
  subgraphs: TfliteSubgraph[];
  signatures: TfliteSignature[];
  /** Metadata entries by name (min_runtime_version, TFLITE_METADATA, CONVERSION_METADATA, ...). */
  metadata: { name: string; bytes: Uint8Array }[];
  /** "min_runtime_version" decoded, when present. */
  minRuntimeVersion: string | null;
  /**
   * Each quirk the reader normalised, in words a user understands, e.g. "tensor 12 (bias):
   * per-axis quantized_dimension 3 on a rank-1 tensor; read as 0, as TFLite does".
   */
  normalisations: string[];
  fileBytes: number;
}
