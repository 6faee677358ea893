// Input tensors for profiling: seeded random values in [0, 1) for float inputs, zeros for integer ones
// (mostly indices), random bytes and booleans; or the first sample of an .npy batch for the first input.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AppError } from '../api/errors.js';
import { openNpy, type NpyArray } from '../util/npy.js';
import { seededRandom } from '../util/seeded-random.js';

type Dims = ReadonlyArray<number | string>;

export interface InputSpec {
  name: string;
  type: ort.Tensor.Type;
  shape: Dims;
}

export function inputSpecs(session: ort.InferenceSession): InputSpec[] {
  return session.inputMetadata.map((m) => {
    if (!m.isTensor) {
      throw new AppError('PROFILE_INPUT', 'Unsupported model input', `Input "${m.name}" is not a tensor (a sequence or map); the profiler feeds tensors only.`);
    }
    return { name: m.name, type: m.type, shape: m.shape };
  });
}

/** Symbolic or unknown dimensions become 1 (a batch of one). */
export function concreteShape(shape: Dims): number[] {
  return shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
}

export async function buildFeeds(specs: InputSpec[], inputNpy?: string): Promise<Record<string, ort.Tensor>> {
  const feeds: Record<string, ort.Tensor> = {};
  const random = seededRandom(0x5eed);
  for (const spec of specs) {
    const shape = concreteShape(spec.shape);
    feeds[spec.name] = new ort.Tensor(spec.type, randomData(spec, shape.reduce((a, b) => a * b, 1), random), shape);
  }
  if (inputNpy && specs.length > 0) feeds[specs[0].name] = await npyFeed(specs[0], inputNpy);
  return feeds;
}

async function npyFeed(spec: InputSpec, file: string): Promise<ort.Tensor> {
  const npy = await openNpy(file);
  try {
    const want = concreteShape(spec.shape);
    const has = npy.header.shape;
    const batch = typeof spec.shape[0] === 'number' && spec.shape[0] > 0 ? spec.shape[0] : 1;
    const fits =
      has.length === spec.shape.length &&
      npy.rows >= batch &&
      spec.shape.every((d, k) => k === 0 || typeof d !== 'number' || d < 0 || d === has[k]);
    if (!fits) {
      throw new AppError(
        'PROFILE_INPUT_SHAPE',
        'Input file does not fit the model',
        `${path.basename(file)} has shape [${has.join(', ')}] but input "${spec.name}" expects [${spec.shape.join(', ')}]` +
          ` (a batch of ${batch} like [${want.join(', ')}]). Give an .npy whose trailing dimensions match the model.`,
      );
    }
    const rows = await npy.readRows(0, batch);
    return new ort.Tensor(spec.type, convert(rows, spec, file), [batch, ...has.slice(1)]);
  } finally {
    await npy.close();
  }
}

function convert(npy: NpyArray, spec: InputSpec, file: string): ort.Tensor.DataType {
  if (npy.dtype === spec.type) return npy.data as ort.Tensor.DataType;
  const floats = ['float32', 'float64'];
  if (floats.includes(spec.type) && !(npy.data instanceof BigInt64Array || npy.data instanceof BigUint64Array) && npy.dtype !== 'float16') {
    return spec.type === 'float32' ? Float32Array.from(npy.data as ArrayLike<number>) : Float64Array.from(npy.data as ArrayLike<number>);
  }
  if (spec.type === 'int64' && ['int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32'].includes(npy.dtype)) {
    return BigInt64Array.from(npy.data as ArrayLike<number>, (v) => BigInt(v));
  }
  throw new AppError(
    'PROFILE_INPUT_TYPE',
    'Input file has the wrong data type',
    `${path.basename(file)} holds ${npy.dtype} values but input "${spec.name}" takes ${spec.type}. Save the array as ${spec.type}.`,
  );
}

function randomData(spec: InputSpec, count: number, random: () => number): ort.Tensor.DataType {
  switch (spec.type) {
    case 'float32': return Float32Array.from({ length: count }, random);
    case 'float64': return Float64Array.from({ length: count }, random);
    case 'float16': return Uint16Array.from({ length: count }, () => halfBits(random()));
    // Integer inputs are mostly indices (token ids, positions): 0 is valid along any non-empty axis.
    case 'int64': return new BigInt64Array(count);
    case 'uint64': return new BigUint64Array(count);
    case 'int32': return new Int32Array(count);
    case 'uint32': return new Uint32Array(count);
    case 'int16': return new Int16Array(count);
    case 'uint16': return new Uint16Array(count);
    case 'int8': return new Int8Array(count);
    case 'uint8': return Uint8Array.from({ length: count }, () => Math.floor(random() * 256));
    case 'bool': return Uint8Array.from({ length: count }, () => (random() < 0.5 ? 1 : 0));
    default:
      throw new AppError('PROFILE_INPUT', 'Unsupported input type', `Input "${spec.name}" has type ${spec.type}; give numeric inputs with --input.`);
  }
}

/** IEEE half-precision bits of a value in [0, 1) (normal range only; subnormals flush to 0). */
function halfBits(v: number): number {
  if (v < 6.1e-5) return 0;
  const exp = Math.floor(Math.log2(v));
  const mant = Math.round((v / 2 ** exp - 1) * 1024);
  return ((exp + 15) << 10) + mant;
}

