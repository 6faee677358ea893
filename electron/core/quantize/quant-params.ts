// Linear quantization parameters and (de)quantization, following the ONNX QuantizeLinear spec:
// q = saturate(round_half_to_even(x / scale) + zero_point). Ranges are computed in float64; the
// scale is then rounded to float32 because that is the value a DequantizeLinear node will use.

export type QType = 'uint8' | 'int8';

export interface QParams {
  scale: number;
  zeroPoint: number;
}

export interface Range {
  min: number;
  max: number;
}

/** Round half to even, as ONNX QuantizeLinear and numpy.round do. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Integer range of a type; symmetric int8 drops -128 so that the range is centred on 0. */
export function qRange(type: QType | 'int32', symmetric = false): [number, number] {
  if (type === 'uint8') return [0, 255];
  if (type === 'int8') return symmetric ? [-127, 127] : [-128, 127];
  return [-2147483648, 2147483647];
}

/**
 * Scale and zero point for a real range. The range is widened to include 0 so that zero (padding,
 * ReLU outputs) is exact. A degenerate range (all zeros) gives scale 1.
 */
export function computeQParams(min: number, max: number, type: QType, symmetric: boolean): QParams {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`range [${min}, ${max}] is not finite`);
  const [qmin, qmax] = qRange(type, symmetric);
  let rmin = Math.min(min, 0);
  let rmax = Math.max(max, 0);
  if (symmetric) {
    const absmax = Math.max(-rmin, rmax);
    rmin = -absmax;
    rmax = absmax;
  }
  let scale = Math.fround((rmax - rmin) / (qmax - qmin));
  if (!(scale > 0) || !Number.isFinite(1 / scale)) {
    scale = 1;
    rmin = 0;
  }
  const zeroPoint = symmetric ? roundHalfEven((qmax + qmin) / 2) : clamp(roundHalfEven(qmin - rmin / scale), qmin, qmax);
  return { scale, zeroPoint };
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export function quantizeValue(x: number, p: QParams, qmin: number, qmax: number): number {
  return clamp(roundHalfEven(x / p.scale) + p.zeroPoint, qmin, qmax);
}

export function quantize(values: ArrayLike<number>, p: QParams, type: QType): Int8Array | Uint8Array {
  const [qmin, qmax] = qRange(type);
  const out = type === 'uint8' ? new Uint8Array(values.length) : new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = quantizeValue(values[i], p, qmin, qmax);
  return out;
}

export function dequantize(q: ArrayLike<number>, p: QParams): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = (q[i] - p.zeroPoint) * p.scale;
  return out;
}

/** Min and max of a float array; [0, 0] for an empty one. NaN values are skipped. */
export function rangeOf(values: ArrayLike<number>): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/** Layout of a tensor as [outer, channels, inner] around the channel axis. */
export function channelLayout(dims: readonly number[], axis: number): { outer: number; channels: number; inner: number } {
  if (axis < 0 || axis >= dims.length) throw new RangeError(`axis ${axis} is outside a rank-${dims.length} tensor`);
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { outer, channels: dims[axis], inner };
}

export function channelRanges(values: ArrayLike<number>, dims: readonly number[], axis: number): Range[] {
  const { outer, channels, inner } = channelLayout(dims, axis);
  const ranges: Range[] = Array.from({ length: channels }, () => ({ min: 0, max: 0 }));
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const r = ranges[c];
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) {
        const v = values[base + i];
        if (v < r.min) r.min = v;
        if (v > r.max) r.max = v;
      }
    }
  }
  return ranges;
}

export interface QuantizedTensor {
  data: Int8Array | Uint8Array;
  /** One entry per tensor, or one per channel along `axis`. */
  params: QParams[];
  axis: number | null;
}

/** Weights: symmetric per tensor (axis null) or per channel. */
export function quantizeWeights(values: ArrayLike<number>, dims: readonly number[], type: QType, axis: number | null, symmetric = true): QuantizedTensor {
  if (axis === null) {
    const r = rangeOf(values);
    const p = computeQParams(r.min, r.max, type, symmetric);
    return { data: quantize(values, p, type), params: [p], axis: null };
  }
  const params = channelRanges(values, dims, axis).map((r) => computeQParams(r.min, r.max, type, symmetric));
  const { outer, channels, inner } = channelLayout(dims, axis);
  const [qmin, qmax] = qRange(type);
  const data = type === 'uint8' ? new Uint8Array(values.length) : new Int8Array(values.length);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const p = params[c];
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) data[base + i] = quantizeValue(values[base + i], p, qmin, qmax);
    }
  }
  return { data, params, axis };
}

/**
 * Bias as int32 with scale = input scale × weight scale (per output channel) and zero point 0,
 * so that it adds straight into the int32 accumulator of an integer Conv/Gemm.
 */
export function quantizeBias(bias: ArrayLike<number>, inputScale: number, weightScales: readonly number[]): { data: Int32Array; scales: number[] } {
  if (weightScales.length !== 1 && weightScales.length !== bias.length) {
    throw new RangeError(`bias has ${bias.length} values but there are ${weightScales.length} weight scales`);
  }
  const scales = Array.from({ length: bias.length }, (_, i) => Math.fround(inputScale * weightScales[weightScales.length === 1 ? 0 : i]));
  const [qmin, qmax] = qRange('int32');
  const data = new Int32Array(bias.length);
  for (let i = 0; i < bias.length; i++) {
    const s = scales[i] > 0 ? scales[i] : 1;
    data[i] = clamp(roundHalfEven(bias[i] / s), qmin, qmax);
  }
  return { data, scales: weightScales.length === 1 ? [scales[0] ?? Math.fround(inputScale * weightScales[0])] : scales };
}
