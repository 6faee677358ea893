// NumPy .npy files (format versions 1, 2 and 3), C order, little-endian or single-byte dtypes.
// Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';

export type NpyDtype =
  | 'float16' | 'float32' | 'float64'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool';

/** float16 comes back as its raw bits (Uint16Array): Node 20 has no Float16Array. */
export type NpyData =
  | Float32Array | Float64Array
  | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  /** Byte offset of the first element. */
  dataOffset: number;
  itemSize: number;
  version: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCRS: Record<string, { dtype: NpyDtype; size: number }> = {
  f2: { dtype: 'float16', size: 2 },
  f4: { dtype: 'float32', size: 4 },
  f8: { dtype: 'float64', size: 8 },
  i1: { dtype: 'int8', size: 1 },
  i2: { dtype: 'int16', size: 2 },
  i4: { dtype: 'int32', size: 4 },
  i8: { dtype: 'int64', size: 8 },
  u1: { dtype: 'uint8', size: 1 },
  u2: { dtype: 'uint16', size: 2 },
  u4: { dtype: 'uint32', size: 4 },
  u8: { dtype: 'uint64', size: 8 },
  b1: { dtype: 'bool', size: 1 },
};

function invalid(file: string, why: string): AppError {
  return new AppError('NPY_INVALID', 'Not a readable .npy file', `${path.basename(file)}: ${why}. Save the array with numpy.save().`);
}

/** Parses the header from the start of a file (needs at most the first 12 + header-length bytes). */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader | { needBytes: number } {
  if (bytes.length < 10) return { needBytes: 10 };
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) throw invalid(file, 'the file does not start with the .npy magic bytes');
  const version = bytes[6];
  if (version < 1 || version > 3) throw invalid(file, `format version ${version} is not supported (1 to 3 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = version === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) return { needBytes: 8 + lenBytes };
  const headerLen = version === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  const dataOffset = start + headerLen;
  if (bytes.length < dataOffset) return { needBytes: dataOffset };
  const text = new TextDecoder(version === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataOffset));
  return { ...parseHeaderDict(text, file), dataOffset, version };
}

function parseHeaderDict(text: string, file: string): { dtype: NpyDtype; shape: number[]; itemSize: number } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw invalid(file, 'its header lacks descr, fortran_order or shape');
  }
  if (fortran === 'True') {
    throw new AppError('NPY_FORTRAN_ORDER', 'Fortran-ordered array', `${path.basename(file)} is stored in Fortran (column-major) order. Save it in C order: numpy.save(path, numpy.ascontiguousarray(a)).`);
  }
  const order = descr[0];
  const known = DESCRS[descr.slice(1)];
  if (!known || !'<|='.includes(order) || (order === '|' && known.size !== 1)) {
    throw new AppError('NPY_DTYPE', 'Unsupported .npy data type', `${path.basename(file)} has dtype '${descr}'. Use a little-endian float16/32/64, int8/16/32/64, uint8/16/32/64 or bool array.`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw invalid(file, `its shape (${shapeText}) is not a list of sizes`);
  return { dtype: known.dtype, shape, itemSize: known.size };
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Copies the bytes into a fresh, aligned typed array of the dtype. */
export function typedArrayFrom(dtype: NpyDtype, bytes: Uint8Array): NpyData {
  const buf = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buf).set(bytes);
  switch (dtype) {
    case 'float16': return new Uint16Array(buf);
    case 'float32': return new Float32Array(buf);
    case 'float64': return new Float64Array(buf);
    case 'int8': return new Int8Array(buf);
    case 'int16': return new Int16Array(buf);
    case 'int32': return new Int32Array(buf);
    case 'int64': return new BigInt64Array(buf);
    case 'uint8': case 'bool': return new Uint8Array(buf);
    case 'uint16': return new Uint16Array(buf);
    case 'uint32': return new Uint32Array(buf);
    case 'uint64': return new BigUint64Array(buf);
  }
}

export function parseNpy(bytes: Uint8Array, file = '<buffer>'): NpyArray {
  const header = parseNpyHeader(bytes, file);
  if ('needBytes' in header) throw invalid(file, 'the file is shorter than its header');
  const size = elementCount(header.shape) * header.itemSize;
  if (bytes.length < header.dataOffset + size) {
    throw invalid(file, `it holds ${bytes.length - header.dataOffset} data bytes but its shape [${header.shape.join(', ')}] needs ${size}`);
  }
  const data = typedArrayFrom(header.dtype, bytes.subarray(header.dataOffset, header.dataOffset + size));
  return { dtype: header.dtype, shape: header.shape, data };
}

export async function readNpy(file: string): Promise<NpyArray> {
  return parseNpy(await fsp.readFile(file), file);
}

const DESCR_OF: Record<NpyDtype, string> = {
  float16: '<f2', float32: '<f4', float64: '<f8',
  int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8',
  uint8: '|u1', uint16: '<u2', uint32: '<u4', uint64: '<u8',
  bool: '|b1',
};

/** Encodes an array as a version 1 .npy file (version 2 when the header does not fit). */
export function encodeNpy(array: NpyArray): Uint8Array {
  if (elementCount(array.shape) !== array.data.length) {
    throw new Error(`encodeNpy: shape [${array.shape.join(', ')}] does not match ${array.data.length} elements`);
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  const dict = `{'descr': '${DESCR_OF[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const version = dict.length + 11 > 0xffff ? 2 : 1;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const body = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(total + body.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(body, total);
  return out;
}

export interface NpyFile {
  readonly path: string;
  readonly header: NpyHeader;
  /** Number of rows along the first axis (1 for a 0-d array). */
  readonly rows: number;
  /** Reads rows [start, start + count) of the first axis without loading the rest of the file. */
  readRows(start: number, count: number): Promise<NpyArray>;
  close(): Promise<void>;
}

/** Opens an .npy file for reading batches of rows through positioned reads. */
export async function openNpy(file: string): Promise<NpyFile> {
  const fh = await fsp.open(file, 'r');
  try {
    const { size } = await fh.stat();
    let want = 128;
    let header: NpyHeader | { needBytes: number };
    for (;;) {
      const buf = new Uint8Array(Math.min(want, size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      header = parseNpyHeader(buf.subarray(0, bytesRead), file);
      if (!('needBytes' in header)) break;
      if (header.needBytes > size) throw invalid(file, 'the file is shorter than its header');
      want = header.needBytes;
    }
    const h = header;
    const rows = h.shape.length === 0 ? 1 : h.shape[0];
    const rowShape = h.shape.slice(1);
    const rowBytes = elementCount(rowShape) * h.itemSize;
    if (size < h.dataOffset + rows * rowBytes) {
      throw invalid(file, `it holds ${size - h.dataOffset} data bytes but its shape [${h.shape.join(', ')}] needs ${rows * rowBytes}`);
    }
    return {
      path: file,
      header: h,
      rows,
      async readRows(start, count) {
        if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > rows) {
          throw new RangeError(`readRows(${start}, ${count}) is outside the ${rows} rows of ${path.basename(file)}`);
        }
        const buf = new Uint8Array(count * rowBytes);
        let done = 0;
        while (done < buf.length) {
          const { bytesRead } = await fh.read(buf, done, buf.length - done, h.dataOffset + start * rowBytes + done);
          if (bytesRead === 0) throw invalid(file, 'the file ended early');
          done += bytesRead;
        }
        const shape = h.shape.length === 0 ? [] : [count, ...rowShape];
        return { dtype: h.dtype, shape, data: typedArrayFrom(h.dtype, buf) };
      },
      close: () => fh.close(),
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}
