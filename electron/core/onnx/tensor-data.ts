// Reading the values of a TensorProto wherever they are stored: raw_data, the typed
// repeated fields (float_data, int64_data, ...), or an external file next to the model.
import { open } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { onnx } from './generated/onnx.js';
import { DataType, dataTypeSize } from './data-types.js';
import { toBigInt, toNumber, type Int64 } from './int64.js';
import { OnnxError } from './onnx-error.js';

type Tensor = onnx.ITensorProto;

const EXTERNAL = 1;

export interface ExternalDataRef {
  location: string;
  offset: number;
  /** null when the entry gives no length: the data then runs to the computed byte size. */
  length: number | null;
}

export function tensorDims(t: Tensor): number[] {
  return (t.dims ?? []).map((d) => toNumber(d));
}

/** Element count from dims; a scalar (no dims) has one element. */
export function tensorElementCount(t: Tensor): number {
  let n = 1;
  for (const d of t.dims ?? []) n *= toNumber(d);
  return n;
}

export function isExternal(t: Tensor): boolean {
  return t.data_location === EXTERNAL;
}

export function externalDataRef(t: Tensor): ExternalDataRef | null {
  if (!isExternal(t)) return null;
  const entries = new Map((t.external_data ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (!location) return null;
  const offset = Number(entries.get('offset') ?? 0);
  const length = entries.has('length') ? Number(entries.get('length')) : null;
  return { location, offset: Number.isFinite(offset) ? offset : 0, length: length !== null && Number.isFinite(length) ? length : null };
}

/** Number of values stored in the typed field that holds this tensor's data type. */
function typedFieldLength(t: Tensor): number {
  switch (t.data_type) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      return t.float_data?.length ?? 0;
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      return t.double_data?.length ?? 0;
    case DataType.INT64:
      return t.int64_data?.length ?? 0;
    case DataType.UINT32:
    case DataType.UINT64:
      return t.uint64_data?.length ?? 0;
    case DataType.STRING:
      return t.string_data?.length ?? 0;
    default:
      return t.int32_data?.length ?? 0;
  }
}

/**
 * Bytes the tensor's data takes where it is stored (raw_data, typed fields as their
 * little-endian size, or the external length). Strings count their byte lengths.
 */
export function tensorByteLength(t: Tensor): number {
  if (isExternal(t)) {
    const ref = externalDataRef(t);
    return ref?.length ?? Math.ceil(tensorElementCount(t) * dataTypeSize(t.data_type));
  }
  if (t.raw_data && t.raw_data.length > 0) return t.raw_data.length;
  if (t.data_type === DataType.STRING) {
    return (t.string_data ?? []).reduce((sum, s) => sum + s.length, 0);
  }
  const size = dataTypeSize(t.data_type);
  // Sub-byte (INT4) and 16-bit types are packed one value per int32 field entry.
  const n = typedFieldLength(t);
  const elements = t.data_type === DataType.COMPLEX64 || t.data_type === DataType.COMPLEX128 ? n / 2 : n;
  return Math.ceil(elements * size);
}

/**
 * The tensor's data as little-endian bytes, without a copy when it is in raw_data.
 * Returns null for external data (use readTensorBytes) and for STRING tensors.
 */
export function tensorRawBytes(t: Tensor): Uint8Array | null {
  if (isExternal(t) || t.data_type === DataType.STRING) return null;
  if (t.raw_data && t.raw_data.length > 0) return t.raw_data;
  const out = new Uint8Array(tensorByteLength(t));
  const view = new DataView(out.buffer);
  switch (t.data_type) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      t.float_data!.forEach((v, i) => view.setFloat32(i * 4, v, true));
      break;
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      t.double_data!.forEach((v, i) => view.setFloat64(i * 8, v, true));
      break;
    case DataType.INT64:
      t.int64_data!.forEach((v, i) => view.setBigInt64(i * 8, toBigInt(v), true));
      break;
    case DataType.UINT32:
      t.uint64_data!.forEach((v, i) => view.setUint32(i * 4, toNumber(v) >>> 0, true));
      break;
    case DataType.UINT64:
      t.uint64_data!.forEach((v, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, toBigInt(v)), true));
      break;
    default: {
      const size = dataTypeSize(t.data_type);
      const ints = t.int32_data ?? [];
      // INT4/UINT4 entries already hold two packed 4-bit values each: one byte per entry too.
      if (size <= 1) {
        ints.forEach((v, i) => (out[i] = v & 0xff));
      } else if (size === 2) {
        ints.forEach((v, i) => view.setUint16(i * 2, v & 0xffff, true));
      } else if (size === 4) {
        ints.forEach((v, i) => view.setInt32(i * 4, v, true));
      }
    }
  }
  return out;
}

/** Resolves an external-data location against the model's folder, refusing paths that leave it. */
export function resolveExternalPath(t: Tensor, modelDir: string): string {
  const ref = externalDataRef(t);
  if (!ref) {
    throw new OnnxError('MODEL_INVALID', `Tensor "${t.name ?? ''}" is marked as external data but names no location.`);
  }
  const full = resolve(modelDir, ref.location);
  const rel = relative(modelDir, full);
  if (isAbsolute(ref.location) || rel.startsWith('..') || isAbsolute(rel)) {
    throw new OnnxError(
      'MODEL_INVALID',
      `Tensor "${t.name ?? ''}" points its data at "${ref.location}", outside the model's folder. ` +
        'External data must sit in the same folder as the model (or below it).',
    );
  }
  return full;
}

/** The tensor's bytes, reading external data from disk only now. */
export async function readTensorBytes(t: Tensor, modelDir: string): Promise<Uint8Array> {
  if (!isExternal(t)) {
    const bytes = tensorRawBytes(t);
    if (!bytes) throw new OnnxError('MODEL_INVALID', `Tensor "${t.name ?? ''}" holds strings, which have no byte form.`);
    return bytes;
  }
  const ref = externalDataRef(t)!;
  const file = resolveExternalPath(t, modelDir);
  const length = ref.length ?? Math.ceil(tensorElementCount(t) * dataTypeSize(t.data_type));
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    throw new OnnxError(
      'MODEL_INVALID',
      `The data of tensor "${t.name ?? ''}" should be in "${ref.location}" next to the model, but that file cannot be opened. Copy it next to the model.`,
    );
  }
  try {
    const { size } = await handle.stat();
    if (ref.offset + length > size) {
      throw new OnnxError(
        'MODEL_INVALID',
        `Tensor "${t.name ?? ''}" needs bytes ${ref.offset}..${ref.offset + length} of "${ref.location}", which has only ${size} bytes.`,
      );
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(out, done, length - done, ref.offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return out;
  } finally {
    await handle.close();
  }
}

/**
 * Integer values of a small INT64/INT32 tensor (shapes, axes, indices), or null when
 * the tensor is of another type, external, or longer than maxElements.
 */
export function tensorIntValues(t: Tensor, maxElements = 64): number[] | null {
  if (isExternal(t) || tensorElementCount(t) > maxElements) return null;
  if (t.data_type === DataType.INT64) {
    if (t.raw_data && t.raw_data.length > 0) {
      const r = t.raw_data;
      const view = new DataView(r.buffer, r.byteOffset, r.byteLength);
      const out: number[] = [];
      for (let i = 0; i + 8 <= r.byteLength; i += 8) out.push(Number(view.getBigInt64(i, true)));
      return out;
    }
    return (t.int64_data ?? []).map((v: Int64) => toNumber(v));
  }
  if (t.data_type === DataType.INT32) {
    if (t.raw_data && t.raw_data.length > 0) {
      const r = t.raw_data;
      const view = new DataView(r.buffer, r.byteOffset, r.byteLength);
      const out: number[] = [];
      for (let i = 0; i + 4 <= r.byteLength; i += 4) out.push(view.getInt32(i, true));
      return out;
    }
    return [...(t.int32_data ?? [])];
  }
  return null;
}
