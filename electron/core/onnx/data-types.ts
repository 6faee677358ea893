// ONNX TensorProto.DataType numbers, their names and element sizes. Kept free of the
// generated code so that light modules (reports, the renderer) may use it.

const names: Record<number, string> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
  17: 'FLOAT8E4M3FN',
  18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ',
  21: 'UINT4',
  22: 'INT4',
};

/** Bytes per element in raw_data; 0 for STRING (variable) and UNDEFINED. Sub-byte types report 0.5. */
const sizes: Record<number, number> = {
  1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8,
  14: 8, 15: 16, 16: 2, 17: 1, 18: 1, 19: 1, 20: 1, 21: 0.5, 22: 0.5,
};

export const DataType = {
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7,
  STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13,
  COMPLEX64: 14, COMPLEX128: 15, BFLOAT16: 16,
} as const;

export function dataTypeName(type: number | null | undefined): string {
  return names[type ?? 0] ?? `TYPE_${type}`;
}

export function dataTypeSize(type: number | null | undefined): number {
  return sizes[type ?? 0] ?? 0;
}
